// Finite-difference gradient checks in fp64 for every layer and for the whole
// network, on random shapes; plus hand-computed values that pin down the
// conventions (cross-correlation, first maximum wins, stable softmax).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "common/nn/layers.hpp"
#include "common/nn/network.hpp"
#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

constexpr double kStep = 1e-6;       // central differences: error ~ step^2, rounding ~ 1e-16 / step
constexpr double kTolerance = 1e-6;  // relative to max(1, |gradient|)
constexpr int kMaxChecksPerTensor = 80;

Tensor<double> random_tensor(std::vector<int> shape, Random& random) {
  Tensor<double> tensor(std::move(shape));
  for (double& value : tensor.values) value = random.uniform(-1, 1);
  return tensor;
}

// sum(output * weights): a scalar loss whose gradient with respect to output is `weights`.
double weighted_sum(const Tensor<double>& output, const Tensor<double>& weights) {
  double sum = 0;
  for (std::size_t i = 0; i < output.size(); ++i) sum += output.values[i] * weights.values[i];
  return sum;
}

// Compares `analytic` with central differences of `loss` around the current
// values of `x`, element by element (a sample of them for big tensors).
void expect_gradient(Tensor<double>& x, const Tensor<double>& analytic, const std::function<double()>& loss,
                     const std::string& what) {
  ASSERT_EQ(x.shape, analytic.shape) << what;
  const std::size_t stride = std::max<std::size_t>(1, x.size() / kMaxChecksPerTensor);
  for (std::size_t i = 0; i < x.size(); i += stride) {
    const double saved = x.values[i];
    x.values[i] = saved + kStep;
    const double loss_plus = loss();
    x.values[i] = saved - kStep;
    const double loss_minus = loss();
    x.values[i] = saved;
    const double numeric = (loss_plus - loss_minus) / (2 * kStep);
    ASSERT_NEAR(analytic.values[i], numeric, kTolerance * std::max(1.0, std::abs(numeric)))
        << what << " element " << i << " of " << shape_to_string(x.shape);
  }
}

struct ConvCase {
  std::vector<int> input, weight;
  Conv2dParams params;
};

ConvCase random_conv_case(Random& random) {
  const auto pick = [&](int low, int high) { return low + int(random.below(std::uint64_t(high - low + 1))); };
  const int channels = pick(1, 3), height = pick(4, 9), width = pick(4, 9);
  const Conv2dParams params{pick(1, 2), pick(0, 2)};
  const int kernel_rows = pick(1, std::min(4, height + 2 * params.padding));
  const int kernel_cols = pick(1, std::min(4, width + 2 * params.padding));
  return {{pick(1, 3), channels, height, width}, {pick(1, 3), channels, kernel_rows, kernel_cols}, params};
}

TEST(GradientCheck, Conv2dOnRandomShapes) {
  Random random(101);
  for (int trial = 0; trial < 12; ++trial) {
    const ConvCase c = random_conv_case(random);
    Tensor<double> input = random_tensor(c.input, random), weight = random_tensor(c.weight, random);
    Tensor<double> bias = random_tensor({c.weight[0]}, random);
    const Tensor<double> output = conv2d_forward(input, weight, bias, c.params);
    const Tensor<double> upstream = random_tensor(output.shape, random);
    const LayerGradients<double> grads = conv2d_backward(input, weight, upstream, c.params);
    const auto loss = [&] { return weighted_sum(conv2d_forward(input, weight, bias, c.params), upstream); };
    const std::string what = "conv " + shape_to_string(c.input) + " * " + shape_to_string(c.weight) + " stride " +
                             std::to_string(c.params.stride) + " pad " + std::to_string(c.params.padding);
    expect_gradient(input, grads.input, loss, what + " d/dinput");
    expect_gradient(weight, grads.weight, loss, what + " d/dweight");
    expect_gradient(bias, grads.bias, loss, what + " d/dbias");
  }
}

TEST(GradientCheck, MaxPoolOnRandomShapes) {
  Random random(202);
  for (int trial = 0; trial < 10; ++trial) {
    const Pool2dParams params{2 + int(random.below(2)), 1 + int(random.below(3))};
    Tensor<double> input = random_tensor({1 + int(random.below(2)), 1 + int(random.below(3)),
                                          params.window + int(random.below(5)), params.window + int(random.below(5))},
                                         random);
    const Tensor<double> upstream = random_tensor(max_pool_forward(input, params).shape, random);
    const auto loss = [&] { return weighted_sum(max_pool_forward(input, params), upstream); };
    expect_gradient(input, max_pool_backward(input, upstream, params), loss, "max_pool");
  }
}

TEST(GradientCheck, Relu) {
  Random random(303);
  Tensor<double> input = random_tensor({3, 4, 5}, random);
  const Tensor<double> upstream = random_tensor(input.shape, random);
  const auto loss = [&] { return weighted_sum(relu_forward(input), upstream); };
  expect_gradient(input, relu_backward(input, upstream), loss, "relu");
}

TEST(GradientCheck, LinearOnRandomShapes) {
  Random random(404);
  for (int trial = 0; trial < 6; ++trial) {
    const int batch = 1 + int(random.below(4)), outputs = 1 + int(random.below(6));
    // Odd trials feed a 4-D activation, as fc1 reads the pooled feature maps.
    const std::vector<int> shape =
        trial % 2 ? std::vector<int>{batch, 2, 3, 2} : std::vector<int>{batch, 1 + int(random.below(9))};
    Tensor<double> input = random_tensor(shape, random);
    const int features = int(input.size()) / batch;
    Tensor<double> weight = random_tensor({outputs, features}, random), bias = random_tensor({outputs}, random);
    const Tensor<double> upstream = random_tensor({batch, outputs}, random);
    const LayerGradients<double> grads = linear_backward(input, weight, upstream);
    const auto loss = [&] { return weighted_sum(linear_forward(input, weight, bias), upstream); };
    expect_gradient(input, grads.input, loss, "linear d/dinput");
    expect_gradient(weight, grads.weight, loss, "linear d/dweight");
    expect_gradient(bias, grads.bias, loss, "linear d/dbias");
  }
}

TEST(GradientCheck, SoftmaxCrossEntropy) {
  Random random(505);
  Tensor<double> logits = random_tensor({5, 7}, random);
  for (double& value : logits.values) value *= 4;
  const std::vector<int> labels = {0, 6, 3, 3, 1};
  const auto loss = [&] { return softmax_cross_entropy(logits, labels).loss; };
  expect_gradient(logits, softmax_cross_entropy(logits, labels).grad_logits, loss, "softmax cross-entropy");
}

TEST(GradientCheck, WholeNetworkOnRandomShapes) {
  Random random(606);
  for (int trial = 0; trial < 3; ++trial) {
    LeNetConfig config;
    config.image_size = 12 + int(random.below(6));  // 12..17: odd sizes exercise the pooling floor
    config.conv1_channels = 1 + int(random.below(3));
    config.conv2_channels = 1 + int(random.below(3));
    config.fc1_features = 3 + int(random.below(6));
    config.fc2_features = 3 + int(random.below(6));
    config.classes = 2 + int(random.below(4));
    LeNet<double> network(config, 700 + trial);
    const int batch = 2;
    const Tensor<double> images = random_tensor({batch, 1, config.image_size, config.image_size}, random);
    const std::vector<int> labels = {0, config.classes - 1};
    const auto loss = [&] { return softmax_cross_entropy(network.forward(images), labels).loss; };
    network.backward(softmax_cross_entropy(network.forward(images), labels).grad_logits);
    for (Parameter<double>* parameter : network.parameters()) {
      const Tensor<double> analytic = parameter->grad;
      expect_gradient(parameter->value, analytic, loss, config.describe() + " " + parameter->name);
    }
  }
}

TEST(Conv2d, IsCrossCorrelationWithZeroPadding) {
  // 1x1x3x3 input 1..9, kernel [[1, 0], [0, -1]], bias 0.5, padding 1, stride 2:
  // outputs at input offsets (-1, -1), (-1, 1), (1, -1), (1, 1) of the kernel's top left.
  Tensor<double> input({1, 1, 3, 3}), weight({1, 1, 2, 2}), bias({1});
  for (int i = 0; i < 9; ++i) input.values[i] = i + 1;
  weight.values = {1, 0, 0, -1};
  bias.values = {0.5};
  const Tensor<double> output = conv2d_forward(input, weight, bias, Conv2dParams{2, 1});
  ASSERT_EQ(output.shape, (std::vector<int>{1, 1, 2, 2}));
  // (0,0): 0*1 - in(0,0)=1 -> -1 ; (0,1): 0 - in(0,2)=3 ; (1,0): 0 - in(2,0)=7 ; (1,1): in(1,1)=5 - in(2,2)=9
  EXPECT_EQ(output.values, (std::vector<double>{-0.5, -2.5, -6.5, -3.5}));
}

TEST(Conv2d, FloatAgreesWithDouble) {
  Random random(808);
  const Tensor<double> input = random_tensor({2, 3, 11, 13}, random), weight = random_tensor({4, 3, 5, 5}, random);
  const Tensor<double> bias = random_tensor({4}, random);
  const Tensor<double> exact = conv2d_forward(input, weight, bias, Conv2dParams{1, 2});
  const Tensor<float> single = conv2d_forward(tensor_cast<float>(input), tensor_cast<float>(weight),
                                              tensor_cast<float>(bias), Conv2dParams{1, 2});
  for (std::size_t i = 0; i < exact.size(); ++i) ASSERT_NEAR(single.values[i], exact.values[i], 1e-5);
}

TEST(MaxPool, FirstMaximumWinsTies) {
  Tensor<double> input({1, 1, 2, 2});
  input.values = {3, 3, 1, 3};
  const Tensor<double> upstream = [] {
    Tensor<double> t({1, 1, 1, 1});
    t.values = {2};
    return t;
  }();
  EXPECT_EQ(max_pool_forward(input, Pool2dParams{2, 2}).values, std::vector<double>{3});
  EXPECT_EQ(max_pool_backward(input, upstream, Pool2dParams{2, 2}).values, (std::vector<double>{2, 0, 0, 0}));
}

// (3 - 4) / 2 + 1 is 1 in C++, which truncates toward zero: a window wider than the input
// must be refused, not read past the tensor's end.
TEST(MaxPool, RefusesAWindowWiderThanTheInputAtAnyStride) {
  const Tensor<double> input({1, 1, 3, 3});
  for (int stride : {1, 2, 3}) EXPECT_THROW(max_pool_forward(input, Pool2dParams{4, stride}), std::exception) << stride;
  EXPECT_EQ(conv_output_size(3, 4, 2, 0), 0);
  EXPECT_EQ(conv_output_size(4, 5, 2, 0), 0);
  EXPECT_EQ(conv_output_size(4, 5, 2, 1), 1) << "padded to 6, the window fits once";
}

TEST(Conv2d, RefusesAFilterWiderThanThePaddedInputAtStride2) {
  const Tensor<double> input({1, 1, 4, 4}), weight({1, 1, 5, 5}), bias({1});
  EXPECT_THROW(conv2d_forward(input, weight, bias, Conv2dParams{2, 0}), std::exception);
}

TEST(SoftmaxCrossEntropy, IsStableForHugeLogits) {
  Tensor<float> logits({2, 3});
  logits.values = {1000.0f, -1000.0f, 0.0f, -3e38f, 3e38f, 0.0f};
  const SoftmaxCrossEntropy<float> result = softmax_cross_entropy(logits, {1, 0});
  EXPECT_TRUE(std::isfinite(result.loss));
  EXPECT_NEAR(result.loss, (2000.0 + 6e38) / 2, 1e33);  // -log p = max - correct logit when p underflows
  for (float g : result.grad_logits.values) EXPECT_TRUE(std::isfinite(g));
  EXPECT_NEAR(result.probabilities.values[0], 1.0f, 1e-6f);
}

TEST(SoftmaxCrossEntropy, UniformLogitsGiveLogOfClassCount) {
  const Tensor<double> logits({4, 10});
  EXPECT_NEAR(softmax_cross_entropy(logits, {0, 1, 2, 9}).loss, std::log(10.0), 1e-12);
}

TEST(HeInit, HasTheRightSpreadAndIsSeeded) {
  Tensor<double> a({200, 50}), b({200, 50});
  Random first(1), second(1);
  he_normal_init(a, 50, first);
  he_normal_init(b, 50, second);
  EXPECT_EQ(a.values, b.values);
  double sum_squares = 0;
  for (double value : a.values) sum_squares += value * value;
  EXPECT_NEAR(sum_squares / a.size(), 2.0 / 50, 0.004);  // variance 2 / fan_in
}

}  // namespace
}  // namespace ladder::nn
