/// \file common/gemm/device.cuh
/// \brief Device-side helpers shared by the GEMM kernels.
#pragma once

#include "common/core/cuda_check.cuh"
#include "common/gemm/gemm.cuh"

namespace ladder {

/// 16 bytes at `p` in one 128-bit load (`p` must be 16-byte aligned).
__device__ __forceinline__ float4 load4(const float* p) { return *reinterpret_cast<const float4*>(p); }

/// How many of the 4 elements (r, c..c+3) of a rows × cols matrix exist (0..4).
__device__ __forceinline__ int valid_elements(int r, int c, int rows, int cols) {
  return r < rows ? max(0, min(4, cols - c)) : 0;
}

/// Elements (r, c..c+3) of a rows × cols matrix, zero outside it, for edge
/// tiles: element by element, since at the right edge only some of the four
/// exist. No address outside the matrix is formed.
__device__ inline float4 load4_or_zero(const float* matrix, int ld, int r, int c, int rows, int cols) {
  const int n = valid_elements(r, c, rows, cols);
  const float* p = matrix + (n > 0 ? r * ld + c : 0);
  return {n > 0 ? p[0] : 0.0f, n > 1 ? p[1] : 0.0f, n > 2 ? p[2] : 0.0f, n > 3 ? p[3] : 0.0f};
}

/// Writes one finished element: C[row][col] = alpha * acc + beta * C[row][col].
///
/// When beta == 0, C is not read at all (the BLAS rule): the caller may pass
/// uninitialised memory, and 0 * NaN would otherwise be NaN. The tests fill C
/// with NaN before every beta == 0 run to hold every rung to this.
__device__ __forceinline__ void store_c(const GemmArgs& args, int row, int col, float acc) {
  // [store-c]
  float* c = &args.c[row * args.ldc + col];
  *c = args.beta == 0.0f ? args.alpha * acc : args.alpha * acc + args.beta * *c;
  // [store-c]
}

/// C[row][col..col+3] = alpha * acc + beta * C[row][col..col+3]: store_c for
/// four neighbours. `inside` (all four columns within C, ldc and C 16-byte
/// aligned) takes one 128-bit access; at the edges it falls back to store_c
/// element by element. beta == 0 never reads C, as in store_c.
__device__ __forceinline__ void store_c4(const GemmArgs& args, int row, int col, float4 acc, bool inside) {
  // [store-c4]
  if (!inside) {
    const float values[4] = {acc.x, acc.y, acc.z, acc.w};
    for (int j = 0; j < 4; ++j)
      if (row < args.m && col + j < args.n) store_c(args, row, col + j, values[j]);
    return;
  }
  float4* c = reinterpret_cast<float4*>(&args.c[row * args.ldc + col]);
  float4 out = {args.alpha * acc.x, args.alpha * acc.y, args.alpha * acc.z, args.alpha * acc.w};
  if (args.beta != 0.0f) {
    const float4 old = *c;
    out = {out.x + args.beta * old.x, out.y + args.beta * old.y, out.z + args.beta * old.z, out.w + args.beta * old.w};
  }
  *c = out;
  // [store-c4]
}

/// Blocks needed to cover `size` with tiles of `tile` (rounded up).
__host__ __device__ constexpr int ceil_div(int size, int tile) { return (size + tile - 1) / tile; }

}  // namespace ladder
