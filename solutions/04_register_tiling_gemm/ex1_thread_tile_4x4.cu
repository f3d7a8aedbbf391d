/// \file solutions/04_register_tiling_gemm/ex1_thread_tile_4x4.cu
/// \brief Solution to chapter 04, exercise 1: a 4 × 4 thread tile in a 64 × 64 block tile.
///
/// Per k-step a thread does 16 multiply-adds for 8 shared loads (one load per
/// 2 FMAs, against one per 4 with 8 × 8), and a 64-wide block tile reads each element of A and B from global
/// memory n/64 and m/64 times instead of n/128 and m/128: twice the traffic.
/// It needs far fewer registers, so more blocks fit on an SM, but occupancy
/// does not buy back the extra shared-memory and global traffic: expect it
/// between the 1-D and the 2-D rungs.
///
/// Measured on the H200, the prediction held below 2048³ and missed above.
/// At 256³ to 1024³ it lies between the two; from 2048³ up it beats both:
/// 6.47 ms at 4096³ against 7.87 (1-D) and 7.72 (2-D), 41.6 % of cuBLAS
/// against 34.2 % and 34.9 %, the fastest rung of chapter 04. It was not
/// profiled. The likely cause is the 2-D kernel's measured wall: with 16
/// warps per SM no warp was ready in 60 % of its cycles, waiting above all
/// on unprefetched global loads (Nsight Compute, chapter 04's lesson). More
/// resident warps would hide that wait, and the extra traffic counted above
/// did not become the limit at this speed.
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

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

constexpr int kBM2 = 64, kBN2 = 64, kBK2 = 8;
constexpr int kTM2 = 4, kTN2 = 4;                         // the thread tile: 16 accumulators
constexpr int kThreads2 = (kBM2 / kTM2) * (kBN2 / kTN2);  // 16 × 16 = 256
static_assert(kBM2 % kTM2 == 0 && kBN2 % kTN2 == 0, "the block tile splits into whole thread tiles");
static_assert(kBM2 * kBK2 == kBK2 * kBN2 && (kBM2 * kBK2) % kThreads2 == 0,
              "both tiles have the same size, and every thread stages the same number of elements of each");
constexpr int kLoads2 = kBM2 * kBK2 / kThreads2;  // elements of each tile per thread: 2

__global__ void __launch_bounds__(kThreads2) thread_tile_4x4_kernel(GemmArgs args) {
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

void launch_thread_tile_4x4(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kBN2), ceil_div(args.m, kBM2));
  thread_tile_4x4_kernel<<<grid, kThreads2, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_gemm({"04 sol1 thread tile 4x4",
                                       4,
                                       RungKind::Solution,
                                       launch_thread_tile_4x4,
                                       {},
                                       "solution: 64x64 block tile, 4x4 outputs per thread"});

}  // namespace
}  // namespace ladder
