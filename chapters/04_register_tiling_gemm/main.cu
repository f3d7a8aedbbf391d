/// \file chapters/04_register_tiling_gemm/main.cu
/// \brief `ch04_register_tiling_gemm`: the ladder so far (cuBLAS, rungs 01 to 04).
///
///     build/bin/ch04_register_tiling_gemm                 # 4096³, verify, time, print the table
///     build/bin/ch04_register_tiling_gemm --m 1000 --n 777 --k 513 --repeat 20
///     build/bin/ch04_register_tiling_gemm --exercises     # add the exercise starters
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "register tiling, several outputs per thread"});
}
