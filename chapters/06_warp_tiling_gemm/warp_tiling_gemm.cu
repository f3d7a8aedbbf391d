/// \file warp_tiling_gemm.cu
/// \brief Chapter 06: the tile sweep, each configuration of the warp-tiled kernel registered as a rung.
///
/// The kernel template is in warp_tiling_gemm.cuh. Run it:
/// `build/bin/ch06_warp_tiling_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the ladder so far: cuBLAS, rungs 01 to 05 and every 06 configuration.
#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"

namespace ladder::warp_tiling {
namespace {

// [sweep]
// The autotuning sweep: each configuration is its own rung, so the ladder
// table and benchmarks/run_gpu.sh measure them side by side.
using Tiles128x128x8 = TileConfig<128, 128, 8, 64, 32, 2>;      // 256 threads, 20 KB shared
using Tiles128x128x16 = TileConfig<128, 128, 16, 64, 32, 2>;    // 256 threads, 36 KB shared
using Tiles128x128x16x3 = TileConfig<128, 128, 16, 64, 32, 3>;  // 256 threads, 54 KB shared (opt-in)

const bool registered[] = {
    register_gemm({"06 warp tiling 128x128x8", 6, RungKind::Chapter, launch_warp_tiling<Tiles128x128x8, true>,
                   requirements(80), "block 128x128, warp 64x32, thread 8x8, BK 8, cp.async double buffering"}),
    register_gemm({"06 warp tiling 128x128x16", 6, RungKind::Chapter, launch_warp_tiling<Tiles128x128x16, true>,
                   requirements(80), "block 128x128, warp 64x32, thread 8x8, BK 16, cp.async double buffering"}),
    register_gemm({"06 warp tiling 128x128x16 3-stage", 6, RungKind::Chapter,
                   launch_warp_tiling<Tiles128x128x16x3, true>, requirements(80),
                   "block 128x128, warp 64x32, thread 8x8, BK 16, 3-stage cp.async pipeline"}),
    register_gemm({"06 warp tiling 128x128x8 no cp.async", 6, RungKind::Chapter,
                   launch_warp_tiling<Tiles128x128x8, false>, requirements(0),
                   "as 128x128x8, register-prefetch double buffering for GPUs before sm_80"}),
};
// [sweep]

}  // namespace
}  // namespace ladder::warp_tiling
