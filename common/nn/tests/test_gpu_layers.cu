// Chapter 14's GPU layers (common/nn/gpu/layers.cuh) against their CPU references
// (common/nn/layers.hpp, optimizer.hpp), on random inputs, with every output poisoned
// (NaN) first. Each test skips, saying why, without a GPU; the size checks run anywhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/core/device_buffer.cuh"
#include "common/core/metrics.hpp"
#include "common/gemm/elements.cuh"
#include "common/gemm/testing/rung_test.cuh"
#include "common/nn/gpu/bf16_layout.cuh"
#include "common/nn/gpu/conv_backward.hpp"
#include "common/nn/gpu/layers.cuh"
#include "common/nn/layers.hpp"
#include "common/nn/network.hpp"
#include "common/nn/optimizer.hpp"

namespace ladder::nn::gpu {
namespace {

std::vector<float> random_values(std::size_t count, std::uint64_t seed, float scale = 1.0f) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> values(count);
  for (float& v : values) v = normal(engine);
  return values;
}

std::vector<float> poison(std::size_t count) { return std::vector<float>(count, poison_value()); }

/// Largest |a - b| / max(1, |b|); NaN anywhere, or a size that differs, counts as infinitely wrong.
double worst_error(const std::vector<float>& got, const std::vector<double>& expected) {
  if (got.size() != expected.size()) return INFINITY;
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i])) return INFINITY;
    worst = std::max(worst, std::abs(double(got[i]) - expected[i]) / std::max(1.0, std::abs(expected[i])));
  }
  return worst;
}

template <typename T>
std::vector<double> as_double(const std::vector<T>& values) {
  return std::vector<double>(values.begin(), values.end());
}

TEST(GpuLayersChecks, BadSizesAreRejectedWithAReason) {
  PoolShape shape{1, 1, 3, 3, 5, 1};  // a 5x5 window on a 3x3 input
  try {
    max_pool_forward(nullptr, nullptr, nullptr, shape, nullptr);
    FAIL() << "accepted a window larger than the input";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("larger than the 3x3 input"), std::string::npos) << e.what();
  }
  shape = {1, 1, 4, 4, 2, 0};
  EXPECT_THROW(max_pool_forward(nullptr, nullptr, nullptr, shape, nullptr), std::invalid_argument);
  const float bias = 0.0f;  // a pointer that is not null; nothing is launched
  EXPECT_THROW(bias_relu_max_pool_forward(nullptr, &bias, nullptr, nullptr, shape, nullptr), std::invalid_argument);
  EXPECT_THROW(bias_relu_max_pool_forward(nullptr, &bias, nullptr, nullptr, PoolShape{1, 0, 4, 4, 2, 2}, nullptr),
               std::invalid_argument);
  EXPECT_THROW(bias_relu_max_pool_forward(nullptr, nullptr, nullptr, nullptr, PoolShape{1, 1, 4, 4, 2, 2}, nullptr),
               std::invalid_argument);
  EXPECT_THROW(softmax_cross_entropy(nullptr, nullptr, 0, 10, nullptr, nullptr, nullptr, nullptr),
               std::invalid_argument);
  EXPECT_THROW(mean(nullptr, 0, nullptr, nullptr), std::invalid_argument);
  AdamStep step;
  step.step = 0;
  EXPECT_THROW(adam_step(nullptr, nullptr, nullptr, nullptr, 4, step, nullptr), std::invalid_argument);
}

TEST(GpuLayersChecks, BadGradientShapesAreRejectedWithAReason) {
  EXPECT_THROW(channel_sums(nullptr, 0, 4, 4, nullptr, nullptr), std::invalid_argument);
  EXPECT_THROW(transpose(nullptr, 0, 4, nullptr, nullptr), std::invalid_argument);
  EXPECT_THROW(add_bias(nullptr, nullptr, 1, 0, 1, true, nullptr), std::invalid_argument);
  try {
    conv2d_backward_weight(nullptr, nullptr, ConvProblem{1, 1, 20, 20, 1, 9, 9, 1, 0}, nullptr, nullptr, nullptr,
                           nullptr);
    FAIL() << "accepted a 9x9 filter";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("up to 7x7"), std::string::npos) << e.what();
  }
  EXPECT_THROW(flip_filters(nullptr, ConvProblem{1, 1, 2, 2, 1, 3, 3, 1, 0}, nullptr, nullptr),
               std::invalid_argument);  // a 3x3 filter on a 2x2 image
}

// The slices depend on the problem alone (never on the GPU), never exceed 64, and grow with the batch.
TEST(GpuLayersChecks, BackwardWeightSlicesDependOnTheProblemOnly) {
  const ConvProblem conv1{256, 1, 28, 28, 6, 5, 5, 1, 2}, conv2{256, 6, 14, 14, 16, 5, 5, 1, 0};
  EXPECT_EQ(conv2d_backward_weight_slices(conv1), 43);  // 256 blocks / 6 pairs, rounded up
  EXPECT_EQ(conv2d_backward_weight_slices(conv2), 3);
  EXPECT_EQ(conv2d_backward_weight_slices(ConvProblem{1, 1, 4, 4, 1, 3, 3, 1, 0}), 1);
  int previous = 1;
  for (int batch = 1; batch <= 512; batch *= 2) {
    const int slices = conv2d_backward_weight_slices({batch, 1, 28, 28, 6, 5, 5, 1, 2});
    EXPECT_GE(slices, previous);
    EXPECT_LE(slices, 64);
    previous = slices;
  }
  EXPECT_EQ(conv2d_backward_weight_partials(conv2), 3u * (conv2.filter_elements() + 16));  // the taps, then the biases
}

TEST(GpuLayers, BiasWithAndWithoutReluMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  for (const bool relu : {true, false}) {
    const int batch = 5, channels = 7, plane = 33;
    const std::vector<float> values = random_values(std::size_t(batch) * channels * plane, 20);
    const std::vector<float> bias = random_values(channels, 21);
    DeviceBuffer<float> values_d(values), bias_d(bias);
    add_bias(values_d.data(), bias_d.data(), batch, channels, plane, relu, nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    std::vector<float> expected = values;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      expected[i] += bias[i / plane % channels];
      if (relu && !(expected[i] > 0.0f)) expected[i] = 0.0f;
    }
    EXPECT_EQ(values_d.download(), expected) << (relu ? "with" : "without") << " ReLU";
  }
}

// Shapes that fill no tile exactly, a single row and a single column.
TEST(GpuLayers, TransposeMovesEveryElement) {
  LADDER_SKIP_WITHOUT_GPU();
  for (const auto [rows, cols] : {std::pair{37, 70}, std::pair{1, 100}, std::pair{100, 1}, std::pair{256, 120}}) {
    const std::vector<float> in = random_values(std::size_t(rows) * cols, 22);
    DeviceBuffer<float> in_d(in), out_d(poison(in.size()));
    transpose(in_d.data(), rows, cols, out_d.data(), nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    const std::vector<float> out = out_d.download();
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c)
        ASSERT_EQ(out[std::size_t(c) * rows + r], in[std::size_t(r) * cols + c]) << rows << "x" << cols;
  }
}

// The weight and bias gradients on LeNet's two convolutions at a ragged batch, a strided
// padded one and a 7x7 filter, and the bias gradient of a fully connected layer, against
// the CPU reference in double; the convolutions' twice, for the same bits.
TEST(GpuLayers, ConvGradientsMatchTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  for (const ConvProblem problem :
       {ConvProblem{37, 1, 28, 28, 6, 5, 5, 1, 2}, ConvProblem{37, 6, 14, 14, 16, 5, 5, 1, 0},
        ConvProblem{3, 4, 13, 11, 5, 3, 3, 2, 1}, ConvProblem{2, 2, 15, 15, 3, 7, 7, 1, 3}}) {
    Tensor<float> x({problem.n, problem.c, problem.h, problem.w});
    x.values = random_values(x.size(), 23);
    Tensor<float> grad_y({problem.n, problem.k, problem.p(), problem.q()});
    grad_y.values = random_values(grad_y.size(), 24);
    const Tensor<double> x64 = tensor_cast<double>(x), grad_y64 = tensor_cast<double>(grad_y);
    const Conv2dParams params{problem.stride, problem.padding};
    const Tensor<double> expected_w =
        conv2d_backward_weight(x64, grad_y64, {problem.k, problem.c, problem.r, problem.s}, params);
    const Tensor<double> expected_b = conv2d_backward_bias(grad_y64);
    DeviceBuffer<float> x_d(x.values), grad_y_d(grad_y.values), partials_d(conv2d_backward_weight_partials(problem));
    DeviceBuffer<float> grad_w_d(poison(expected_w.size())), again_d(poison(expected_w.size())),
        grad_b_d(poison(problem.k)), bias_again_d(poison(problem.k));
    conv2d_backward_weight(x_d.data(), grad_y_d.data(), problem, partials_d.data(), grad_w_d.data(), grad_b_d.data(),
                           nullptr);
    conv2d_backward_weight(x_d.data(), grad_y_d.data(), problem, partials_d.data(), again_d.data(), bias_again_d.data(),
                           nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    const std::vector<float> grad_w = grad_w_d.download(), again = again_d.download();
    const std::vector<float> grad_b = grad_b_d.download(), bias_again = bias_again_d.download();
    // Sums of up to 29,008 products of N(0, 1) values, about 170 in size: fp32 sums of a few
    // hundred terms each, then a tree, land within 1e-6 of that; a wrong tap is off by O(1).
    EXPECT_LT(worst_error(grad_w, expected_w.values), 1e-4) << describe(problem);
    EXPECT_LT(worst_error(grad_b, expected_b.values), 1e-4) << describe(problem);
    EXPECT_EQ(std::memcmp(grad_w.data(), again.data(), grad_w.size() * sizeof(float)), 0) << "the same bits";
    EXPECT_EQ(std::memcmp(grad_b.data(), bias_again.data(), grad_b.size() * sizeof(float)), 0) << "the same bits";
  }
  // A fully connected layer's bias gradient: dY (batch, features) summed over the batch.
  const int batch = 67, features = 84;
  const std::vector<float> grad_y = random_values(std::size_t(batch) * features, 25);
  std::vector<double> expected(features, 0.0);
  for (std::size_t i = 0; i < grad_y.size(); ++i) expected[i % features] += grad_y[i];
  DeviceBuffer<float> grad_y_d(grad_y), sums_d(poison(features));
  channel_sums(grad_y_d.data(), batch, features, 1, sums_d.data(), nullptr);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_LT(worst_error(sums_d.download(), expected), 1e-5);
}

// flip_filters on the GPU puts every tap where conv_backward.hpp says (the CPU test checks
// that a forward convolution with those filters is the backward-data pass).
TEST(GpuLayers, FlipFiltersFollowsTheIndexMap) {
  LADDER_SKIP_WITHOUT_GPU();
  const ConvProblem forward{4, 6, 14, 14, 16, 5, 5, 1, 0};
  const std::vector<float> filters = random_values(forward.filter_elements(), 26);
  DeviceBuffer<float> filters_d(filters), flipped_d(poison(filters.size()));
  flip_filters(filters_d.data(), forward, flipped_d.data(), nullptr);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  const std::vector<float> flipped = flipped_d.download();
  std::size_t i = 0;
  for (int k = 0; k < forward.k; ++k)
    for (int c = 0; c < forward.c; ++c)
      for (int r = 0; r < forward.r; ++r)
        for (int s = 0; s < forward.s; ++s) ASSERT_EQ(flipped[flipped_filter_index(forward, k, c, r, s)], filters[i++]);
}

TEST(GpuLayers, ReluMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  const std::size_t count = 1000003;  // not a multiple of anything; more than one grid-stride pass
  Tensor<float> x({int(count)});
  x.values = random_values(count, 1);
  Tensor<float> grad_y({int(count)});
  grad_y.values = random_values(count, 2);
  DeviceBuffer<float> x_d(x.values), grad_y_d(grad_y.values), y_d(poison(count)), grad_x_d(poison(count));
  relu_forward(x_d.data(), y_d.data(), count, nullptr);
  relu_backward(x_d.data(), grad_y_d.data(), grad_x_d.data(), count, nullptr);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(y_d.download(), relu_forward(x).values);
  EXPECT_EQ(grad_x_d.download(), relu_backward(x, grad_y).values);
}

// LeNet's 2x2 / 2 pooling, an odd input that leaves a remainder, and overlapping 3x3 / 2
// windows, where one input can be the maximum of several windows; ties from repeated values.
TEST(GpuLayers, MaxPoolMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  for (const PoolShape shape : {PoolShape{5, 6, 28, 28, 2, 2}, PoolShape{3, 2, 13, 11, 2, 2},
                                PoolShape{2, 3, 9, 10, 3, 2}, PoolShape{1, 1, 7, 7, 3, 1}}) {
    Tensor<float> x({shape.batch, shape.channels, shape.height, shape.width});
    x.values = random_values(x.size(), 3);
    for (std::size_t i = 0; i < x.size(); i += 7) x.values[i] = 0.5f;  // ties
    const Pool2dParams params{shape.window, shape.stride};
    const Tensor<float> y = max_pool_forward(x, params);
    Tensor<float> grad_y(y.shape);
    grad_y.values = random_values(y.size(), 4);
    DeviceBuffer<float> x_d(x.values), y_d(poison(y.size())), grad_y_d(grad_y.values), grad_x_d(poison(x.size()));
    DeviceBuffer<int> argmax_d(std::vector<int>(y.size(), -1));
    max_pool_forward(x_d.data(), y_d.data(), argmax_d.data(), shape, nullptr);
    max_pool_backward(grad_y_d.data(), argmax_d.data(), grad_x_d.data(), shape, nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    EXPECT_EQ(y_d.download(), y.values) << "window " << shape.window << " stride " << shape.stride;
    // The CPU adds overlapping windows' gradients in window order, the GPU in the same order.
    EXPECT_EQ(grad_x_d.download(), max_pool_backward(x, grad_y, params).values)
        << "window " << shape.window << " stride " << shape.stride;
  }
}

// The conv blocks' fused pool against the unfused chain on the CPU: bias and ReLU, pool,
// then pool backward and ReLU backward. One channel's bias is so negative that the ReLU
// clamps whole windows (no gradient may pass), another's so positive that none is clamped;
// overlapping windows and ties as above. Both outputs must match bit for bit, and the
// convolution's output, which the fused form only reads, must be left as it was.
TEST(GpuLayers, BiasReluMaxPoolMatchesBiasThenReluThenPool) {
  LADDER_SKIP_WITHOUT_GPU();
  for (const PoolShape shape : {PoolShape{5, 6, 28, 28, 2, 2}, PoolShape{3, 3, 13, 11, 2, 2},
                                PoolShape{2, 3, 9, 10, 3, 2}, PoolShape{1, 4, 7, 7, 3, 1}}) {
    const int plane = shape.height * shape.width;
    Tensor<float> x({shape.batch, shape.channels, shape.height, shape.width});
    x.values = random_values(x.size(), 8);
    for (std::size_t i = 0; i < x.size(); i += 7) x.values[i] = 0.5f;  // ties
    std::vector<float> bias = random_values(std::size_t(shape.channels), 9);
    bias[0] = -100.0f;                         // every window clamped
    if (shape.channels > 1) bias[1] = 100.0f;  // none clamped
    Tensor<float> activated = x;               // add_bias's arithmetic, then the ReLU
    for (std::size_t i = 0; i < x.size(); ++i) {
      const float value = x.values[i] + bias[i / plane % shape.channels];
      activated.values[i] = value > 0.0f ? value : 0.0f;
    }
    const Pool2dParams params{shape.window, shape.stride};
    const Tensor<float> y = max_pool_forward(activated, params);
    Tensor<float> grad_y(y.shape);
    grad_y.values = random_values(y.size(), 10);
    const Tensor<float> grad_x = relu_backward(activated, max_pool_backward(activated, grad_y, params));

    DeviceBuffer<float> x_d(x.values), bias_d(bias), y_d(poison(y.size())), grad_y_d(grad_y.values),
        grad_x_d(poison(x.size()));
    DeviceBuffer<int> argmax_d(std::vector<int>(y.size(), 12345));
    bias_relu_max_pool_forward(x_d.data(), bias_d.data(), y_d.data(), argmax_d.data(), shape, nullptr);
    max_pool_backward(grad_y_d.data(), argmax_d.data(), grad_x_d.data(), shape, nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    const std::string where = "window " + std::to_string(shape.window) + " stride " + std::to_string(shape.stride);
    EXPECT_EQ(y_d.download(), y.values) << where;
    EXPECT_EQ(grad_x_d.download(), grad_x.values) << where;
    EXPECT_EQ(x_d.download(), x.values) << where << ": the fused pool wrote to its input";
    const std::vector<int> argmax = argmax_d.download();
    const std::size_t window_count = y.size() / std::size_t(shape.batch * shape.channels);
    for (std::size_t o = 0; o < window_count; ++o)  // image 0, channel 0: every window clamped
      EXPECT_EQ(argmax[o], kNoGradient) << where << ", window " << o;
  }
}

// Random logits, logits 10^4 apart (exp would overflow without the maximum subtracted), a
// row of equal logits, more classes than a warp has lanes, and a label out of range.
TEST(GpuLayers, SoftmaxCrossEntropyMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  for (const int classes : {10, 1, 33, 100}) {
    const int batch = 67;
    Tensor<float> logits({batch, classes});
    logits.values = random_values(logits.size(), 5, 3.0f);
    for (int j = 0; j < classes; ++j) logits.values[j] = 1e4f * float(j % 3);          // row 0: huge spread
    for (int j = 0; j < classes; ++j) logits.values[std::size_t(classes) + j] = 2.0f;  // row 1: all equal
    std::vector<int> labels(batch);
    for (int n = 0; n < batch; ++n) labels[n] = (n * 7) % classes;
    const SoftmaxCrossEntropy<double> expected = softmax_cross_entropy(tensor_cast<double>(logits), labels);
    DeviceBuffer<float> logits_d(logits.values), probabilities_d(poison(logits.size())), grad_d(poison(logits.size())),
        loss_d(poison(batch)), mean_d(poison(1));
    DeviceBuffer<int> labels_d(labels);
    softmax_cross_entropy(logits_d.data(), labels_d.data(), batch, classes, probabilities_d.data(), grad_d.data(),
                          loss_d.data(), nullptr);
    mean(loss_d.data(), batch, mean_d.data(), nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    EXPECT_LT(worst_error(probabilities_d.download(), expected.probabilities.values), 1e-5) << classes << " classes";
    EXPECT_LT(worst_error(grad_d.download(), expected.grad_logits.values), 1e-6) << classes << " classes";
    EXPECT_NEAR(mean_d.download()[0], expected.loss, 1e-4 * std::max(1.0, expected.loss)) << classes << " classes";
    // A data-parallel shard: the gradient is of the mean over the whole batch of all shards,
    // here twice this one's, so half the shard-mean gradient.
    DeviceBuffer<float> shard_grad_d(poison(logits.size()));
    softmax_cross_entropy(logits_d.data(), labels_d.data(), batch, classes, probabilities_d.data(), shard_grad_d.data(),
                          loss_d.data(), nullptr, 2 * batch);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    std::vector<double> half_grad = expected.grad_logits.values;
    for (double& g : half_grad) g /= 2;
    EXPECT_LT(worst_error(shard_grad_d.download(), half_grad), 1e-6) << classes << " classes, mean over 2 shards";
  }
  // A label out of range: that row's loss is NaN, the others are not. The loss starts finite
  // (-1), not poisoned: NaN is the answer here, so NaN poison would pass unwritten.
  const std::vector<float> logits = random_values(2 * 10, 6);
  DeviceBuffer<float> logits_d(logits), p_d(poison(20)), g_d(poison(20)), loss_d(std::vector<float>(2, -1.0f));
  DeviceBuffer<int> labels_d(std::vector<int>{3, 10});
  softmax_cross_entropy(logits_d.data(), labels_d.data(), 2, 10, p_d.data(), g_d.data(), loss_d.data(), nullptr);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  const std::vector<float> loss = loss_d.download();
  EXPECT_TRUE(std::isfinite(loss[0]) && loss[0] >= 0) << loss[0];
  EXPECT_TRUE(std::isnan(loss[1]));
}

TEST(GpuLayers, MeanIsDeterministicAndAccurate) {
  LADDER_SKIP_WITHOUT_GPU();
  const int count = 60001;
  const std::vector<float> values = random_values(count, 7, 10.0f);
  double expected = 0;
  for (float v : values) expected += v;
  expected /= count;
  DeviceBuffer<float> values_d(values), first_d(poison(1)), second_d(poison(1));
  mean(values_d.data(), count, first_d.data(), nullptr);
  mean(values_d.data(), count, second_d.data(), nullptr);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  const float first = first_d.download()[0], second = second_d.download()[0];
  EXPECT_EQ(std::memcmp(&first, &second, sizeof first), 0) << "the same inputs, the same bits";
  EXPECT_NEAR(first, expected, 1e-3);
}

// Five steps of each optimizer on a weight and a bias (weight decay applies to the weight
// only), against the CPU optimizers, whose state is double.
TEST(GpuLayers, OptimizersMatchTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  for (const bool adam : {false, true}) {
    const std::size_t count = 5000;
    Parameter<float> weight{"conv1.weight", Tensor<float>({int(count)}), Tensor<float>({int(count)})};
    Parameter<float> bias{"conv1.bias", Tensor<float>({int(count)}), Tensor<float>({int(count)})};
    weight.value.values = random_values(count, 8);
    bias.value.values = random_values(count, 9);
    const double learning_rate = adam ? 1e-3 : 0.05, weight_decay = 0.01;
    const std::unique_ptr<Optimizer<float>> reference =
        make_optimizer<float>(adam ? "adam" : "sgd", learning_rate, weight_decay);
    DeviceBuffer<float> w_d(weight.value.values), b_d(bias.value.values), g_d(count);
    DeviceBuffer<float> w_state1(std::vector<float>(count, 0.0f)), w_state2(std::vector<float>(count, 0.0f));
    DeviceBuffer<float> b_state1(std::vector<float>(count, 0.0f)), b_state2(std::vector<float>(count, 0.0f));
    for (int step = 1; step <= 5; ++step) {
      weight.grad.values = random_values(count, 100 + step);
      bias.grad.values = random_values(count, 200 + step);
      reference->step({&weight, &bias});
      for (const bool is_weight : {true, false}) {
        g_d.upload(is_weight ? weight.grad.values : bias.grad.values);
        float* values = is_weight ? w_d.data() : b_d.data();
        float* state1 = is_weight ? w_state1.data() : b_state1.data();
        const float decay = is_weight ? float(weight_decay) : 0.0f;
        if (adam) {
          AdamStep hyper;
          hyper.learning_rate = float(learning_rate);
          hyper.decay = decay;
          hyper.step = step;
          adam_step(values, g_d.data(), state1, is_weight ? w_state2.data() : b_state2.data(), count, hyper, nullptr);
        } else {
          sgd_momentum_step(values, g_d.data(), state1, count, float(learning_rate), 0.9f, decay, nullptr);
        }
        ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);  // g_d is reused by the next upload
      }
    }
    EXPECT_LT(worst_error(w_d.download(), as_double(weight.value.values)), 1e-5) << (adam ? "adam" : "sgd");
    EXPECT_LT(worst_error(b_d.download(), as_double(bias.value.values)), 1e-5) << (adam ? "adam" : "sgd");
  }
}

// The overloads a CUDA graph uses, with the learning rate and corrections read from device
// memory, against the ones given them by value: the same bits, step after step.
TEST(GpuLayers, DeviceScalarUpdatesEqualHostScalarUpdates) {
  LADDER_SKIP_WITHOUT_GPU();
  const std::size_t count = 3001;
  for (const bool adam : {false, true}) {
    const std::vector<float> initial = random_values(count, 30);
    DeviceBuffer<float> by_value(initial), by_device(initial), grads(count);
    DeviceBuffer<float> state_a(std::vector<float>(count, 0.0f)), state_b(std::vector<float>(count, 0.0f));
    DeviceBuffer<float> second_a(std::vector<float>(count, 0.0f)), second_b(std::vector<float>(count, 0.0f));
    DeviceBuffer<StepScalars> scalars(1);
    for (long step = 1; step <= 3; ++step) {
      grads.upload(random_values(count, 40 + std::uint64_t(step)));
      const float rate = 0.01f / float(step);  // a schedule: a new rate every step
      AdamStep hyper;
      hyper.learning_rate = rate;
      hyper.decay = 0.01f;
      hyper.step = step;
      const StepScalars now = adam ? adam_scalars(rate, hyper.beta1, hyper.beta2, step) : StepScalars{rate, 1, 1};
      scalars.upload(std::vector<StepScalars>{now});
      if (adam) {
        adam_step(by_value.data(), grads.data(), state_a.data(), second_a.data(), count, hyper, nullptr);
        adam_step(by_device.data(), grads.data(), state_b.data(), second_b.data(), count, hyper, scalars.data(),
                  nullptr);
      } else {
        sgd_momentum_step(by_value.data(), grads.data(), state_a.data(), count, rate, 0.9f, 0.01f, nullptr);
        sgd_momentum_step(by_device.data(), grads.data(), state_b.data(), count, scalars.data(), 0.9f, 0.01f, nullptr);
      }
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    }
    const std::vector<float> a = by_value.download(), b = by_device.download();
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0) << (adam ? "adam" : "sgd");
    EXPECT_NE(a, initial);
  }
  EXPECT_THROW(
      sgd_momentum_step(nullptr, nullptr, nullptr, 4, static_cast<const StepScalars*>(nullptr), 0.9f, 0.0f, nullptr),
      std::invalid_argument);
}

// The bf16 operands, against conversions on the host (cuda_bf16.h's, round to nearest even):
// matrices as they are and transposed, with zeros in the padding; NCHW to NHWC and back; the
// filters in KRSC and flipped.
TEST(GpuLayers, Bf16ConversionsPutEveryValueWhereItBelongs) {
  LADDER_SKIP_WITHOUT_GPU();
  const int rows = 37, cols = 13, ld = bf16_leading_dimension(rows);  // ld for the transposed case, the wider
  const std::vector<float> matrix = random_values(std::size_t(rows) * cols, 50);
  const std::vector<float> rounded = to_floats(to_elements<__nv_bfloat16>(matrix));
  DeviceBuffer<float> matrix_d(matrix), back_d(poison(matrix.size()));
  for (const bool transposed : {false, true}) {
    const int out_rows = transposed ? cols : rows, out_cols = transposed ? rows : cols;
    DeviceBuffer<__nv_bfloat16> bf16_d(std::size_t(out_rows) * ld);
    ASSERT_EQ(cudaMemset(bf16_d.data(), 0xFF, bf16_d.bytes()), cudaSuccess);  // NaN: the padding's zeros are written
    to_bf16_matrix(matrix_d.data(), rows, cols, transposed, bf16_d.data(), ld, nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    const std::vector<float> got = to_floats(bf16_d.download());
    for (int r = 0; r < out_rows; ++r)
      for (int c = 0; c < ld; ++c) {
        const float expected = c >= out_cols ? 0.0f
                               : transposed  ? rounded[std::size_t(c) * cols + r]
                                             : rounded[std::size_t(r) * cols + c];
        ASSERT_EQ(got[std::size_t(r) * ld + c], expected) << (transposed ? "transposed " : "") << r << "," << c;
      }
    if (!transposed) {
      from_bf16_matrix(bf16_d.data(), rows, cols, ld, back_d.data(), nullptr);
      ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
      EXPECT_EQ(back_d.download(), rounded);
    }
  }
  // NCHW fp32 -> NHWC bf16 -> NCHW fp32 is bf16 rounding, element by element; NHWC order checked once.
  const int n = 3, c = 5, h = 7, w = 6;
  const std::vector<float> nchw = random_values(std::size_t(n) * c * h * w, 51);
  DeviceBuffer<float> nchw_d(nchw), again_d(poison(nchw.size()));
  DeviceBuffer<__nv_bfloat16> nhwc_d(nchw.size());
  nchw_to_nhwc_bf16(nchw_d.data(), n, c, h, w, nhwc_d.data(), nullptr);
  nhwc_bf16_to_nchw(nhwc_d.data(), n, c, h, w, again_d.data(), nullptr);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(again_d.download(), to_floats(to_elements<__nv_bfloat16>(nchw)));
  const std::vector<float> nhwc = to_floats(nhwc_d.download());
  EXPECT_EQ(nhwc[((std::size_t(2) * h + 3) * w + 4) * c + 1],  // (n 2, y 3, x 4, channel 1)
            to_floats(to_elements<__nv_bfloat16>({nchw[((std::size_t(2) * c + 1) * h + 3) * w + 4]}))[0]);
  // Filters: each tap where krsc_index says.
  const ConvProblem forward{1, 6, 14, 14, 16, 5, 5, 1, 0};
  const std::vector<float> filters = random_values(forward.filter_elements(), 52);
  const std::vector<float> filters_rounded = to_floats(to_elements<__nv_bfloat16>(filters));
  DeviceBuffer<float> filters_d(filters);
  for (const bool flipped : {false, true}) {
    DeviceBuffer<__nv_bfloat16> krsc_d(filters.size());
    filters_to_krsc_bf16(filters_d.data(), forward, flipped, krsc_d.data(), nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    const std::vector<float> krsc = to_floats(krsc_d.download());
    std::size_t i = 0;
    for (int k = 0; k < forward.k; ++k)
      for (int ch = 0; ch < forward.c; ++ch)
        for (int r = 0; r < forward.r; ++r)
          for (int s = 0; s < forward.s; ++s, ++i)
            ASSERT_EQ(krsc[krsc_index(forward, flipped, k, ch, r, s)], filters_rounded[i]) << flipped;
  }
}

}  // namespace
}  // namespace ladder::nn::gpu
