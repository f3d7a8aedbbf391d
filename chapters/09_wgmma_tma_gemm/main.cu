/// \file chapters/09_wgmma_tma_gemm/main.cu
/// \brief `ch09_wgmma_tma_gemm`: the ladder so far, then the bf16 table with rungs 09a-09e.
///
///     build/bin/ch09_wgmma_tma_gemm                  # 4096³: verify, time, print both tables
///     build/bin/ch09_wgmma_tma_gemm --m 8192 --n 8192 --k 8192
///
/// The rungs run on compute capability 9.0 only (H100, H200), from a build that includes sm_90a;
/// anywhere else each row says why it skipped.
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "wgmma and TMA: Hopper's tensor cores"});
}
