/// \file solutions/08_mma_sync_gemm/ex1_warp_tile.cu
/// \brief Solution to chapter 08, exercise 1: 64 × 32 warp tiles, registered next to 08d.
///
///     build/bin/sol08_mma_sync_gemm          # 08d 128x128x32 s4 and this rung side by side
///
/// Measured on the H200: 0.414 ms at 4096³ against 08d's 0.418, ahead up to 4096³ (by 20
/// to 25 % up to 1024³, where there are fewer blocks than SMs) and 1.4 to 2.4 % behind at
/// 8192³ and on the training shapes. The README sets this beside the prediction.
#include "chapters/08_mma_sync_gemm/mma_sync_gemm.cuh"
#include "solutions/08_mma_sync_gemm/ex1_warp_tile.hpp"

namespace ladder::mma_sync::solution1 {
namespace {

const bool registered = register_gemm(mma_sync_rung<Warp64x32>(
    "08 sol1 warp 64x32 128x128x32 s4", RungKind::Solution,
    "solution: as 08d 128x128x32 s4 with 8 warps of 64x32: half the accumulators, 1.5x the ldmatrix"));

}  // namespace
}  // namespace ladder::mma_sync::solution1
