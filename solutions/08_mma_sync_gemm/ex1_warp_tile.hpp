/// \file solutions/08_mma_sync_gemm/ex1_warp_tile.hpp
/// \brief Solution to chapter 08, exercise 1: 8 warps of 64 × 32 and their mapping.
///
/// 128 × 128 block tile, so 2 × 4 warp tiles of 64 × 32; each warp tile is 4 × 4 mma
/// tiles of 16 × 8. The walk through and the predictions are in this folder's README.md.
/// CUDA-free: the CPU test includes it.
#pragma once

#include "chapters/08_mma_sync_gemm/mma_sync_tiles.hpp"

namespace ladder::mma_sync::solution1 {

// [sol1-warp-origin]
struct Warp64x32 : TileConfig<128, 128, 32, 64, 32, 4, SwizzledRows, 8> {
  static constexpr LADDER_HOST_DEVICE RowCol warp_origin(int warp) {
    return {warp / 4 * 64, warp % 4 * 32};  // 2 rows of 4 warp tiles, filled row by row
  }
};
// [sol1-warp-origin]

}  // namespace ladder::mma_sync::solution1
