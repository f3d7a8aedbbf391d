/// \file common/core/rung_kind.hpp
/// \brief Where a registered rung comes from: the vendor library, a chapter, a solution or an exercise.
///
/// Shared by the GEMM and convolution registries: chapter executables show the
/// vendor and chapter rungs, solution executables add their solutions.
#pragma once

namespace ladder {

/// Where a rung comes from; chapter executables show Vendor and Chapter rungs.
enum class RungKind { Vendor, Chapter, Solution, Exercise };

/// "vendor", "chapter", "solution" or "exercise", for tables and JSON.
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
  }
  return "?";
}

}  // namespace ladder
