/// \file ex1_wide_tile.cu
/// \brief Exercise 1 (starter): the same 1024 threads, spread over a wide 8 × 128 tile of C.
///
/// The chapter's block covers 32 × 32 elements of C. Here the block keeps its
/// 1024 threads but covers 8 rows × 128 columns. A warp still holds 32
/// neighbouring columns of one row, so every load stays coalesced; what
/// changes is how many distinct rows of A and columns of B one block touches
/// per step of p, and so how much the L1 cache can share between its warps.
/// Predict faster or slower before measuring. Fill in the TODOs, then run
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter02Exercises
///     build/bin/ch02_coalesced_gemm --exercises
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

constexpr int kTileRows = 8;
constexpr int kTileCols = 128;
constexpr int kThreadsPerBlock = kTileRows * kTileCols;
static_assert(kThreadsPerBlock <= 1024, "a block holds at most 1024 threads");
static_assert(kTileCols % 32 == 0, "a warp must lie inside one row of the tile");

// Row tiles go on gridDim.x (limit 2^31 - 1), column tiles on gridDim.y
// (limit 65,535): with 8-row tiles, gridDim.y would run out at m = 524,281.
__global__ void wide_tile_gemm_kernel(GemmArgs args) {
  // TODO: row and column of this thread's element: row from threadIdx.x / kTileCols
  // plus blockIdx.x's row tile, column from threadIdx.x % kTileCols plus blockIdx.y's column tile.
  const int row = 0;
  const int col = 0;
  if (row >= args.m || col >= args.n) return;
  // TODO: the dot product of row `row` of A and column `col` of B, then store_c.
}

void launch_wide_tile_gemm(const GemmArgs& args, cudaStream_t stream) {
  // TODO: how many row tiles (x) and column tiles (y) cover C now?
  const dim3 grid(ceil_div(args.m, 32), ceil_div(args.n, 32));
  wide_tile_gemm_kernel<<<grid, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_gemm({"02 ex1 wide tile",
                                       2,
                                       RungKind::Exercise,
                                       launch_wide_tile_gemm,
                                       {},
                                       "exercise: 1024 threads over an 8x128 tile of C"});

}  // namespace
}  // namespace ladder
