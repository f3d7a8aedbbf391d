/// \file warp_tiling_gemm.cu
/// \brief Chapter 06: its five steps, each a configuration of the kernel template registered as a rung.
///
/// The kernel template is in warp_tiling_gemm.cuh, the configurations in warp_tiling_configs.cuh. Run it:
/// `build/bin/ch06_warp_tiling_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the ladder so far: cuBLAS, rungs 01 to 05 and the steps 06a to 06e.
#include "chapters/06_warp_tiling_gemm/warp_tiling_configs.cuh"

namespace ladder::warp_tiling {
namespace {

// [steps]
// One idea per step, each its own rung, so the ladder table and
// benchmarks/run_gpu.sh measure them side by side. The configurations
// (OneStage ... ThreeStagesK16) are in warp_tiling_configs.cuh.
const bool registered[] = {
    register_gemm(warp_tiling_rung<OneStage, Pipeline::kNone>(
        "06a warp tiling 128x128x8", RungKind::Chapter,
        "block 128x128, warp 64x32, thread 8x8, BK 8: one stage, float4 loads, 2 barriers per k-tile")),
    register_gemm(warp_tiling_rung<TwoStages, Pipeline::kRegisters>(
        "06b register prefetch 128x128x8", RungKind::Chapter,
        "as 06a, two stages: the next k-tile prefetched in registers during the math (any GPU)")),
    register_gemm(warp_tiling_rung<TwoStages, Pipeline::kCpAsync>(
        "06c cp.async 128x128x8", RungKind::Chapter,
        "as 06b, the prefetch by cp.async global -> shared: no registers held (sm_80+)")),
    register_gemm(warp_tiling_rung<TwoStagesK16, Pipeline::kCpAsync>(
        "06d cp.async 128x128x16", RungKind::Chapter, "as 06c with BK 16: half the k-tiles and barriers")),
    register_gemm(warp_tiling_rung<ThreeStagesK16, Pipeline::kCpAsync>(
        "06e cp.async 3-stage 128x128x16", RungKind::Chapter,
        "as 06d with 3 stages: two k-tiles in flight, 54 KB shared (> 48 KB opt-in)")),
};
// [steps]

}  // namespace
}  // namespace ladder::warp_tiling
