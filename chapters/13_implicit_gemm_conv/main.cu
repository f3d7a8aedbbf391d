/// \file chapters/13_implicit_gemm_conv/main.cu
/// \brief `ch13_implicit_gemm_conv`: cuDNN and the conv rungs so far, 13a included, on one layer.
///
///     build/bin/ch13_implicit_gemm_conv                          # ResNet-50's 28x28x128 3x3 layer, batch 32
///     build/bin/ch13_implicit_gemm_conv --layer resnet50-1x1     # a 1x1 layer: A is x itself
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(argc, argv, {LADDER_CHAPTER, "implicit GEMM on tensor cores"});
}
