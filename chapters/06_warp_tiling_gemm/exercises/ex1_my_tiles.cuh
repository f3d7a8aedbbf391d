/// \file ex1_my_tiles.cuh
/// \brief Exercise 1 (starter): your own warp tile, and the block → warp → lane mapping that goes with it.
///
/// The chapter's warp tile is 64 × 32: its 32 lanes form an 8 × 4 grid. Here
/// the warp tile is 32 × 64 (4 × 8 lanes): TileConfig's static_asserts say why
/// both shapes, and only these two, keep every shared load one wavefront.
/// Keep 32 × 64 or choose 64 × 32 again, change BM, BN, BK and the stages if you
/// like, then write place() for your warp tile. As given, place() is the
/// chapter's 64 × 32 mapping written out with literal numbers: it no longer
/// fits, so some threads reach past the block tile's last column. The rung
/// checks the mapping on the host and refuses to launch, with the first
/// element that goes wrong, until every element of the tile has one owner.
///
/// Two tests tell you when it is right (both skip unless LADDER_TEST_EXERCISES=1):
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter06Exercise
///
/// The first (CPU, no GPU needed) checks that your threads own every element of
/// the block tile exactly once and counts the shared-memory wavefronts of one
/// warp; the second runs the kernel on a GPU against the reference. Before
/// measuring (`build/bin/ch06_warp_tiling_gemm --exercises`), predict: threads,
/// shared memory, blocks per SM, and the wavefronts of A and B per k-step
/// compared with the chapter's 64 × 32 (the lesson's count).
#pragma once

#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"

namespace ladder::warp_tiling::exercise1 {

struct MyTiles : TileConfig<128, 128, 8, 32, 64, 2> {
  /// Where thread `lane` of warp `warp` starts: its first row of a_tile and
  /// first column of b_tile. Its 8 × 8 elements are then rows
  /// thread_row(p, i) = row + kLanesM·i and columns thread_col(p, j): col + 0..3
  /// and col + kWN/2 + 0..3 (kLanesM = WM / 8, kLanesN = WN / 8).
  // TODO: write the mapping for your warp tile: which warp tile of the block
  // does `warp` own, and where in it does `lane` start?
  static constexpr __host__ __device__ LanePlace place(int warp, int lane) {
    return {warp / 4 * 64 + lane / 4, warp % 4 * 32 + lane % 4 * 4};
  }
};

}  // namespace ladder::warp_tiling::exercise1
