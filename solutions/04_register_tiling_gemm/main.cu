/// \file solutions/04_register_tiling_gemm/main.cu
/// \brief `sol04_register_tiling_gemm`: chapter 04's ladder plus the worked solutions to its exercises.
///
///     build/bin/sol04_register_tiling_gemm --m 2048 --n 2048 --k 2048
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "register-tiled GEMM, with the exercises solved"});
}
