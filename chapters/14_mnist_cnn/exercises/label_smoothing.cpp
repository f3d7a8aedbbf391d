/// \file chapters/14_mnist_cnn/exercises/label_smoothing.cpp
/// \brief Exercise 1, the CPU half (label_smoothing.hpp): the reference your kernel is tested
/// against. As given it ignores `smoothing`.
#include "chapters/14_mnist_cnn/exercises/label_smoothing.hpp"

namespace ladder::nn::label_smoothing {

template <typename T>
SoftmaxCrossEntropy<T> smoothed_softmax_cross_entropy(const Tensor<T>& logits, const std::vector<int>& labels,
                                                      double smoothing) {
  check_smoothing(smoothing);
  // TODO(exercise 1): start from softmax_cross_entropy in common/nn/layers.cpp. With the
  // row's maximum m subtracted, log p_j = (z_j - m) - log_sum_exp, and the q_j sum to 1:
  // what does -sum_j q_j log p_j become? Which sum over the row does it need that plain
  // cross-entropy did not? The gradient is (p - q) / batch (smoothed_target gives q_j).
  return softmax_cross_entropy(logits, labels);
}

template SoftmaxCrossEntropy<float> smoothed_softmax_cross_entropy(const Tensor<float>&, const std::vector<int>&,
                                                                   double);
template SoftmaxCrossEntropy<double> smoothed_softmax_cross_entropy(const Tensor<double>&, const std::vector<int>&,
                                                                    double);

}  // namespace ladder::nn::label_smoothing
