/// \file solutions/13_implicit_gemm_conv/ex2_tap_mask.cu
/// \brief Exercise 2 (worked solution): 13i's masked gather on 13b's mma.sync kernel, with
/// the tap mask built tap by tap.
///
/// solutions/13_implicit_gemm_conv/README.md works through the prediction against 13b.
///
///     build/bin/sol13_implicit_gemm_conv --layer resnet50-3x3-28
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"
#include "solutions/13_implicit_gemm_conv/ex2_tap_mask.hpp"

namespace ladder::implicit_gemm::solution2 {
namespace {

// [sol2-gather]
/// MaskedGather with the rows' masks replaced by tap_mask's.
template <class Cfg>
struct YourMaskGather : MaskedGather<Cfg> {
  __device__ __forceinline__ YourMaskGather(const Bf16ConvArgs& conv_args, const BlockTile& tile, int first)
      : MaskedGather<Cfg>(conv_args, tile, first) {
    const RowCol at = copy_row_col<Cfg>(int(threadIdx.x), 0);
#pragma unroll
    for (int i = 0; i < Cfg::kAChunksPerThread; ++i)
      this->rows[i].inside = tap_mask(conv_args.problem, tile.m0 + at.row + i * Cfg::kRowsPerPass);
  }
};
// [sol2-gather]

ConvRequirements tap_mask_requirements() {
  ConvRequirements need = requirements();
  need.max_filter_extent = kMaxMaskedExtent;
  return need;
}

const bool registered = register_conv(mma_sync_rung(
    {"13 sol2 tap mask on mma.sync", 13, RungKind::Solution, launch_implicit_gemm<Mma128x128x32s4, YourMaskGather>,
     tap_mask_requirements(), "solution 2: 13b's kernel with 13i's masked gather, its tap mask built tap by tap"}));

}  // namespace
}  // namespace ladder::implicit_gemm::solution2
