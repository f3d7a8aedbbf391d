/// \file ex1_thread_tile_4x4.cu
/// \brief Exercise 1 (starter): the 2-D register-tiled kernel with a 4 × 4 thread tile and a 64 × 64 block tile.
///
/// Same 256 threads, a quarter of the work each: 16 accumulators instead of 64.
/// Before measuring, predict with the chapter's two ratios: shared loads per
/// multiply-add (kTM2 + kTN2 loads per kTM2 · kTN2 FMAs) and global bytes per FLOP (block
/// tile 64 instead of 128). Then look at ptxas's register count and the
/// occupancy it allows; from the repository root, this prints it for sm_90:
///
///     f=chapters/04_register_tiling_gemm/exercises/ex1_thread_tile_4x4.cu
///     nvcc -arch=sm_90 -cubin -o /dev/null -std=c++17 --expt-relaxed-constexpr -I. -Xptxas -v $f
///
/// Fill in the TODO, then run
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter04Exercises
///     build/bin/ch04_register_tiling_gemm --exercises
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
static_assert((kBM2 * kBK2) % kThreads2 == 0 && (kBK2 * kBN2) % kThreads2 == 0,
              "every thread stages the same number of elements of each tile");
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
      // TODO: load the kTM2 values of A and the kTN2 values of B this thread needs into
      // registers, then accumulate their kTM2 x kTN2 outer product into acc. As given,
      // only the first element of the thread tile is computed:
      acc[0][0] += a_tile[ty * kTM2][p] * b_tile[p][tx * kTN2];
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

const bool registered = register_gemm({"04 ex1 thread tile 4x4",
                                       4,
                                       RungKind::Exercise,
                                       launch_thread_tile_4x4,
                                       {},
                                       "exercise: 64x64 block tile, 4x4 outputs per thread"});

}  // namespace
}  // namespace ladder
