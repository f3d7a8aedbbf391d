/// \file warp_tiling_configs.cuh
/// \brief The tile configurations of chapter 06's steps, in one place: warp_tiling_gemm.cu
/// registers them, and docs/diagrams/diagram_data.cu draws docs/images/ch06_warp_tiling.svg
/// from the same types.
#pragma once

#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"

namespace ladder::warp_tiling {

// [configs]
// TileConfig<BM, BN, BK, WM, WN, stages>. Warp tile 64 x 32 throughout.
using OneStage = TileConfig<128, 128, 8, 64, 32, 1>;         // 256 threads, 10 KB shared
using TwoStages = TileConfig<128, 128, 8, 64, 32, 2>;        // 256 threads, 20 KB shared
using TwoStagesK16 = TileConfig<128, 128, 16, 64, 32, 2>;    // 256 threads, 36 KB shared
using ThreeStagesK16 = TileConfig<128, 128, 16, 64, 32, 3>;  // 256 threads, 54 KB shared: > 48 KB opt-in
// [configs]

}  // namespace ladder::warp_tiling
