/// \file solutions/06_warp_tiling_gemm/ex1_my_tiles.cu
/// \brief Solution to chapter 06, exercise 1: 128 × 128 tiles, BK = 8, a 4-stage cp.async pipeline.
///
/// The prediction, for 4096³ on a 132-SM H200:
/// - Same tiles and threads as "06 warp tiling 128x128x8" (256 threads, 8 × 8
///   per thread, 0.031 global bytes per FLOP), so the same arithmetic.
/// - Shared memory: 4 stages × (128 × 12 + 8 × 128) floats × 4 B = 40 KB: no
///   opt-in. At ≤ 128 registers (ptxas for sm_90: 128, no spills), 2 blocks per
///   SM by registers; shared memory would allow 5.
/// - Three k-tiles in flight instead of one: about 3 × 8 KB of copies per block
///   outstanding, which covers more DRAM/L2 latency than double buffering with
///   the same small k-step (one barrier per 8-wide k-step remains).
/// Tried first: 64 × 128 tiles (128 threads, 4 blocks per SM). ptxas spills a
/// few bytes at the 128-register cap those 4 blocks impose, so the build
/// (-warn-spills) rejects it: registers, not shared memory, bound this kernel.
#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"

namespace ladder::warp_tiling {
namespace {

using MyTiles = TileConfig<128, 128, 8, 64, 32, 4>;

const bool registered =
    register_gemm({"06 sol1 tiles 128x128x8 4-stage", 6, RungKind::Solution, launch_warp_tiling<MyTiles, true>,
                   requirements(80), "solution: block 128x128, BK 8, 4-stage cp.async pipeline"});

}  // namespace
}  // namespace ladder::warp_tiling
