/// \file solutions/01_naive_gemm/main.cu
/// \brief `sol01_naive_gemm`: chapter 01's ladder plus the worked solutions to its exercises.
///
///     build/bin/sol01_naive_gemm --m 2048 --n 2048 --k 2048
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "naive GEMM, with the exercises solved"});
}
