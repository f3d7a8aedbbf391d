/// \file naive_gemm.cuh
/// \brief Chapter 01's kernel and its launcher, a template on the block shape.
///
/// The kernel reads its tile shape from blockDim, so only the launcher names
/// it: naive_gemm.cu registers 32 × 32, and the worked solution to exercise 3
/// (solutions/01_naive_gemm/ex3_block_shape.cu) registers 16 × 16 and 8 × 32.
#pragma once

#include <stdexcept>
#include <string>

#include "common/gemm/device.cuh"
#include "common/gemm/row_slabs.cuh"

namespace ladder::naive {

/// The chapter's block, registered by naive_gemm.cu: 32 × 32 = 1024 threads,
/// the most a block may hold, one thread for each element of a 32 × 32 tile
/// of C. (The diagram docs/images/ch01_thread_map.svg is drawn from these.)
inline constexpr int kChapterTileRows = 32;  // threads along m: threadIdx.x
inline constexpr int kChapterTileCols = 32;  // threads along n: threadIdx.y

// `static`: this header is compiled into the chapter and into a solution, and each gets its own copy.
// (Without relocatable device code, a kernel is launched only from the file that compiles it.)
// [naive-kernel]
static __global__ void naive_gemm_kernel(GemmArgs args) {
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
template <int kTileRows, int kTileCols>  // threads along m (threadIdx.x) and along n (threadIdx.y)
void launch_naive_gemm(const GemmArgs& args, cudaStream_t stream) {
  static_assert(kTileRows * kTileCols <= 1024, "a block holds at most 1024 threads");
  const dim3 block(kTileRows, kTileCols);
  const dim3 grid(ceil_div(args.m, kTileRows), ceil_div(args.n, kTileCols));
  if (grid.y > kMaxGridY)  // grid.x may reach 2^31 - 1 blocks, grid.y only 65,535
    throw std::invalid_argument("n = " + std::to_string(args.n) + " needs " + std::to_string(grid.y) +
                                " column tiles on grid.y, more than its 65,535: choose a wider block");
  naive_gemm_kernel<<<grid, block, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [naive-launch]

}  // namespace ladder::naive
