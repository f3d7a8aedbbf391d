/// \file smem_gemm.cu
/// \brief Chapter 03: tiles of A and B staged in shared memory, each element read from global memory once per block
/// (the kernel's body: smem_gemm.cuh).
///
/// Run it: `build/bin/ch03_shared_memory_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the ladder so far: cuBLAS and rungs 01 to 03.
#include "chapters/03_shared_memory_gemm/smem_gemm.cuh"

namespace ladder::smem {
namespace {

constexpr int kThreadsPerBlock = kChapterTile * kChapterTile;

__global__ void smem_gemm_kernel(GemmArgs args) { smem_gemm_block<kChapterTile>(args); }

// [smem-launch]
void launch_smem_gemm(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kChapterTile), ceil_div(args.m, kChapterTile));
  smem_gemm_kernel<<<grid, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [smem-launch]

const bool registered = register_gemm({"03 shared memory",
                                       3,
                                       RungKind::Chapter,
                                       launch_smem_gemm,
                                       {},
                                       "32x32 tiles of A and B staged in shared memory, one element of C per thread"});

}  // namespace
}  // namespace ladder::smem
