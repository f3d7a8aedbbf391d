/// \file solutions/13_implicit_gemm_conv/ex2_tap_mask.cu
/// \brief Exercise 2 (worked solution): 13i's masked gather on 13b's mma.sync kernel, with
/// the tap mask built tap by tap (ex2_tap_mask.hpp).
///
/// solutions/13_implicit_gemm_conv/README.md works through the prediction against 13b.
///
///     build/bin/sol13_implicit_gemm_conv --layer resnet50-3x3-28
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"
#include "solutions/13_implicit_gemm_conv/ex2_tap_mask.hpp"

namespace ladder::implicit_gemm::solution2 {
namespace {

const bool registered = register_conv(mma_sync_rung(
    {"13 sol2 tap mask on mma.sync", 13, RungKind::Solution,
     launch_implicit_gemm<Mma128x128x32s4, WithTapMask<tap_mask>::Gather>, with_masked_gather(requirements()),
     "solution 2: 13b's kernel with 13i's masked gather, its tap mask built tap by tap"}));

}  // namespace
}  // namespace ladder::implicit_gemm::solution2
