/// \file common/nn/gpu/bf16_layout.cuh
/// \brief The conversions of chapter 14's mixed precision (--precision bf16): fp32 tensors into the
/// bf16 operands the tensor-core rungs read, and their bf16 results back into fp32.
///
/// The recipe: the weights, their gradients and the optimizer stay fp32 (the master copy); each
/// product and convolution reads bf16 copies of its operands, made just before it, accumulates in
/// fp32 inside the rung, and writes bf16, which is widened back to fp32 for everything else. The
/// tensor-core rungs need 16-byte aligned rows, 8 bf16 values: each bf16 matrix gets a leading
/// dimension rounded up to a multiple of 8 (bf16_leading_dimension), with zeros in the padding so
/// that a rung reading a whole 16-byte chunk adds nothing from it. The convolution rungs want
/// channels-last activations (NHWC) and filters (KRSC).
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include "common/conv/problem.hpp"
#include "common/nn/gpu/bf16_index.hpp"

namespace ladder::nn::gpu {

/// out = bf16(in), in (rows, cols) fp32 dense, out (rows, ld_out) when !transposed, or
/// (cols, ld_out) = bf16(in^T) when transposed; out's padding columns are set to zero.
void to_bf16_matrix(const float* in, int rows, int cols, bool transposed, __nv_bfloat16* out, int ld_out,
                    cudaStream_t stream);

/// out (rows, cols) fp32 dense = in (rows, ld_in) bf16, widened exactly.
void from_bf16_matrix(const __nv_bfloat16* in, int rows, int cols, int ld_in, float* out, cudaStream_t stream);

/// out (N, H, W, C) bf16 = x (N, C, H, W) fp32: an activation into the conv rungs' layout.
void nchw_to_nhwc_bf16(const float* x, int n, int c, int h, int w, __nv_bfloat16* out, cudaStream_t stream);

/// out (N, C, H, W) fp32 = y (N, H, W, C) bf16: a conv rung's output back into the network's layout.
void nhwc_bf16_to_nchw(const __nv_bfloat16* y, int n, int c, int h, int w, float* out, cudaStream_t stream);

/// Filters (K, C, R, S) fp32 of `forward` into the conv rungs' KRSC bf16: out[k][r][s][c] =
/// w[k][c][r][s]; or, when `flipped`, the backward-data bank of conv_backward.hpp in the same
/// layout, (C, R, S, K): out[c][r'][s'][k] = w[k][c][R-1-r'][S-1-s'].
void filters_to_krsc_bf16(const float* w, const ConvProblem& forward, bool flipped, __nv_bfloat16* out,
                          cudaStream_t stream);

}  // namespace ladder::nn::gpu
