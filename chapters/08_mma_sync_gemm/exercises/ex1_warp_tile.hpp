/// \file ex1_warp_tile.hpp
/// \brief Exercise 1 (starter): 8 warps of 64 × 32 instead of 4 of 64 × 64, and the warp
/// mapping that goes with them.
///
/// The chapter's block (128 × 128, BK 32, 4 stages, grouped order) is split here into
/// 2 × 4 warp tiles of 64 × 32: twice the warps, half the accumulators per thread. As
/// given, warp_origin() is the chapter's 2 × 2 mapping of 64 × 64 tiles written out with
/// literal numbers: with 8 warps it no longer fits, so warps 4 to 7 start below the block
/// tile (rows 128 and 192) and half of it is never computed. Write warp_origin() for your
/// warp tiles (or pick 32 × 64 and arrange 4 × 2 warps). CUDA-free on purpose: the CPU test
/// includes it too.
///
/// Two tests tell you when it is right (both skip unless LADDER_TEST_EXERCISES=1):
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter08Exercise
///
/// The CPU one checks that the warps' accumulators hold the block tile once, that every
/// ldmatrix phase stays conflict-free, and runs the kernel's host model against a plain
/// loop; the GPU one runs the kernel. Before measuring (`build/bin/ch08_mma_sync_gemm
/// --exercises`), predict: registers per thread, blocks and warps per SM, ldmatrix.x4 per
/// mma.sync, shared-memory bytes per mma.sync, compared with 08d 128x128x32 s4.
#pragma once

#include "chapters/08_mma_sync_gemm/mma_sync_tiles.hpp"

namespace ladder::mma_sync::exercise1 {

struct MyWarpTiles : TileConfig<128, 128, 32, 64, 32, 4, SwizzledRows, 8> {
  /// Where warp `warp`'s 64 × 32 tile starts in the 128 × 128 block tile (row, column).
  // TODO: 8 warps now; which warp tile does `warp` own?
  static constexpr LADDER_HOST_DEVICE RowCol warp_origin(int warp) { return {warp / 2 * 64, warp % 2 * 64}; }
};

}  // namespace ladder::mma_sync::exercise1
