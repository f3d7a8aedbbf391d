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

/// Blocks needed to cover `size` with tiles of `tile` (rounded up).
__host__ __device__ constexpr int ceil_div(int size, int tile) { return (size + tile - 1) / tile; }

}  // namespace ladder
