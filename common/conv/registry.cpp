#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "common/conv/conv.cuh"
#include "common/conv/cudnn.cuh"
#include "common/core/build_targets.hpp"
#include "common/core/capability.hpp"
#include "common/core/registry.hpp"
#include "common/gemm/gemm.cuh"

namespace ladder {

namespace {
// Constructed on first use, so registrations from other files' static
// initialisers never see an unconstructed list. cuDNN is always listed: when
// the build has no cuDNN its rows say so instead of silently disappearing.
RungList<ConvRung>& mutable_registry() {
  static RungList<ConvRung> rungs({cudnn_rung(), cudnn_bf16_rung()});
  return rungs;
}
}  // namespace

bool register_conv(ConvRung rung) {
  if (!rung.launch) throw std::logic_error("register_conv: rung '" + rung.name + "' has no launcher");
  mutable_registry().add(std::move(rung));
  return true;
}

std::vector<ConvRung> conv_registry() { return mutable_registry().in_ladder_order(); }

std::optional<ConvRung> find_conv(std::string_view name) { return mutable_registry().find(name); }

namespace {
/// Elements of the largest matrix of an explicit lowering, each row padded to 16 bytes as
/// chapter 12 lays them out: the lowered input (N·P·Q × C·R·S), filterᵀ (C·R·S × K) or
/// the product (N·P·Q × K). The GEMM indexes all three with 32-bit ints. filterᵀ is the
/// largest only for a huge C with a K just short of a multiple of 4, where the padding
/// takes it past what invalid_reason's bound on K·C·R·S allows.
long long lowered_elements(const ConvProblem& problem) {
  const auto padded = [](long long floats) { return (floats + 3) / 4 * 4; };  // 16-byte rows
  const long long rows = problem.gemm_m(), reduction = problem.gemm_k(), channels = problem.gemm_n();
  return std::max({rows * padded(reduction), reduction * padded(channels), rows * padded(channels)});
}
}  // namespace

std::optional<std::string> unsupported_reason(const ConvRung& rung, const ConvProblem& problem,
                                              int compute_capability) {
  const ConvRequirements& need = rung.requirements;
  std::ostringstream why;
  if (auto invalid = invalid_reason(problem)) {
    why << *invalid;
  } else if (need.needs_cudnn && !cudnn_available()) {
    why << "this build has no cuDNN (CMake found none; see LADDER_WITH_CUDNN)";
  } else if (!need.missing_from_build.empty()) {
    why << need.missing_from_build;
  } else if (const char* missing = missing_sm80_code(rung.kind, need.min_compute_capability)) {
    why << missing;
  } else if (const std::string mismatch =
                 capability_mismatch(need.min_compute_capability, need.max_compute_capability, compute_capability);
             !mismatch.empty()) {
    why << mismatch;
  } else if (problem.c % need.c_multiple != 0) {
    why << "needs C a multiple of " << need.c_multiple << " (got " << problem.c << ")";
  } else if (need.max_filter_extent > 0 && (problem.r > need.max_filter_extent || problem.s > need.max_filter_extent)) {
    why << "handles filters up to " << need.max_filter_extent << "x" << need.max_filter_extent << " (got " << problem.r
        << "x" << problem.s << ")";
  } else if (need.max_stride > 0 && problem.stride > need.max_stride) {
    why << "handles strides up to " << need.max_stride << " (got " << problem.stride << ")";
  } else if (need.max_lowered_elements > 0 && lowered_elements(problem) > need.max_lowered_elements) {
    why << "its lowered matrices (N*P*Q = " << problem.gemm_m() << " rows of C*R*S = " << problem.gemm_k()
        << " and of K = " << problem.gemm_n() << ", C*R*S rows of K, rows padded to 16 bytes) reach "
        << lowered_elements(problem) << " elements, more than " << need.max_lowered_elements;
  } else if (need.max_filter_elements > 0 && problem.filter_elements() > std::size_t(need.max_filter_elements)) {
    why << "holds at most " << need.max_filter_elements << " filter weights (K*C*R*S = " << problem.filter_elements()
        << ")";
  }
  const std::string reason = why.str();
  if (reason.empty()) return std::nullopt;
  return reason;
}

double conv_tolerance(const ConvRung& rung, const ConvProblem& problem) {
  constexpr double kFastAlgorithmSlack = 16;  // Winograd's and FFT's extra rounding; see conv.cuh
  const bool bf16 = rung.precision() == ConvPrecision::Bf16Nhwc;
  const double bound = gemm_tolerance(bf16 ? Precision::Bf16 : Precision::Fp32, problem.gemm_k());
  return rung.kind == RungKind::Vendor && !bf16 ? kFastAlgorithmSlack * bound : bound;
}

std::size_t workspace_bytes(const ConvRung& rung, const ConvProblem& problem) {
  return rung.workspace_bytes != nullptr ? rung.workspace_bytes(problem) : 0;
}

const char* to_string(ConvPrecision precision) {
  return precision == ConvPrecision::Bf16Nhwc ? "bf16 NHWC" : "fp32 NCHW";
}

int element_bytes(ConvPrecision precision) { return precision == ConvPrecision::Bf16Nhwc ? 2 : 4; }

}  // namespace ladder
