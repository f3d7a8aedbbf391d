/// \file solutions/06_warp_tiling_gemm/ex1_my_tiles.cu
/// \brief Solution to chapter 06, exercise 1: the 32 × 64 warp tile, registered next to 06c.
///
///     build/bin/sol06_warp_tiling_gemm          # 06c and this rung side by side
#include "solutions/06_warp_tiling_gemm/ex1_my_tiles.cuh"

namespace ladder::warp_tiling::solution1 {
namespace {

const bool registered = register_gemm(warp_tiling_rung<Warp32x64, Pipeline::kCpAsync>(
    "06 sol1 warp 32x64 128x128x8", RungKind::Solution, "solution: as 06c with 32x64 warp tiles (4x8 lanes)"));

}  // namespace
}  // namespace ladder::warp_tiling::solution1
