/// \file register_tiling_gemm.cu
/// \brief Chapter 04: each thread computes several elements of C from values held in registers.
///
/// Two rungs: "04 1-D register tiling" (a column of kTM1 elements per thread)
/// and "04 2-D register tiling" (a kTM2 × kTN2 block of elements per thread).
///
/// Run it: `build/bin/ch04_register_tiling_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the ladder so far: cuBLAS and rungs 01 to 04.
#include "chapters/04_register_tiling_gemm/register_tiling_tiles.hpp"
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

using namespace register_tiling;  // the tile sizes of both kernels

/// Element (r, c) of a rows × cols row-major matrix, or 0 outside it.
__device__ __forceinline__ float load_or_zero(const float* matrix, int ld, int r, int c, int rows, int cols) {
  return (r < rows && c < cols) ? matrix[r * ld + c] : 0.0f;
}

/// Stages element (r, c) of a tile whose top-left corner is (r0, c0); `inside`
/// (the whole tile lies inside the matrix) skips the bounds check.
__device__ __forceinline__ float load_tile_element(const float* matrix, int ld, int r0, int c0, int r, int c, int rows,
                                                   int cols, bool inside) {
  return inside ? matrix[(r0 + r) * ld + c0 + c] : load_or_zero(matrix, ld, r0 + r, c0 + c, rows, cols);
}

// ---- 1-D: a thread owns kTM1 consecutive rows of one column of C ----------------------------
// (kBM1, kBN1, kBK1, kTM1, kThreads1: register_tiling_tiles.hpp)

// [kernel-1d]
__global__ void __launch_bounds__(kThreads1) register_tiling_1d_kernel(GemmArgs args) {
  __shared__ float a_tile[kBM1][kBK1];  // (m, k)
  __shared__ float b_tile[kBK1][kBN1];  // (k, n)
  const int m0 = blockIdx.y * kBM1, n0 = blockIdx.x * kBN1;
  const int ty = threadIdx.x / kBN1, tx = threadIdx.x % kBN1;  // thread tile: rows ty*kTM1.., column tx
  const int ar = threadIdx.x / kBK1, ac = threadIdx.x % kBK1;  // the element of a_tile this thread stages
  const bool rows_inside = m0 + kBM1 <= args.m, cols_inside = n0 + kBN1 <= args.n;

  float acc[kTM1] = {};  // (m): registers, because every index is a compile-time constant
  for (int k0 = 0; k0 < args.k; k0 += kBK1) {
    const bool k_inside = k0 + kBK1 <= args.k;
    a_tile[ar][ac] = load_tile_element(args.a, args.lda, m0, k0, ar, ac, args.m, args.k, rows_inside && k_inside);
    b_tile[ty][tx] = load_tile_element(args.b, args.ldb, k0, n0, ty, tx, args.k, args.n, cols_inside && k_inside);
    __syncthreads();
    for (int p = 0; p < kBK1; ++p) {
      const float b = b_tile[p][tx];  // one shared load, reused kTM1 times from a register
#pragma unroll
      for (int i = 0; i < kTM1; ++i) acc[i] += a_tile[ty * kTM1 + i][p] * b;
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < kTM1; ++i) {
    const int row = m0 + ty * kTM1 + i, col = n0 + tx;
    if (row < args.m && col < args.n) store_c(args, row, col, acc[i]);
  }
}
// [kernel-1d]

// ---- 2-D: a thread owns a kTM2 × kTN2 block of C --------------------------------------------
// (kBM2, kBN2, kBK2, kTM2, kTN2, kThreads2, kLoads2: register_tiling_tiles.hpp)

// [kernel-2d]
__global__ void __launch_bounds__(kThreads2) register_tiling_2d_kernel(GemmArgs args) {
  __shared__ float a_tile[kBM2][kBK2];  // (m, k)
  __shared__ float b_tile[kBK2][kBN2];  // (k, n)
  const int m0 = blockIdx.y * kBM2, n0 = blockIdx.x * kBN2;
  const int ty = threadIdx.x / (kBN2 / kTN2), tx = threadIdx.x % (kBN2 / kTN2);
  const bool rows_inside = m0 + kBM2 <= args.m, cols_inside = n0 + kBN2 <= args.n;

  float acc[kTM2][kTN2] = {};  // (m, n) of the thread tile
  for (int k0 = 0; k0 < args.k; k0 += kBK2) {
    const bool k_inside = k0 + kBK2 <= args.k;
#pragma unroll
    for (int l = 0; l < kLoads2; ++l) {  // consecutive threads stage consecutive elements
      const int e = threadIdx.x + l * kThreads2;
      a_tile[e / kBK2][e % kBK2] =
          load_tile_element(args.a, args.lda, m0, k0, e / kBK2, e % kBK2, args.m, args.k, rows_inside && k_inside);
      b_tile[e / kBN2][e % kBN2] =
          load_tile_element(args.b, args.ldb, k0, n0, e / kBN2, e % kBN2, args.k, args.n, cols_inside && k_inside);
    }
    __syncthreads();
    for (int p = 0; p < kBK2; ++p) {
      float a[kTM2], b[kTN2];  // kTM2 + kTN2 shared loads feed kTM2 × kTN2 multiply-adds
#pragma unroll
      for (int i = 0; i < kTM2; ++i) a[i] = a_tile[ty * kTM2 + i][p];
#pragma unroll
      for (int j = 0; j < kTN2; ++j) b[j] = b_tile[p][tx * kTN2 + j];
#pragma unroll
      for (int i = 0; i < kTM2; ++i)
#pragma unroll
        for (int j = 0; j < kTN2; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < kTM2; ++i)
#pragma unroll
    for (int j = 0; j < kTN2; ++j) {
      const int row = m0 + ty * kTM2 + i, col = n0 + tx * kTN2 + j;
      if (row < args.m && col < args.n) store_c(args, row, col, acc[i][j]);
    }
}
// [kernel-2d]

// [launch]
void launch_register_tiling_1d(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kBN1), ceil_div(args.m, kBM1));
  register_tiling_1d_kernel<<<grid, kThreads1, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

void launch_register_tiling_2d(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kBN2), ceil_div(args.m, kBM2));
  register_tiling_2d_kernel<<<grid, kThreads2, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [launch]

const bool registered_1d = register_gemm({"04 1-D register tiling",
                                          4,
                                          RungKind::Chapter,
                                          launch_register_tiling_1d,
                                          {},
                                          "64x64 block tile, BK 8, each thread 8 rows of one column of C"});
const bool registered_2d = register_gemm({"04 2-D register tiling",
                                          4,
                                          RungKind::Chapter,
                                          launch_register_tiling_2d,
                                          {},
                                          "128x128 block tile, BK 8, each thread an 8x8 block of C"});

}  // namespace
}  // namespace ladder
