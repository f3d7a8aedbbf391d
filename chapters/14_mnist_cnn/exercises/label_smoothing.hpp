/// \file chapters/14_mnist_cnn/exercises/label_smoothing.hpp
/// \brief Exercise 1 of chapter 14: softmax cross-entropy against smoothed labels, on the
/// CPU (the reference) and on the GPU (one fused kernel).
///
/// Plain cross-entropy rewards a network for pushing the correct logit ever higher: its
/// target is a one-hot row, which a softmax reaches only at infinite logits. Label
/// smoothing aims at a target it can reach instead,
///
///     q_j = (1 - smoothing) * [j == label] + smoothing / classes,
///
/// so the loss -sum_j q_j log p_j has a finite minimum, at p = q.
///
/// The starter (label_smoothing.cpp and label_smoothing.cu beside this file) ignores
/// `smoothing`. Its tests pass once both halves are right:
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter14Exercise
///
/// The worked solution: solutions/14_mnist_cnn.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_runtime_api.h>

#include "common/nn/layers.hpp"
#include "common/nn/tensor.hpp"

namespace ladder::nn::label_smoothing {

/// Throws std::invalid_argument unless 0 <= smoothing < 1: at 1 the target no longer
/// depends on the label, and nothing is learnt.
inline void check_smoothing(double smoothing) {
  if (!(smoothing >= 0.0 && smoothing < 1.0))
    throw std::invalid_argument("label smoothing must be in [0, 1), got " + std::to_string(smoothing));
}

/// q_j: the smoothed target's probability of class `j` in a row labelled `label`.
inline double smoothed_target(int j, int label, int classes, double smoothing) {
  return (j == label ? 1.0 - smoothing : 0.0) + smoothing / classes;
}

/// The smallest loss any logits reach: the entropy of the target, -sum_j q_j log q_j
/// (0 without smoothing, since 0 log 0 counts as 0).
inline double loss_floor(int classes, double smoothing) {
  double entropy = 0;
  for (int j = 0; j < classes; ++j) {
    const double q = smoothed_target(j, 0, classes, smoothing);
    if (q > 0) entropy -= q * std::log(q);
  }
  return entropy;
}

/// The CPU reference. Like softmax_cross_entropy (common/nn/layers.hpp), and numerically
/// stable in the same way, but against q: loss = mean over rows of -sum_j q_j log p_j,
/// grad_logits = (p - q) / batch. Throws std::invalid_argument for a bad smoothing, shape
/// or label.
template <typename T>
SoftmaxCrossEntropy<T> smoothed_softmax_cross_entropy(const Tensor<T>& logits, const std::vector<int>& labels,
                                                      double smoothing);

/// The same on the GPU, as gpu::softmax_cross_entropy computes plain cross-entropy: one warp
/// per row of the (batch, classes) logits writes the row's probabilities, its gradient
/// (p - q) / batch and its loss row_loss[row]; a label outside 0 .. classes - 1 makes the
/// row's loss NaN. Sizes and smoothing are checked on the host before anything is launched.
void smoothed_softmax_cross_entropy_gpu(const float* logits, const int* labels, int batch, int classes, float smoothing,
                                        float* probabilities, float* grad_logits, float* row_loss, cudaStream_t stream);

}  // namespace ladder::nn::label_smoothing
