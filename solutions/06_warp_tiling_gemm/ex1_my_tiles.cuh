/// \file solutions/06_warp_tiling_gemm/ex1_my_tiles.cuh
/// \brief Solution to chapter 06, exercise 1: a 32 × 64 warp tile and its block → warp → lane mapping.
///
/// 128 × 128 block tile, so 4 × 2 warps of 32 × 64; in each, 32 lanes as a
/// 4 × 8 grid of 8 × 8 thread tiles (kLanesM = 4, kLanesN = 8). The walk
/// through and the predictions are in this folder's README.md.
#pragma once

#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"

namespace ladder::warp_tiling::solution1 {

// [sol1-place]
struct Warp32x64 : TileConfig<128, 128, 8, 32, 64, 2> {
  static constexpr __host__ __device__ LanePlace place(int warp, int lane) {
    const int warp_row = warp / 2 * 32, warp_col = warp % 2 * 64;  // 4 × 2 warp tiles of 32 × 64, row by row
    const int lane_row = lane / 8, lane_col = lane % 8;            // 4 × 8 lanes: a thread's rows are 4 apart
    return {warp_row + lane_row, warp_col + lane_col * 4};
  }
};
// [sol1-place]

}  // namespace ladder::warp_tiling::solution1
