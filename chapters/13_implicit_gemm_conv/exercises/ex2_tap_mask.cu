/// \file chapters/13_implicit_gemm_conv/exercises/ex2_tap_mask.cu
/// \brief Exercise 2 (starter): 13i's masked gather on 13b's mma.sync kernel, for GPUs
/// without wgmma (compute capability 8.0 on), with the tap mask yours to build.
///
/// 13i's gather has the interface of 13b's, so 13b's kernel (128x128x32, 4 stages) takes it
/// as it is. This rung keeps MaskedGather's origins, cursor and copies and puts its own mask
/// in each row: tap_mask, below. As given it is empty, so every chunk of A reads as zeros,
/// y is all zeros, and the tests fail on every problem. Set bit r·S + s when tap (r, s) of
/// the row's output position lands inside the image; rows past M keep an empty mask.
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter13Exercise
///     build/bin/ch13_implicit_gemm_conv --exercises --layer resnet50-3x3-28
///
/// Before measuring, predict against 13b on resnet50-3x3-28: instructions per warp and
/// k-tile in the main loop (13b's count is in the lesson; tools/sass_report.py can count
/// yours), and whether 13b's time moves with them (the lesson's profile of 13b says what
/// its warps wait on).
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"

namespace ladder::implicit_gemm::exercise2 {
namespace {

/// The taps of output position `row` that land inside the image, bit r·S + s each.
/// TODO: build it (conv::output_position, conv::input_row/input_col, conv::inside_image).
__device__ __forceinline__ std::uint64_t tap_mask(const ConvProblem& pr, long long row) {
  (void)pr, (void)row;
  return 0;
}

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

ConvRequirements tap_mask_requirements() {
  ConvRequirements need = requirements();
  need.max_filter_extent = kMaxMaskedExtent;
  return need;
}

const bool registered = register_conv(mma_sync_rung(
    {"13 ex2 tap mask on mma.sync", 13, RungKind::Exercise, launch_implicit_gemm<Mma128x128x32s4, YourMaskGather>,
     tap_mask_requirements(), "exercise 2: 13b's kernel with 13i's masked gather, the tap mask yours"}));

}  // namespace
}  // namespace ladder::implicit_gemm::exercise2
