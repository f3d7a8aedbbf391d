/// \file mma_sync_configs.hpp
/// \brief The tile configurations of chapter 08's rungs, in one place: mma_sync_gemm.cu
/// registers them, and the CPU tests check the same types (coverage, conflicts, bytes).
#pragma once

#include "chapters/08_mma_sync_gemm/mma_sync_tiles.hpp"

namespace ladder::mma_sync {

// [configs]
// TileConfig<BM, BN, BK, WM, WN, stages, shared layout, block order (bands of block rows; 1: row-major)>
using Padded = TileConfig<128, 128, 32, 64, 64, 1, PaddedRows>;       // 128 threads, 18 944 B shared
using Swizzled = TileConfig<128, 128, 32, 64, 64, 1, SwizzledRows>;   // 128 threads, 16 384 B
using Pipelined = TileConfig<128, 128, 32, 64, 64, 4, SwizzledRows>;  // 128 threads, 65 536 B: > 48 KB, opt-in

// 08d: the pipeline in grouped block order, over tile shapes; 64 x 64 warp tiles throughout.
inline constexpr int kGroupRows = 8;
using Sweep128x128x32s4 = TileConfig<128, 128, 32, 64, 64, 4, SwizzledRows, kGroupRows>;  // 128 threads, 65 536 B
using Sweep128x128x32s3 = TileConfig<128, 128, 32, 64, 64, 3, SwizzledRows, kGroupRows>;  // 128 threads, 49 152 B
using Sweep128x256x32s3 = TileConfig<128, 256, 32, 64, 64, 3, SwizzledRows, kGroupRows>;  // 256 threads, 73 728 B
using Sweep256x128x32s3 = TileConfig<256, 128, 32, 64, 64, 3, SwizzledRows, kGroupRows>;  // 256 threads, 73 728 B
using Sweep128x256x32s4 = TileConfig<128, 256, 32, 64, 64, 4, SwizzledRows, kGroupRows>;  // 256 threads, 98 304 B
using Sweep128x128x64s3 = TileConfig<128, 128, 64, 64, 64, 3, SwizzledRows, kGroupRows>;  // 128 threads, 98 304 B

// 08e: 08d's fastest shape on the H200, its k-tiles' loads spread over their k-steps.
struct Interleaved128x128x64s3 : Sweep128x128x64s3 {
  static constexpr bool kInterleaved = true;
};
// [configs]

}  // namespace ladder::mma_sync
