/// \file coalesced_gemm.cuh
/// \brief Chapter 02's kernel and launcher, a template on the tile size.
///
/// coalesced_gemm.cu registers kTile = 32, the chapter's rung; the worked
/// solution to exercise 3 (solutions/02_coalesced_gemm/ex3_two_rows.cu)
/// registers kTile = 16, where a warp spans two rows of the tile.
#pragma once

#include "common/gemm/device.cuh"

namespace ladder::coalesced {

constexpr int kWarpSize = 32;

/// The chapter's rung, registered by coalesced_gemm.cu: the tile of C is
/// kChapterTile × kChapterTile, one thread per element: 1024 threads. (The
/// diagram docs/images/ch02_coalesced_map.svg is drawn from it.)
inline constexpr int kChapterTile = 32;
static_assert(kChapterTile % kWarpSize == 0, "a warp must lie inside one row of the tile to read neighbouring columns");

/// One block of kTile × kTile threads, numbered 0..kTile²-1 in one dimension,
/// covers a kTile × kTile tile of C. Consecutive thread numbers walk along a row
/// of the tile, so the 32 threads of one warp hold 32 neighbouring columns of
/// one row when kTile is a multiple of 32 (exercise 3: or whole rows when it divides 32).
template <int kTile>
constexpr bool tile_fits_the_warp() {
  static_assert(kTile * kTile <= 1024, "a block holds at most 1024 threads");
  static_assert(kTile % kWarpSize == 0 || kWarpSize % kTile == 0,
                "a warp lies inside one row of the tile, or covers whole rows of it");
  return true;
}

// [coalesced-kernel]
template <int kTile>
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
template <int kTile>
void launch_coalesced_gemm(const GemmArgs& args, cudaStream_t stream) {
  static_assert(tile_fits_the_warp<kTile>());
  // grid.x counts column tiles, grid.y row tiles: neighbouring blocks share rows of A.
  const dim3 grid(ceil_div(args.n, kTile), ceil_div(args.m, kTile));
  coalesced_gemm_kernel<kTile><<<grid, kTile * kTile, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [coalesced-launch]

}  // namespace ladder::coalesced
