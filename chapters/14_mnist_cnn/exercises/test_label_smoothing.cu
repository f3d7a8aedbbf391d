// Chapter 14, exercise 1: label smoothing (label_smoothing.hpp), on the CPU and on the GPU.
// Compiled twice: against the starter beside this file, where every test skips unless
// LADDER_TEST_EXERCISES=1 (LADDER_LABEL_SMOOTHING_STARTER), and against the worked solution
// (solutions/14_mnist_cnn), where they always run. The CPU reference is judged by its own
// definition (finite differences, the minimum at p = q); the kernel is judged against it,
// with every output poisoned first. The GPU test skips, saying why, without a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/14_mnist_cnn/exercises/label_smoothing.hpp"
#include "common/core/device_buffer.cuh"
#include "common/core/exercise_tests.hpp"
#include "common/core/metrics.hpp"
#include "common/gemm/testing/rung_test.cuh"
#include "common/nn/gpu/layers.cuh"

// The suites are named after the build, Chapter14ExerciseLabelSmoothing* or
// Solutions14LabelSmoothing*, so that CTest's test names stay unique.
#ifdef LADDER_LABEL_SMOOTHING_STARTER
#define LADDER_SUITE(name) Chapter14Exercise##name
#define LADDER_SKIP_UNLESS_TESTING_EXERCISES() LADDER_SKIP_EXERCISE_STARTER()
#else
#define LADDER_SUITE(name) Solutions14##name
#define LADDER_SKIP_UNLESS_TESTING_EXERCISES() (void)0
#endif

namespace ladder::nn::label_smoothing {
namespace {

template <typename T>
Tensor<T> random_logits(int batch, int classes, std::uint64_t seed, double scale) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, scale);
  Tensor<T> logits({batch, classes});
  for (T& v : logits.values) v = T(normal(engine));
  return logits;
}

std::vector<int> spread_labels(int batch, int classes) {
  std::vector<int> labels(batch);
  for (int n = 0; n < batch; ++n) labels[n] = (n * 7 + 3) % classes;
  return labels;
}

TEST(LADDER_SUITE(LabelSmoothing), WithoutSmoothingItIsPlainCrossEntropy) {
  LADDER_SKIP_UNLESS_TESTING_EXERCISES();
  const Tensor<double> logits = random_logits<double>(9, 10, 1, 3.0);
  const std::vector<int> labels = spread_labels(9, 10);
  const SoftmaxCrossEntropy<double> plain = softmax_cross_entropy(logits, labels);
  const SoftmaxCrossEntropy<double> smoothed = smoothed_softmax_cross_entropy(logits, labels, 0.0);
  EXPECT_NEAR(smoothed.loss, plain.loss, 1e-12);
  for (std::size_t i = 0; i < logits.size(); ++i) {
    EXPECT_NEAR(smoothed.probabilities.values[i], plain.probabilities.values[i], 1e-15) << i;
    EXPECT_NEAR(smoothed.grad_logits.values[i], plain.grad_logits.values[i], 1e-15) << i;
  }
}

// The gradient the function returns is the derivative of the loss it returns: central
// differences of the mean loss, in double, on every logit.
TEST(LADDER_SUITE(LabelSmoothing), GradientIsTheDerivativeOfTheLoss) {
  LADDER_SKIP_UNLESS_TESTING_EXERCISES();
  const int batch = 4, classes = 7;
  const double smoothing = 0.2, step = 1e-6;
  Tensor<double> logits = random_logits<double>(batch, classes, 2, 2.0);
  const std::vector<int> labels = spread_labels(batch, classes);
  const SoftmaxCrossEntropy<double> at = smoothed_softmax_cross_entropy(logits, labels, smoothing);
  for (std::size_t i = 0; i < logits.size(); ++i) {
    const double saved = logits.values[i];
    logits.values[i] = saved + step;
    const double up = smoothed_softmax_cross_entropy(logits, labels, smoothing).loss;
    logits.values[i] = saved - step;
    const double down = smoothed_softmax_cross_entropy(logits, labels, smoothing).loss;
    logits.values[i] = saved;
    EXPECT_NEAR(at.grad_logits.values[i], (up - down) / (2 * step), 1e-8) << "logit " << i;
  }
}

// At logits log q the softmax gives back q: the gradient vanishes, and the loss is q's
// entropy, the smallest it can be. Plain cross-entropy has no such point.
TEST(LADDER_SUITE(LabelSmoothing), TheSmoothedTargetIsTheMinimum) {
  LADDER_SKIP_UNLESS_TESTING_EXERCISES();
  const int batch = 5, classes = 10;
  const double smoothing = 0.1;
  const std::vector<int> labels = spread_labels(batch, classes);
  Tensor<double> logits({batch, classes});
  for (int n = 0; n < batch; ++n)
    for (int j = 0; j < classes; ++j)
      logits.values[std::size_t(n) * classes + j] = std::log(smoothed_target(j, labels[n], classes, smoothing));
  const SoftmaxCrossEntropy<double> result = smoothed_softmax_cross_entropy(logits, labels, smoothing);
  EXPECT_NEAR(result.loss, loss_floor(classes, smoothing), 1e-12);
  EXPECT_GT(result.loss, 0.3);  // 0.1 spread over 10 classes already costs 0.5 nats
  for (int n = 0; n < batch; ++n)
    for (int j = 0; j < classes; ++j) {
      const std::size_t at = std::size_t(n) * classes + j;
      EXPECT_NEAR(result.probabilities.values[at], smoothed_target(j, labels[n], classes, smoothing), 1e-14);
      EXPECT_NEAR(result.grad_logits.values[at], 0.0, 1e-14);
    }
}

TEST(LADDER_SUITE(LabelSmoothing), HugeLogitsStayFinite) {
  LADDER_SKIP_UNLESS_TESTING_EXERCISES();
  Tensor<float> logits({1, 10});
  for (int j = 0; j < 10; ++j) logits.values[j] = 1e4f * float(j % 3);  // exp would overflow unshifted
  const SoftmaxCrossEntropy<float> result = smoothed_softmax_cross_entropy(logits, {4}, 0.1);
  EXPECT_TRUE(std::isfinite(result.loss));
  double total = 0;
  for (float p : result.probabilities.values) total += p;
  EXPECT_NEAR(total, 1.0, 1e-6);
}

TEST(LADDER_SUITE(LabelSmoothing), BadSmoothingIsRejectedWithAReason) {
  const Tensor<double> logits = random_logits<double>(2, 3, 3, 1.0);
  for (const double smoothing : {-0.1, 1.0, std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_THROW(smoothed_softmax_cross_entropy(logits, {0, 1}, smoothing), std::invalid_argument) << smoothing;
    EXPECT_THROW(smoothed_softmax_cross_entropy_gpu(nullptr, nullptr, 2, 3, float(smoothing), nullptr, nullptr, nullptr,
                                                    nullptr),
                 std::invalid_argument)
        << smoothing;
  }
  try {
    smoothed_softmax_cross_entropy(logits, {0, 1}, 1.5);
    FAIL() << "accepted a smoothing of 1.5";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("[0, 1)"), std::string::npos) << e.what();
  }
}

// The kernel on its own, whatever the CPU half says: at logits log q it must give back q, a
// zero gradient, and q's entropy as each row's loss. A kernel that ignores the smoothing fails
// here even while the CPU half still ignores it too.
TEST(LADDER_SUITE(LabelSmoothingGpu), StopsAtTheSmoothedTarget) {
  LADDER_SKIP_UNLESS_TESTING_EXERCISES();
  LADDER_SKIP_WITHOUT_GPU();
  const float poison = poison_value();
  for (const double smoothing : {0.1, 0.5})
    for (const int classes : {10, 33}) {
      const int batch = 5;
      const std::vector<int> labels = spread_labels(batch, classes);
      std::vector<float> logits(std::size_t(batch) * classes);
      for (int n = 0; n < batch; ++n)
        for (int j = 0; j < classes; ++j)
          logits[std::size_t(n) * classes + j] = float(std::log(smoothed_target(j, labels[n], classes, smoothing)));
      DeviceBuffer<float> logits_d(logits), p_d(std::vector<float>(logits.size(), poison)),
          grad_d(std::vector<float>(logits.size(), poison)), loss_d(std::vector<float>(batch, poison));
      DeviceBuffer<int> labels_d(labels);
      smoothed_softmax_cross_entropy_gpu(logits_d.data(), labels_d.data(), batch, classes, float(smoothing), p_d.data(),
                                         grad_d.data(), loss_d.data(), nullptr);
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
      const std::vector<float> p = p_d.download(), grad = grad_d.download(), loss = loss_d.download();
      for (int n = 0; n < batch; ++n) {
        EXPECT_NEAR(loss[std::size_t(n)], loss_floor(classes, smoothing), 1e-5)
            << "smoothing " << smoothing << ", " << classes << " classes, row " << n;
        for (int j = 0; j < classes; ++j) {
          const std::size_t at = std::size_t(n) * classes + j;
          ASSERT_NEAR(p[at], smoothed_target(j, labels[n], classes, smoothing), 1e-6) << "element " << at;
          ASSERT_NEAR(grad[at], 0.0, 1e-6) << "element " << at;
        }
      }
    }
}

// The kernel against the CPU reference in double: ragged batches, a single class, more
// classes than a warp has lanes, logits 10^4 apart, and a label out of range.
TEST(LADDER_SUITE(LabelSmoothingGpu), MatchesTheReference) {
  LADDER_SKIP_UNLESS_TESTING_EXERCISES();
  LADDER_SKIP_WITHOUT_GPU();
  const float poison = poison_value();
  for (const double smoothing : {0.0, 0.1, 0.5})
    for (const int classes : {10, 1, 33, 100}) {
      const int batch = 67;
      Tensor<float> logits = random_logits<float>(batch, classes, 4, 3.0);
      for (int j = 0; j < classes; ++j) logits.values[j] = 1e4f * float(j % 3);
      const std::vector<int> labels = spread_labels(batch, classes);
      Tensor<double> logits64({batch, classes});
      logits64.values.assign(logits.values.begin(), logits.values.end());
      const SoftmaxCrossEntropy<double> expected = smoothed_softmax_cross_entropy(logits64, labels, smoothing);
      DeviceBuffer<float> logits_d(logits.values), p_d(std::vector<float>(logits.size(), poison)),
          grad_d(std::vector<float>(logits.size(), poison)), loss_d(std::vector<float>(batch, poison)),
          mean_d(std::vector<float>(1, poison));
      DeviceBuffer<int> labels_d(labels);
      smoothed_softmax_cross_entropy_gpu(logits_d.data(), labels_d.data(), batch, classes, float(smoothing), p_d.data(),
                                         grad_d.data(), loss_d.data(), nullptr);
      gpu::mean(loss_d.data(), batch, mean_d.data(), nullptr);
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
      const std::vector<float> p = p_d.download(), grad = grad_d.download();
      for (std::size_t i = 0; i < p.size(); ++i) {
        ASSERT_NEAR(p[i], expected.probabilities.values[i], 1e-5)
            << "smoothing " << smoothing << ", " << classes << " classes, element " << i;
        ASSERT_NEAR(grad[i], expected.grad_logits.values[i], 1e-6)
            << "smoothing " << smoothing << ", " << classes << " classes, element " << i;
      }
      EXPECT_NEAR(mean_d.download()[0], expected.loss, 1e-4 * std::max(1.0, std::abs(expected.loss)))
          << "smoothing " << smoothing << ", " << classes << " classes";
    }
  DeviceBuffer<float> logits_d(std::vector<float>(20, 0.5f)), p_d(std::vector<float>(20, poison)),
      g_d(std::vector<float>(20, poison)), loss_d(std::vector<float>(2, poison));
  DeviceBuffer<int> labels_d(std::vector<int>{3, 10});
  smoothed_softmax_cross_entropy_gpu(logits_d.data(), labels_d.data(), 2, 10, 0.1f, p_d.data(), g_d.data(),
                                     loss_d.data(), nullptr);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  const std::vector<float> loss = loss_d.download();
  EXPECT_FALSE(std::isnan(loss[0]));
  EXPECT_TRUE(std::isnan(loss[1]));
}

}  // namespace
}  // namespace ladder::nn::label_smoothing
