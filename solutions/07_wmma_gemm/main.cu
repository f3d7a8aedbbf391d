/// \file solutions/07_wmma_gemm/main.cu
/// \brief `sol07_wmma_gemm`: chapter 07's ladder plus the worked solution to its exercise.
///
///     build/bin/sol07_wmma_gemm --m 2048 --n 2048 --k 2048
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "WMMA, with the exercise solved"});
}
