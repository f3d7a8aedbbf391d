/// \file chapters/11_tiled_conv/main.cu
/// \brief `ch11_tiled_conv`: cuDNN and the conv rungs so far (10a, 10b, 11a, 11b) on one layer.
///
///     build/bin/ch11_tiled_conv                          # ResNet-50's 28x28x128 3x3 layer, batch 32
///     build/bin/ch11_tiled_conv --layer lenet-conv2      # chapter 14's second layer
///     build/bin/ch11_tiled_conv --exercises              # with the exercise's rung
///     build/bin/ch11_tiled_conv --list                   # the rungs and the named layers
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(
      argc, argv, {LADDER_CHAPTER, "tiled convolution: shared-memory halo tiles, output-channel blocking"});
}
