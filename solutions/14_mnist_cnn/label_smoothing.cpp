/// \file solutions/14_mnist_cnn/label_smoothing.cpp
/// \brief Chapter 14, exercise 1, the CPU half: cross-entropy against smoothed labels.
#include <algorithm>
#include <cmath>

#include "chapters/14_mnist_cnn/exercises/label_smoothing.hpp"

namespace ladder::nn::label_smoothing {

// [sol1-cpu]
template <typename T>
SoftmaxCrossEntropy<T> smoothed_softmax_cross_entropy(const Tensor<T>& logits, const std::vector<int>& labels,
                                                      double smoothing) {
  check_smoothing(smoothing);
  if (logits.shape.size() != 2 || std::size_t(logits.dim(0)) != labels.size())
    throw std::invalid_argument("smoothed_softmax_cross_entropy: logits must be (N, classes) with one label per row");
  const int batch = logits.dim(0), classes = logits.dim(1);
  SoftmaxCrossEntropy<T> result{0.0, Tensor<T>(logits.shape), Tensor<T>(logits.shape)};
  for (int n = 0; n < batch; ++n) {
    const T* z = logits.data() + std::size_t(n) * classes;
    const int label = labels[n];
    if (label < 0 || label >= classes)
      throw std::invalid_argument("smoothed_softmax_cross_entropy: label out of range");
    const double max_logit = *std::max_element(z, z + classes);
    double sum_exp = 0, sum_shifted = 0;  // sum_j exp(z_j - m), and sum_j (z_j - m) for the uniform part of q
    for (int j = 0; j < classes; ++j) {
      sum_exp += std::exp(double(z[j]) - max_logit);
      sum_shifted += double(z[j]) - max_logit;
    }
    const double log_sum_exp = std::log(sum_exp);
    // -sum_j q_j log p_j = log_sum_exp - sum_j q_j (z_j - m), since the q_j sum to 1
    result.loss += log_sum_exp - (1.0 - smoothing) * (double(z[label]) - max_logit) - smoothing / classes * sum_shifted;
    for (int j = 0; j < classes; ++j) {
      const double probability = std::exp(double(z[j]) - max_logit - log_sum_exp);
      const std::size_t at = std::size_t(n) * classes + j;
      result.probabilities.values[at] = T(probability);
      result.grad_logits.values[at] = T((probability - smoothed_target(j, label, classes, smoothing)) / batch);
    }
  }
  result.loss /= batch;
  return result;
}
// [sol1-cpu]

template SoftmaxCrossEntropy<float> smoothed_softmax_cross_entropy(const Tensor<float>&, const std::vector<int>&,
                                                                   double);
template SoftmaxCrossEntropy<double> smoothed_softmax_cross_entropy(const Tensor<double>&, const std::vector<int>&,
                                                                    double);

}  // namespace ladder::nn::label_smoothing
