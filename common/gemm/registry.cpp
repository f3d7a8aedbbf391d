#include <algorithm>
#include <cstdint>
#include <iostream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "common/core/build_targets.hpp"
#include "common/core/capability.hpp"
#include "common/core/registry.hpp"
#include "common/core/table.hpp"
#include "common/gemm/cublas.cuh"
#include "common/gemm/gemm.cuh"
#include "common/gemm/precision.hpp"
#include "common/gemm/reference.hpp"

namespace ladder {

namespace {
// A function-local static is constructed on first use, so registrations made
// from other files' static initialisers never see an unconstructed vector.
// cuBLAS is always there: it is the oracle and the baseline of every table.
RungList<GemmRung>& mutable_registry() {
  static RungList<GemmRung> rungs({cublas_rung(), cublas_bf16_rung()});
  return rungs;
}

std::vector<InstructionPeak>& mutable_peaks() {
  static std::vector<InstructionPeak> peaks;
  return peaks;
}

/// Whether `rows` rows of `leading_dimension` elements reach past a 32-bit int's indices.
bool spans_past_int(int rows, int leading_dimension) {
  return static_cast<long long>(rows) * leading_dimension > std::numeric_limits<int>::max();
}

template <typename Element>
std::optional<std::string> unsupported(const GemmRung& rung, const GemmArgsOf<Element>& args, Precision precision,
                                       int compute_capability) {
  const GemmRequirements& need = rung.requirements;
  std::ostringstream why;
  if (rung.precision() != precision) {
    why << "is a " << to_string(rung.precision()) << " rung, the problem is " << to_string(precision);
  } else if (!need.missing_from_build.empty()) {
    why << need.missing_from_build;
  } else if (const char* missing = missing_sm80_code(rung.kind, need.min_compute_capability)) {
    why << missing;
  } else if (const std::string mismatch =
                 capability_mismatch(need.min_compute_capability, need.max_compute_capability, compute_capability);
             !mismatch.empty()) {
    why << mismatch;
  } else if (args.m % need.m_multiple != 0 || args.n % need.n_multiple != 0 || args.k % need.k_multiple != 0) {
    why << "needs m, n, k multiples of " << need.m_multiple << ", " << need.n_multiple << ", " << need.k_multiple
        << " (got " << args.m << ", " << args.n << ", " << args.k << ")";
  } else if (args.k < need.min_k) {
    why << "needs k >= " << need.min_k << " (got " << args.k << ")";
  } else if (rung.kind != RungKind::Vendor && (spans_past_int(args.m, args.lda) || spans_past_int(args.k, args.ldb) ||
                                               spans_past_int(args.m, args.ldc))) {
    // The command line refuses such sizes; this catches the other callers (bench_gemm, chapter 14).
    // B as k rows: launch_b_n_by_k's n rows are its callers' to bound (tests and bench_gemm, far below).
    why << "indexes with 32-bit ints: A, B and C must each span fewer than 2^31 elements (rows x leading dimension)";
  } else {
    const auto misaligned = [&](const void* pointer, int leading_dimension) {
      return reinterpret_cast<std::uintptr_t>(pointer) % need.alignment_bytes != 0 ||
             (std::size_t(leading_dimension) * sizeof(Element)) % need.alignment_bytes != 0;
    };
    if (misaligned(args.a, args.lda) || misaligned(args.b, args.ldb) || misaligned(args.c, args.ldc))
      why << "needs " << need.alignment_bytes << "-byte aligned pointers and leading dimensions";
  }
  const std::string reason = why.str();
  if (reason.empty()) return std::nullopt;
  return reason;
}
}  // namespace

bool register_gemm(GemmRung rung) {
  if (!rung.launch) throw std::logic_error("register_gemm: rung '" + rung.name + "' has no launcher");
  mutable_registry().add(std::move(rung));
  return true;
}

std::vector<GemmRung> gemm_registry() { return mutable_registry().in_ladder_order(); }

std::optional<GemmRung> find_gemm(std::string_view name) { return mutable_registry().find(name); }

std::optional<std::string> unsupported_reason(const GemmRung& rung, const GemmArgs& args, int compute_capability) {
  return unsupported(rung, args, Precision::Fp32, compute_capability);
}

std::optional<std::string> unsupported_reason(const GemmRung& rung, const Bf16GemmArgs& args, int compute_capability) {
  return unsupported(rung, args, Precision::Bf16, compute_capability);
}

const char* to_string(Precision precision) { return precision == Precision::Bf16 ? "bf16" : "fp32"; }

int element_bytes(Precision precision) { return precision == Precision::Bf16 ? 2 : 4; }

double gemm_tolerance(Precision precision, int k) {
  return precision == Precision::Bf16 ? bf16_gemm_tolerance(k) : fp32_gemm_tolerance(k);
}

bool register_instruction_peak(InstructionPeak peak) {
  if (peak.instruction.empty() || peak.measure_tflops == nullptr)
    throw std::logic_error("register_instruction_peak: instruction and micro-benchmark needed");
  if (!find_instruction_peak(peak.instruction)) mutable_peaks().push_back(std::move(peak));
  return true;
}

std::optional<InstructionPeak> find_instruction_peak(std::string_view instruction) {
  for (const auto& peak : mutable_peaks())
    if (peak.instruction == instruction) return peak;
  return std::nullopt;
}

std::map<std::string, double> measure_instruction_peaks(const std::vector<std::string>& instructions) {
  std::map<std::string, double> peaks;
  for (const std::string& instruction : instructions) {
    if (instruction.empty() || peaks.count(instruction)) continue;
    const auto peak = find_instruction_peak(instruction);
    if (!peak) continue;
    std::cerr << "measuring the peak of " << instruction << " (micro-benchmark)...\n";
    peaks[instruction] = peak->measure_tflops();
    std::cout << "instruction peak: " << instruction << ": " << fixed(peaks[instruction], 1) << " TFLOP/s ("
              << peak->summary << ")\n";
  }
  return peaks;
}

}  // namespace ladder
