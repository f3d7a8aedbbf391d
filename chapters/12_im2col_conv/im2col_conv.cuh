/// \file chapters/12_im2col_conv/im2col_conv.cuh
/// \brief Chapter 12: a convolution lowered to one GEMM. The workspace layout,
/// the three data-movement kernels around the GEMM, and the launcher template
/// both rungs (chapter 06's GEMM, cuBLAS) share.
///
/// The GEMM view (common/conv/problem.hpp): every output position (n, p, q) is
/// a row, every output channel k a column, every filter tap (c, r, s) a step
/// of the reduction:
///
///     out (N·P·Q × K)  =  lowered (N·P·Q × C·R·S)  ·  filterᵀ (C·R·S × K)
///
/// `lowered` is im2col's matrix: row (n, p, q) holds the C·R·S input values
/// that output position's dot product reads, padding as zeros. It is built in
/// the workspace, as is filterᵀ; the GEMM writes `out`, whose rows are pixels
/// and columns channels (NHWC), and a last pass permutes it to NCHW.
#pragma once

#include <cstddef>

#include "common/conv/conv.cuh"
#include "common/conv/index.hpp"
#include "common/core/cuda_check.cuh"
#include "common/gemm/gemm.cuh"

namespace ladder::im2col {

/// Row strides are padded to whole 16-byte vectors: chapter 06's GEMM reads
/// float4s and cp.async copies 16 bytes, so every row must start aligned.
inline constexpr int kRowAlignment = 4;  // floats
/// Each matrix in the workspace starts on a 256-byte boundary, as cudaMalloc's do.
inline constexpr std::size_t kMatrixAlignment = 256;

LADDER_HOST_DEVICE constexpr long long round_up(long long value, long long multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// Where the three matrices live in the workspace, and their row strides.
struct LoweredLayout {
  long long lowered_ld = 0, filter_t_ld = 0, out_ld = 0;                ///< row strides, in floats
  std::size_t lowered_offset = 0, filter_t_offset = 0, out_offset = 0;  ///< in bytes
  std::size_t total_bytes = 0;
};

// [lowered-layout]
/// The workspace of one lowering: the lowered matrix (N·P·Q × C·R·S), the
/// transposed filter (C·R·S × K) and the GEMM's output (N·P·Q × K).
constexpr LoweredLayout lowered_layout(const ConvProblem& problem) {
  LoweredLayout layout;
  layout.lowered_ld = round_up(problem.gemm_k(), kRowAlignment);
  layout.filter_t_ld = round_up(problem.gemm_n(), kRowAlignment);
  layout.out_ld = layout.filter_t_ld;
  const auto bytes = [](long long rows, long long ld) { return std::size_t(rows * ld) * sizeof(float); };
  const auto aligned = [](std::size_t offset) { return std::size_t(round_up(offset, kMatrixAlignment)); };
  layout.lowered_offset = 0;
  layout.filter_t_offset = aligned(bytes(problem.gemm_m(), layout.lowered_ld));
  layout.out_offset = aligned(layout.filter_t_offset + bytes(problem.gemm_k(), layout.filter_t_ld));
  layout.total_bytes = aligned(layout.out_offset + bytes(problem.gemm_m(), layout.out_ld));
  return layout;
}
// [lowered-layout]

// [lowered-value]
/// Element (row, tap) of the lowered matrix: the input value that output
/// position `row` multiplies by filter tap `tap`, or zero in the padding. The
/// kernel computes exactly this; a CPU test compares it with the reference's im2col.
LADDER_HOST_DEVICE inline float lowered_value(const ConvProblem& pr, const float* x, long long row, int tap) {
  const conv::OutputPosition out = conv::output_position(pr, row);
  const conv::FilterTap filter_tap = conv::filter_tap_crs(pr, tap);
  const int h = conv::input_row(pr, out.p, filter_tap.r), w = conv::input_col(pr, out.q, filter_tap.s);
  return conv::inside_image(pr, h, w) ? x[conv::nchw_offset(pr, out.n, filter_tap.c, h, w)] : 0.0f;
}
// [lowered-value]

inline std::size_t lowered_workspace_bytes(const ConvProblem& problem) { return lowered_layout(problem).total_bytes; }

/// The three matrices, as pointers into one rung call's workspace.
struct LoweredMatrices {
  float* lowered;
  float* filter_t;
  float* out;
  LoweredLayout layout;
};
LoweredMatrices carve_workspace(const ConvArgs& args);

/// Lowers x, transposes w, runs `gemm` (out = lowered · filterᵀ), permutes out
/// into y (NCHW). Throws CudaError on a failed launch.
void lowered_conv(const ConvArgs& args, GemmLauncher gemm, cudaStream_t stream);

}  // namespace ladder::im2col
