/// \file chapters/13_implicit_gemm_conv/implicit_gemm_conv.cu
/// \brief Chapter 13's first two rungs: the implicit GEMM kernel at 128 × 128 × 32 with 13a's
/// gather (every chunk decoded) and 13b's (rows decoded once, the tap a cursor).
///
/// The kernel is in implicit_gemm_conv.cuh, its index arithmetic in implicit_gemm_tiles.hpp
/// and implicit_gemm_map.hpp. Run it: `build/bin/ch13_implicit_gemm_conv` (ResNet-50's
/// 28x28x128 3x3 layer at batch 32); the table shows it against cuDNN's bf16 NHWC convolution.
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"

namespace ladder::implicit_gemm {
namespace {

// [rungs]
const bool registered[] = {
    register_conv(
        mma_sync_rung({"13a implicit GEMM, mma.sync", 13, RungKind::Chapter,
                       launch_implicit_gemm<Mma128x128x32s4, AnalyticGather>, requirements(),
                       "gather A's 16-byte chunks from NHWC x with cp.async (zeros in the padding), B from KRSC w; "
                       "ldmatrix + mma.sync m16n8k16, 128x128x32, 4 warps of 64x64, 4 stages, 64 KB"})),
    register_conv(mma_sync_rung({"13b hoisted gather", 13, RungKind::Chapter,
                                 launch_implicit_gemm<Mma128x128x32s4, HoistedGather>, requirements(),
                                 "13a with each row decoded once before the k-loop and the filter tap a cursor: "
                                 "no division in the loop, 32-bit offsets"})),
};
// [rungs]

}  // namespace
}  // namespace ladder::implicit_gemm
