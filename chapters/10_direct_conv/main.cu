/// \file chapters/10_direct_conv/main.cu
/// \brief `ch10_direct_conv`: cuDNN and the conv rungs so far (10a, 10b) on one layer.
///
///     build/bin/ch10_direct_conv                          # ResNet-50's 28x28x128 3x3 layer, batch 32
///     build/bin/ch10_direct_conv --layer lenet-conv1      # chapter 14's first layer
///     build/bin/ch10_direct_conv --list                   # the rungs and the named layers
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(argc, argv, {LADDER_CHAPTER, "direct convolution: one thread per output element"});
}
