/// \file solutions/14_mnist_cnn/label_smoothing.cu
/// \brief Chapter 14, exercise 1, the GPU half: the fused loss against smoothed labels.
///
/// Its GPU tests passed on the H200 (2026-11-23 and 2026-11-24); the kernel was not timed there.
#include <cmath>
#include <cstddef>

#include "chapters/14_mnist_cnn/exercises/label_smoothing.hpp"
#include "common/core/cuda_check.cuh"
#include "common/nn/gpu/launch.cuh"
#include "common/nn/gpu/warp_reduce.cuh"

namespace ladder::nn::label_smoothing {
namespace {

using gpu::kWarp;

// [sol1-kernel]
/// One warp per row, as softmax_cross_entropy_kernel: the row's maximum, then in one pass the
/// sum of exp(z - max) and the sum of (z - max), which the smoothed target's uniform part needs.
__global__ void smoothed_softmax_cross_entropy_kernel(const float* logits, const int* labels, int batch, int classes,
                                                      float smoothing, float* probabilities, float* grad_logits,
                                                      float* row_loss) {
  const int row = int(blockIdx.x * (blockDim.x / kWarp) + threadIdx.x / kWarp), lane = int(threadIdx.x % kWarp);
  if (row >= batch) return;  // whole warps leave together
  const float* z = logits + std::size_t(row) * classes;
  float max_logit = -INFINITY;
  for (int j = lane; j < classes; j += kWarp) max_logit = fmaxf(max_logit, z[j]);
  max_logit = gpu::warp_max(max_logit);
  float sum_exp = 0.0f, sum_shifted = 0.0f;
  for (int j = lane; j < classes; j += kWarp) {
    sum_exp += expf(z[j] - max_logit);
    sum_shifted += z[j] - max_logit;
  }
  sum_exp = gpu::warp_sum(sum_exp);
  sum_shifted = gpu::warp_sum(sum_shifted);
  const float log_sum_exp = logf(sum_exp);
  const int label = labels[row];
  const float off_target = smoothing / float(classes), on_target = 1.0f - smoothing + off_target;
  for (int j = lane; j < classes; j += kWarp) {
    const float p = expf(z[j] - max_logit - log_sum_exp);
    const std::size_t at = std::size_t(row) * classes + j;
    probabilities[at] = p;
    grad_logits[at] = (p - (j == label ? on_target : off_target)) / float(batch);
  }
  if (lane == 0)
    row_loss[row] = label >= 0 && label < classes
                        ? log_sum_exp - (1.0f - smoothing) * (z[label] - max_logit) -
                              (smoothing > 0.0f ? off_target * sum_shifted : 0.0f)  // 0 · -inf would be NaN
                        : NAN;
}
// [sol1-kernel]

}  // namespace

void smoothed_softmax_cross_entropy_gpu(const float* logits, const int* labels, int batch, int classes, float smoothing,
                                        float* probabilities, float* grad_logits, float* row_loss,
                                        cudaStream_t stream) {
  check_smoothing(smoothing);
  gpu::require(batch >= 1 && classes >= 1, "smoothed_softmax_cross_entropy_gpu: batch and classes must be >= 1");
  constexpr int kRowsPerBlock = gpu::kThreads / kWarp;
  const unsigned blocks = static_cast<unsigned>((batch + kRowsPerBlock - 1) / kRowsPerBlock);
  smoothed_softmax_cross_entropy_kernel<<<blocks, gpu::kThreads, 0, stream>>>(logits, labels, batch, classes, smoothing,
                                                                              probabilities, grad_logits, row_loss);
  LADDER_CHECK_LAUNCH();
}

}  // namespace ladder::nn::label_smoothing
