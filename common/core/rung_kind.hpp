/// \file common/core/rung_kind.hpp
/// \brief Where a registered rung comes from: the vendor library, a chapter, a solution, an exercise
/// or a tuning sweep.
///
/// Shared by the GEMM and convolution registries: chapter executables show the
/// vendor and chapter rungs, solution executables add their solutions.
#pragma once

namespace ladder {

/// Where a rung comes from; chapter executables show Vendor and Chapter rungs. A Candidate is a
/// configuration a tuning sweep tries (benchmarks/tune_simt.cu), not a step of any lesson.
enum class RungKind { Vendor, Chapter, Solution, Exercise, Candidate };

/// "vendor", "chapter", "solution", "exercise" or "candidate", for tables and JSON.
constexpr const char* to_string(RungKind kind) {
  switch (kind) {
    case RungKind::Vendor:
      return "vendor";
    case RungKind::Chapter:
      return "chapter";
    case RungKind::Solution:
      return "solution";
    case RungKind::Exercise:
      return "exercise";
    case RungKind::Candidate:
      return "candidate";
  }
  return "?";
}

}  // namespace ladder
