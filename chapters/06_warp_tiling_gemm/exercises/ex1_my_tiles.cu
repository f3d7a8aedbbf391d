/// \file ex1_my_tiles.cu
/// \brief Exercise 1 (starter): add your own configuration to the tile sweep.
///
/// Choose a block tile, k-step and pipeline depth for the chapter's kernel
/// template. Before building, predict from the lesson's formulas: threads per
/// block, shared memory per block, blocks per SM (registers, shared memory,
/// threads), global bytes per FLOP, and whether it needs the > 48 KB opt-in.
/// Then check the prediction against ptxas (`-Xptxas -v`: registers, spills)
/// and measure it next to the chapter's configurations:
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter06Exercises
///     build/bin/ch06_warp_tiling_gemm --exercises
#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"

namespace ladder::warp_tiling {
namespace {

// TODO: your configuration. The warp tile must stay 64 × 32 (8 × 4 lanes of
// 8 × 8 thread tiles); BM, BN, BK and the number of stages are yours. The
// static_asserts in TileConfig tell you which choices cannot work.
using MyTiles = TileConfig<128, 128, 8, 64, 32, 2>;

const bool registered = register_gemm({"06 ex1 my tiles", 6, RungKind::Exercise, launch_warp_tiling<MyTiles, true>,
                                       requirements(80), "exercise: your own tile configuration"});

}  // namespace
}  // namespace ladder::warp_tiling
