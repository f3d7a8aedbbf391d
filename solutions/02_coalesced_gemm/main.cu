/// \file solutions/02_coalesced_gemm/main.cu
/// \brief `sol02_coalesced_gemm`: chapter 02's ladder plus the worked solutions to its exercises.
///
///     build/bin/sol02_coalesced_gemm --m 2048 --n 2048 --k 2048
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "coalesced GEMM, with the exercises solved"});
}
