/// \file vectorized_gemm.cu
/// \brief Chapter 05: 128-bit loads and stores, A transposed in shared memory, no bank conflicts.
///
/// Requires 16-byte aligned pointers and leading dimensions that are multiples
/// of 4 floats (registered as alignment_bytes = 16); m, n and k may be anything.
///
/// Run it: `build/bin/ch05_vectorized_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the ladder so far: cuBLAS and rungs 01 to 05.
#include "chapters/05_vectorized_gemm/vectorized_gemm.cuh"

namespace ladder::vectorized {
namespace {

// [vectorized-launch]
/// The chapter's rung: the kernel body of vectorized_gemm.cuh with BK = 8.
__global__ void __launch_bounds__(kThreads) vectorized_gemm_kernel(GemmArgs args) { vectorized_gemm_block<8>(args); }

void launch_vectorized_gemm(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kBN), ceil_div(args.m, kBM));
  vectorized_gemm_kernel<<<grid, kThreads, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [vectorized-launch]

// [vectorized-register]
const bool registered =
    register_gemm({"05 vectorized", 5, RungKind::Chapter, launch_vectorized_gemm, vectorized_requirements(),
                   "2-D register tiling with float4 loads/stores, A transposed and padded in smem"});
// [vectorized-register]

}  // namespace
}  // namespace ladder::vectorized
