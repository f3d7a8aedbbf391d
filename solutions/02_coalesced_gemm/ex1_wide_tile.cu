/// \file solutions/02_coalesced_gemm/ex1_wide_tile.cu
/// \brief Solution to chapter 02, exercise 1: 1024 threads over an 8 × 128 tile of C.
///
/// Per step of p, a 32 × 32 block reads 32 rows of A (32 sectors, one per
/// warp-row) and 32 columns of B (4 sectors); an 8 × 128 block reads 8 rows of
/// A (8 sectors) and 128 columns of B (16 sectors): 24 sectors instead of 36
/// for the same 1024 multiply-adds. Both are served mostly from L1, so expect
/// a modest difference, not a new rung; the measurement decides. Measured on
/// the H200 at 4096³: 20.6 ms against 22.2 ms for the 32 × 32 tile, 7 % less
/// (13.1 % of cuBLAS against 12.2 %; at 8192³ 13.1 % against 11.5 %): a
/// modest gain, as predicted. Not profiled.
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

constexpr int kTileRows = 8;
constexpr int kTileCols = 128;
constexpr int kThreadsPerBlock = kTileRows * kTileCols;
static_assert(kThreadsPerBlock <= 1024, "a block holds at most 1024 threads");
static_assert(kTileCols % 32 == 0, "a warp must lie inside one row of the tile");

// Row tiles go on gridDim.x (limit 2^31 - 1): with 8-row tiles, gridDim.y
// (limit 65,535) would run out at m = 524,281.
__global__ void wide_tile_gemm_kernel(GemmArgs args) {
  const int row = blockIdx.x * kTileRows + threadIdx.x / kTileCols;
  const int col = blockIdx.y * kTileCols + threadIdx.x % kTileCols;
  if (row >= args.m || col >= args.n) return;
  float acc = 0.0f;
  for (int p = 0; p < args.k; ++p) acc += args.a[row * args.lda + p] * args.b[p * args.ldb + col];
  store_c(args, row, col, acc);
}

void launch_wide_tile_gemm(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.m, kTileRows), ceil_div(args.n, kTileCols));
  wide_tile_gemm_kernel<<<grid, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_gemm({"02 sol1 wide tile",
                                       2,
                                       RungKind::Solution,
                                       launch_wide_tile_gemm,
                                       {},
                                       "solution: 1024 threads over an 8x128 tile of C"});

}  // namespace
}  // namespace ladder
