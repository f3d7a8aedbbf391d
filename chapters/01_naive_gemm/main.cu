/// \file chapters/01_naive_gemm/main.cu
/// \brief `ch01_naive_gemm`: the ladder so far (cuBLAS and rung 01).
///
///     build/bin/ch01_naive_gemm                 # 4096³, verify, time, print the table
///     build/bin/ch01_naive_gemm --m 1000 --n 777 --k 513 --repeat 20
///     build/bin/ch01_naive_gemm --help
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "naive GEMM, one thread per output element"});
}
