/// \file solutions/09_wgmma_tma_gemm/main.cu
/// \brief `sol09_wgmma_tma_gemm`: chapter 09's ladder plus the worked solution to its exercise.
///
///     build/bin/sol09_wgmma_tma_gemm --m 4096 --n 4096 --k 4096
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "wgmma and TMA, with the exercise solved"});
}
