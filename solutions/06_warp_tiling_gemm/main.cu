/// \file solutions/06_warp_tiling_gemm/main.cu
/// \brief `sol06_warp_tiling_gemm`: chapter 06's ladder plus the worked solutions to its exercises.
///
///     build/bin/sol06_warp_tiling_gemm --m 2048 --n 2048 --k 2048
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "warp-tiled GEMM, with the exercises solved"});
}
