/// \file chapters/13_implicit_gemm_conv/exercises/ex2_tap_mask.cu
/// \brief Exercise 2 (starter): 13i's masked gather on 13b's mma.sync kernel, for GPUs
/// without wgmma (compute capability 8.0 on), with the tap mask yours to build.
///
/// 13i's gather has the interface of 13b's, so 13b's kernel (128x128x32, 4 stages) takes it
/// as it is. This rung keeps MaskedGather's origins, cursor and copies and gives each row the
/// mask tap_mask, below, returns (WithTapMask, implicit_gemm_conv.cuh). As given the mask is
/// empty, so every chunk of A reads as zeros, y is all zeros, and the tests fail on every
/// problem. Set bit r·S + s when tap (r, s) of the row's output position lands inside the
/// image; rows past M keep an empty mask.
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter13Exercise
///     build/bin/ch13_implicit_gemm_conv --exercises --layer resnet50-3x3-28
///
/// Before measuring, predict against 13b on resnet50-3x3-28: instructions per k-tile in the
/// main loop (13b's count is in the lesson; tools/sass_report.py can count yours), and how
/// much of that reaches the time (the lesson's profile of 13b says what its warps wait on).
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"

namespace ladder::implicit_gemm::exercise2 {
namespace {

/// The taps of output position `row` that land inside the image, bit r·S + s each.
/// TODO: build it (conv::output_position, conv::input_row and input_col, conv::inside_image).
__device__ std::uint64_t tap_mask(const ConvProblem& pr, long long row) {
  (void)pr, (void)row;
  return 0;
}

const bool registered = register_conv(mma_sync_rung(
    {"13 ex2 tap mask on mma.sync", 13, RungKind::Exercise,
     launch_implicit_gemm<Mma128x128x32s4, WithTapMask<tap_mask>::Gather>, with_masked_gather(requirements()),
     "exercise 2: 13b's kernel with 13i's masked gather, the tap mask yours"}));

}  // namespace
}  // namespace ladder::implicit_gemm::exercise2
