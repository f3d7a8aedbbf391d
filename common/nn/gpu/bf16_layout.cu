#include "common/nn/gpu/bf16_layout.cuh"

#include <stdexcept>
#include <string>

#include "common/core/cuda_check.cuh"
#include "common/core/grid_stride.cuh"
#include "common/nn/gpu/launch.cuh"

namespace ladder::nn::gpu {
namespace {

// [to-bf16]
/// One thread per element of out, padding included: zero where no element of in lands.
__global__ void to_bf16_matrix_kernel(const float* in, int rows, int cols, bool transposed, __nv_bfloat16* out,
                                      int out_rows, int ld_out) {
  for (const std::size_t i : grid_stride(std::size_t(out_rows) * ld_out)) {
    const int row = int(i / ld_out), column = int(i % ld_out);
    const int out_cols = transposed ? rows : cols;
    float value = 0.0f;
    if (column < out_cols)
      value = transposed ? in[std::size_t(column) * cols + row] : in[std::size_t(row) * cols + column];
    out[i] = __float2bfloat16(value);  // round to nearest even
  }
}
// [to-bf16]

__global__ void from_bf16_matrix_kernel(const __nv_bfloat16* in, int cols, int ld_in, float* out, std::size_t count) {
  for (const std::size_t i : grid_stride(count)) out[i] = __bfloat162float(in[i / cols * ld_in + i % cols]);
}

/// One thread per element of the output, read from where the other layout keeps it.
__global__ void nchw_to_nhwc_kernel(const float* x, int c, int h, int w, __nv_bfloat16* out, std::size_t count) {
  for (const std::size_t i : grid_stride(count)) {  // i walks out: ((n * H + y) * W + x) * C + ch
    const int channel = int(i % c);
    const std::size_t pixel = i / c, n = pixel / (std::size_t(h) * w), plane_at = pixel % (std::size_t(h) * w);
    out[i] = __float2bfloat16(x[(n * c + channel) * h * w + plane_at]);
  }
}

__global__ void nhwc_to_nchw_kernel(const __nv_bfloat16* y, int c, int h, int w, float* out, std::size_t count) {
  for (const std::size_t i : grid_stride(count)) {  // i walks out: ((n * C + ch) * H + y) * W + x
    const std::size_t plane = std::size_t(h) * w, n = i / (plane * c);
    const int channel = int(i / plane % c);
    out[i] = __bfloat162float(y[(n * plane + i % plane) * c + channel]);
  }
}

__global__ void filters_kernel(const float* w, ConvProblem forward, bool flipped, __nv_bfloat16* out) {
  for (const std::size_t i : grid_stride(forward.filter_elements())) {  // i walks w: KCRS
    const int s = int(i % forward.s), r = int(i / forward.s % forward.r);
    const int c = int(i / (std::size_t(forward.s) * forward.r) % forward.c);
    const int k = int(i / (std::size_t(forward.s) * forward.r * forward.c));
    out[krsc_index(forward, flipped, k, c, r, s)] = __float2bfloat16(w[i]);
  }
}

}  // namespace

void to_bf16_matrix(const float* in, int rows, int cols, bool transposed, __nv_bfloat16* out, int ld_out,
                    cudaStream_t stream) {
  require(rows >= 1 && cols >= 1, "to_bf16_matrix: rows and cols must be >= 1");
  const int out_rows = transposed ? cols : rows, out_cols = transposed ? rows : cols;
  require(ld_out >= out_cols, "to_bf16_matrix: the leading dimension is shorter than a row");
  to_bf16_matrix_kernel<<<blocks_for(std::size_t(out_rows) * ld_out), kThreads, 0, stream>>>(in, rows, cols, transposed,
                                                                                             out, out_rows, ld_out);
  LADDER_CHECK_LAUNCH();
}

void from_bf16_matrix(const __nv_bfloat16* in, int rows, int cols, int ld_in, float* out, cudaStream_t stream) {
  require(rows >= 1 && cols >= 1 && ld_in >= cols, "from_bf16_matrix: rows, cols >= 1 and ld_in >= cols");
  const std::size_t count = std::size_t(rows) * cols;
  from_bf16_matrix_kernel<<<blocks_for(count), kThreads, 0, stream>>>(in, cols, ld_in, out, count);
  LADDER_CHECK_LAUNCH();
}

void nchw_to_nhwc_bf16(const float* x, int n, int c, int h, int w, __nv_bfloat16* out, cudaStream_t stream) {
  require(n >= 1 && c >= 1 && h >= 1 && w >= 1, "nchw_to_nhwc_bf16: every extent must be >= 1");
  const std::size_t count = std::size_t(n) * c * h * w;
  nchw_to_nhwc_kernel<<<blocks_for(count), kThreads, 0, stream>>>(x, c, h, w, out, count);
  LADDER_CHECK_LAUNCH();
}

void nhwc_bf16_to_nchw(const __nv_bfloat16* y, int n, int c, int h, int w, float* out, cudaStream_t stream) {
  require(n >= 1 && c >= 1 && h >= 1 && w >= 1, "nhwc_bf16_to_nchw: every extent must be >= 1");
  const std::size_t count = std::size_t(n) * c * h * w;
  nhwc_to_nchw_kernel<<<blocks_for(count), kThreads, 0, stream>>>(y, c, h, w, out, count);
  LADDER_CHECK_LAUNCH();
}

void filters_to_krsc_bf16(const float* w, const ConvProblem& forward, bool flipped, __nv_bfloat16* out,
                          cudaStream_t stream) {
  if (const auto reason = invalid_reason(forward)) throw std::invalid_argument("filters_to_krsc_bf16: " + *reason);
  filters_kernel<<<blocks_for(forward.filter_elements()), kThreads, 0, stream>>>(w, forward, flipped, out);
  LADDER_CHECK_LAUNCH();
}

}  // namespace ladder::nn::gpu
