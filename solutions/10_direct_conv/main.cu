/// \file solutions/10_direct_conv/main.cu
/// \brief `sol10_direct_conv`: chapter 10's conv ladder plus the worked solution to its exercise.
///
///     build/bin/sol10_direct_conv --layer resnet50-3x3-28
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(argc, argv, {LADDER_CHAPTER, "direct convolution, with the exercise solved"});
}
