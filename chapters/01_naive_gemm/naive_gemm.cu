/// \file naive_gemm.cu
/// \brief Chapter 01, the first rung: one thread per element of C.
///
/// Run it: `build/bin/ch01_naive_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the device, the work and the least traffic, and the ladder table.
#include "common/gemm_device.cuh"

namespace ladder {
namespace {

/// 32 × 32 = 1024 threads per block, the most a block may hold: one thread for
/// each element of a 32 × 32 tile of C.
constexpr int kTileRows = 32;  // threads along m: threadIdx.x
constexpr int kTileCols = 32;  // threads along n: threadIdx.y
static_assert(kTileRows * kTileCols <= 1024, "a block holds at most 1024 threads");

// [naive-kernel]
__global__ void naive_gemm_kernel(GemmArgs args) {
  // Consecutive threadIdx.x take consecutive rows: the obvious choice, and,
  // as chapter 02 shows, the wrong one for memory.
  const int row = blockIdx.x * blockDim.x + threadIdx.x;
  const int col = blockIdx.y * blockDim.y + threadIdx.y;
  if (row >= args.m || col >= args.n) return;  // the grid is rounded up to whole tiles

  float acc = 0.0f;  // one dot product: row of A times column of B
  for (int p = 0; p < args.k; ++p) acc += args.a[row * args.lda + p] * args.b[p * args.ldb + col];
  store_c(args, row, col, acc);
}
// [naive-kernel]

// [naive-launch]
void launch_naive_gemm(const GemmArgs& args, cudaStream_t stream) {
  const dim3 block(kTileRows, kTileCols);
  const dim3 grid(ceil_div(args.m, kTileRows), ceil_div(args.n, kTileCols));
  naive_gemm_kernel<<<grid, block, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [naive-launch]

const bool registered = register_gemm(
    {"01 naive", 1, RungKind::Chapter, launch_naive_gemm, {}, "one thread per element of C, threadIdx.x along rows"});

}  // namespace
}  // namespace ladder
