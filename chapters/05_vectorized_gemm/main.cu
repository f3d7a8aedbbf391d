/// \file chapters/05_vectorized_gemm/main.cu
/// \brief `ch05_vectorized_gemm`: the ladder so far (cuBLAS, rungs 01 to 05).
///
///     build/bin/ch05_vectorized_gemm                 # 4096³, verify, time, print the table
///     build/bin/ch05_vectorized_gemm --m 1000 --n 777 --k 513 --repeat 20
///     build/bin/ch05_vectorized_gemm --exercises     # add the exercise starters
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv,
                                   {LADDER_CHAPTER, "vectorised GEMM, 128-bit loads and conflict-free shared memory"});
}
