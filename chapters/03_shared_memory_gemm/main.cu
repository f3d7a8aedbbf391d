/// \file chapters/03_shared_memory_gemm/main.cu
/// \brief `ch03_shared_memory_gemm`: the ladder so far (cuBLAS, rungs 01 to 03).
///
///     build/bin/ch03_shared_memory_gemm                 # 4096³, verify, time, print the table
///     build/bin/ch03_shared_memory_gemm --m 1000 --n 777 --k 513 --repeat 20
///     build/bin/ch03_shared_memory_gemm --exercises     # add the exercise starters
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv,
                                   {LADDER_CHAPTER, "shared-memory tiling, each element loaded once per block"});
}
