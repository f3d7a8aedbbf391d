/// \file solutions/13_implicit_gemm_conv/main.cu
/// \brief `sol13_implicit_gemm_conv`: chapter 13's conv ladder plus the worked solutions to its exercises.
///
///     build/bin/sol13_implicit_gemm_conv --layer lenet-conv1
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(argc, argv,
                                   {LADDER_CHAPTER, "implicit GEMM on tensor cores, with the exercises solved"});
}
