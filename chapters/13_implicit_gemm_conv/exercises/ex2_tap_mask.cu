/// \file chapters/13_implicit_gemm_conv/exercises/ex2_tap_mask.cu
/// \brief Exercise 2 (starter): 13i's masked gather on 13b's mma.sync kernel, for GPUs
/// without wgmma (compute capability 8.0 on), with the tap mask yours to build.
///
/// 13i's gather has the interface of 13b's, so 13b's kernel (128x128x32, 4 stages) takes it
/// as it is. This rung keeps MaskedGather's origins, cursor and copies and gives each row the
/// mask ex2_tap_mask.hpp's tap_mask returns (WithTapMask, implicit_gemm_conv.cuh). As given
/// the mask is empty, so every chunk of A reads as zeros, y is all zeros, and the tests fail
/// on every problem the rung takes. Write tap_mask there; a CPU test checks it first.
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R 'TapMaskExercise|Chapter13Exercises.*13_ex2'
///     build/bin/ch13_implicit_gemm_conv --exercises --layer resnet50-3x3-28 \
///         --rung "13b hoisted gather" --rung "13 ex2 tap mask on mma.sync"
///
/// Before measuring, predict against 13b on resnet50-3x3-28: instructions per k-tile in the
/// main loop (13b's 331 are in the lesson; count yours with cuobjdump -sass on
/// build/chapters/13_implicit_gemm_conv/CMakeFiles/ch13_exercises.dir/exercises/ex2_tap_mask.cu.o),
/// and how much of that reaches the time (docs/results.md's profile of 13b: what its warps
/// wait on between instructions).
#include "chapters/13_implicit_gemm_conv/exercises/ex2_tap_mask.hpp"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"

namespace ladder::implicit_gemm::exercise2 {
namespace {

const bool registered = register_conv(mma_sync_rung(
    {"13 ex2 tap mask on mma.sync", 13, RungKind::Exercise,
     launch_implicit_gemm<Mma128x128x32s4, WithTapMask<tap_mask>::Gather>, with_masked_gather(requirements()),
     "exercise 2: 13b's kernel with 13i's masked gather, the tap mask yours"}));

}  // namespace
}  // namespace ladder::implicit_gemm::exercise2
