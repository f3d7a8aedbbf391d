/// \file solutions/09_wgmma_tma_gemm/ex1_band_height.cu
/// \brief Solution to chapter 09, exercise 1: 09c with bands of 16 tile rows, registered next
/// to 09c.
///
///     build/bin/sol09_wgmma_tma_gemm          # 09c and this rung side by side
///
/// Measured on the H200 (2026-11-24): 0.214 ms at 4096³ against 09c's 0.211 (88.2 % of cuBLAS
/// bf16), 1.8 % less time than 09c in the sweep's run of the same kernel; within 3 % of 09c
/// on every benchmarked shape, the spread between runs. The README sets this beside the
/// model's bytes, and beside the first run's 7 % gain, which did not repeat.
#include "chapters/09_wgmma_tma_gemm/wgmma_launch.cuh"
#include "solutions/09_wgmma_tma_gemm/ex1_band_height.hpp"

namespace ladder::wgmma::solution1 {

/// 09c with bands of 16 tile rows: the kernel reads Cfg::kGroupRows.
struct Bands16 : Tile09c {
  static constexpr int kGroupRows = hopper::solution1::kBandRows;
};

namespace {

const bool registered = register_gemm(wgmma_rung<Bands16>(
    "09 sol1 bands of 16", RungKind::Solution,
    "solution: 09c with bands of 16 tile rows instead of 8: a wave of 132 tiles reads about 16 slabs of A and 9 "
    "of B, not 12-16 and 16"));

}  // namespace
}  // namespace ladder::wgmma::solution1
