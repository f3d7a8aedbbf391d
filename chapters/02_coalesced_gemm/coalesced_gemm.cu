/// \file coalesced_gemm.cu
/// \brief Chapter 02: the naive dot product, with a warp's threads along the columns of C.
///
/// Run it: `build/bin/ch02_coalesced_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the ladder so far: cuBLAS, 01 naive and 02 coalesced.
#include "common/gemm_device.cuh"

namespace ladder {
namespace {

/// One block of 1024 threads, numbered 0..1023 in one dimension, covers a
/// 32 × 32 tile of C. Consecutive thread numbers walk along a row of the tile,
/// so the 32 threads of one warp hold 32 neighbouring columns of one row.
constexpr int kTile = 32;                        // the tile of C is kTile × kTile
constexpr int kThreadsPerBlock = kTile * kTile;  // one thread per element of the tile
constexpr int kWarpSize = 32;
static_assert(kThreadsPerBlock <= 1024, "a block holds at most 1024 threads");
static_assert(kTile % kWarpSize == 0, "a warp must lie inside one row of the tile to read neighbouring columns");

// [coalesced-kernel]
__global__ void coalesced_gemm_kernel(GemmArgs args) {
  // The only change from chapter 01: column from the fast-moving part of the
  // thread number. Threads t and t+1 (same warp) get columns col and col+1.
  const int row = blockIdx.y * kTile + threadIdx.x / kTile;
  const int col = blockIdx.x * kTile + threadIdx.x % kTile;
  if (row >= args.m || col >= args.n) return;  // the grid is rounded up to whole tiles

  float acc = 0.0f;
  // a[row][p]: the same address for the whole warp (one broadcast);
  // b[p][col]: 32 consecutive floats, 128 bytes, 4 sectors (5 when the row does not start on a sector).
  for (int p = 0; p < args.k; ++p) acc += args.a[row * args.lda + p] * args.b[p * args.ldb + col];
  store_c(args, row, col, acc);  // 32 consecutive floats per warp, too
}
// [coalesced-kernel]

// [coalesced-launch]
void launch_coalesced_gemm(const GemmArgs& args, cudaStream_t stream) {
  // grid.x counts column tiles, grid.y row tiles: neighbouring blocks share rows of A.
  const dim3 grid(ceil_div(args.n, kTile), ceil_div(args.m, kTile));
  coalesced_gemm_kernel<<<grid, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [coalesced-launch]

const bool registered = register_gemm({"02 coalesced",
                                       2,
                                       RungKind::Chapter,
                                       launch_coalesced_gemm,
                                       {},
                                       "one thread per element of C, a warp along a row of C (coalesced B and C)"});

}  // namespace
}  // namespace ladder
