/// \file solutions/05_vectorized_gemm/main.cu
/// \brief `sol05_vectorized_gemm`: chapter 05's ladder plus the worked solutions to its exercises.
///
///     build/bin/sol05_vectorized_gemm --m 2048 --n 2048 --k 2048
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "vectorised GEMM, with the exercises solved"});
}
