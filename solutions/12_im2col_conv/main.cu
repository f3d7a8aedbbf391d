/// \file solutions/12_im2col_conv/main.cu
/// \brief `sol12_im2col_conv`: chapter 12's conv ladder plus the worked solution to its exercise.
///
///     build/bin/sol12_im2col_conv --layer resnet50-3x3-56
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(argc, argv, {LADDER_CHAPTER, "im2col + GEMM, with the exercise solved"});
}
