/// \file solutions/08_mma_sync_gemm/main.cu
/// \brief `sol08_mma_sync_gemm`: chapter 08's ladder plus the worked solution to its exercise.
///
///     build/bin/sol08_mma_sync_gemm --m 4096 --n 4096 --k 4096
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "mma.sync GEMM, with the exercise solved"});
}
