/// \file chapters/12_im2col_conv/main.cu
/// \brief `ch12_im2col_conv`: cuDNN and the conv rungs so far (10a-12b) on one layer.
///
///     build/bin/ch12_im2col_conv                          # ResNet-50's 28x28x128 3x3 layer, batch 32
///     build/bin/ch12_im2col_conv --layer resnet50-1x1     # a 1x1 layer: the lowering copies nothing extra
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(argc, argv, {LADDER_CHAPTER, "im2col + GEMM: a convolution lowered to a matrix"});
}
