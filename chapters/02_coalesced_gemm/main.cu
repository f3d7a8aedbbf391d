/// \file chapters/02_coalesced_gemm/main.cu
/// \brief `ch02_coalesced_gemm`: the ladder so far (cuBLAS, rungs 01 and 02).
///
///     build/bin/ch02_coalesced_gemm                 # 4096³, verify, time, print the table
///     build/bin/ch02_coalesced_gemm --m 1000 --n 777 --k 513 --repeat 20
///     build/bin/ch02_coalesced_gemm --exercises     # add the exercise starters
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "coalesced GEMM, a warp along a row of C"});
}
