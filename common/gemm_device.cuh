/// \file gemm_device.cuh
/// \brief Device-side helpers shared by the GEMM kernels.
#pragma once

#include "common/cuda_check.cuh"
#include "common/gemm.cuh"

namespace ladder {

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
