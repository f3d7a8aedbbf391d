/// \file solutions/03_shared_memory_gemm/main.cu
/// \brief `sol03_shared_memory_gemm`: chapter 03's ladder plus the worked solutions to its exercises.
///
///     build/bin/sol03_shared_memory_gemm --m 2048 --n 2048 --k 2048
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "shared-memory GEMM, with the exercises solved"});
}
