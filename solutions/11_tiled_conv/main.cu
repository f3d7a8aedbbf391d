/// \file solutions/11_tiled_conv/main.cu
/// \brief `sol11_tiled_conv`: chapter 11's conv ladder plus the worked solution to its exercise.
///
///     build/bin/sol11_tiled_conv --layer resnet50-3x3-28
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(argc, argv, {LADDER_CHAPTER, "tiled convolution, with the exercise solved"});
}
