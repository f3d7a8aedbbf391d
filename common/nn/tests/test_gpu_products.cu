// The network's products and convolutions (products.cuh) on shapes LeNet lacks, in fp32 and in
// bf16, through the rungs the network uses by default, against the CPU reference's layers in
// double. The network test reaches them on LeNet's own shapes only. Every output is NaN first:
// the fp32 ones here, and the bf16 scratch the rungs write into when LayerProducts reserves it;
// each case gets products of its own, so a bf16 tile a rung skips shows as NaN, or as another
// of the case's products. Each test skips, saying why, without a GPU.
//
// - A fully connected layer: forward (with and without its ReLU) and all three gradients, on
//   ragged batches, odd widths, and rows too short for 16-byte loads.
// - A convolution's backward-data pass: the filters flipped (conv_backward.hpp), then a forward
//   convolution, on every filter size the conv chapters test, paddings from 0 to R - 1, one and
//   three input channels, odd images, a ragged batch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/conv/conv.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/host_matrix.hpp"
#include "common/core/metrics.hpp"
#include "common/gemm/testing/rung_test.cuh"
#include "common/nn/gpu/conv_backward.hpp"
#include "common/nn/gpu/network.cuh"
#include "common/nn/gpu/products.cuh"
#include "common/nn/layers.hpp"
#include "common/nn/tests/scaled_error.hpp"

namespace ladder::nn::gpu {
namespace {

// fp32: sums of at most a few hundred products, well inside 1e-5 of their largest value. bf16:
// the operands rounded to 8 bits of mantissa (about 0.4 % each) and the result too; a wrong
// transpose, flip, padding or channel order is off by order one.
constexpr double kFp32Error = 1e-5, kBf16Error = 2e-2;

double bound(Precision precision) { return precision == Precision::Fp32 ? kFp32Error : kBf16Error; }

bool skip_bf16_here() { return query_device().compute_capability < 80; }

Tensor<float> random_tensor(const std::vector<int>& shape, std::uint64_t seed) {
  Tensor<float> tensor(shape);
  fill_random(tensor.values, seed);
  return tensor;
}

DeviceBuffer<float> poisoned(std::size_t count) {
  return DeviceBuffer<float>(std::vector<float>(count, poison_value()));
}

// ---- Fully connected layers ----

// {batch, inputs, outputs}
const LinearShape kLinearShapes[] = {
    {37, 400, 120},  // LeNet's fc1 on a ragged batch
    {5, 13, 10},     // odd widths; rows of 10 and 13 floats do not start on 16 bytes
    {1, 7, 3},       // one image
    {64, 84, 10},    // fc3 on a full batch
    {3, 1, 4},       // one input: a sum of one product
    {33, 129, 65},   // every size one past a multiple of 32
    {5, 9, 1},       // one output
};

/// One case of the fully connected tests: a shape, with or without its ReLU, and its random tensors.
struct LinearCase {
  LinearShape shape;
  bool relu = false;
  Tensor<float> input, weight, bias, grad_output;

  std::string where() const {
    return std::to_string(shape.batch) + " x " + std::to_string(shape.inputs) + " -> " + std::to_string(shape.outputs) +
           (relu ? " with ReLU" : "");
  }
  /// The reference's output, in double.
  Tensor<double> expected_output() const {
    const Tensor<double> output =
        linear_forward(tensor_cast<double>(input), tensor_cast<double>(weight), tensor_cast<double>(bias));
    return relu ? relu_forward(output) : output;
  }
};

/// Every shape, without and with its ReLU, each with tensors of its own seeds.
std::vector<LinearCase> linear_cases() {
  std::vector<LinearCase> cases;
  std::uint64_t seed = 40;
  for (const LinearShape& shape : kLinearShapes)
    for (const bool relu : {false, true})
      cases.push_back({shape, relu, random_tensor({shape.batch, shape.inputs}, ++seed),
                       random_tensor({shape.outputs, shape.inputs}, ++seed), random_tensor({shape.outputs}, ++seed),
                       random_tensor({shape.batch, shape.outputs}, ++seed)});
  return cases;
}

// A ReLU case whose outputs the ReLU clips all to zero would pass whatever the product gave:
// each keeps some. And some case clips some, or the ReLU itself goes untested. No GPU needed.
TEST(GpuLinearCases, EachReluCaseKeepsSomeOutputsAndSomeCaseClipsSome) {
  int clipped = 0;
  for (const LinearCase& c : linear_cases()) {
    if (!c.relu) continue;
    const std::vector<double>& output = c.expected_output().values;
    EXPECT_GT(*std::max_element(output.begin(), output.end()), 0.0) << c.where() << ": every output clipped";
    clipped += int(std::count(output.begin(), output.end(), 0.0));
  }
  EXPECT_GT(clipped, 0);
}

/// The layer's forward pass and gradients, each downloaded from the GPU.
struct LinearResult {
  std::vector<float> output, grad_input, grad_weight, grad_bias;
};

LinearResult linear_on_gpu(LayerProducts& products, const LinearCase& c) {
  const LinearShape& shape = c.shape;
  const std::size_t batch = std::size_t(shape.batch), inputs = std::size_t(shape.inputs),
                    outputs = std::size_t(shape.outputs);
  DeviceBuffer<float> input_d(c.input.values), weight_d(c.weight.values), bias_d(c.bias.values),
      grad_output_d(c.grad_output.values);
  DeviceBuffer<float> output_d = poisoned(batch * outputs), grad_input_d = poisoned(batch * inputs),
                      grad_weight_d = poisoned(outputs * inputs), grad_bias_d = poisoned(outputs);
  products.linear_forward(shape, input_d.data(), weight_d.data(), bias_d.data(), c.relu, output_d.data(), "fc");
  products.linear_backward(shape, input_d.data(), weight_d.data(), grad_output_d.data(), grad_input_d.data(),
                           grad_weight_d.data(), grad_bias_d.data(), "fc");
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  return {output_d.download(), grad_input_d.download(), grad_weight_d.download(), grad_bias_d.download()};
}

void check_linear(Precision precision) {
  std::set<std::string> rungs_run;
  for (const LinearCase& c : linear_cases()) {
    LayerProducts products(find_kernels(precision), nullptr);
    products.reserve_linear(c.shape);
    const LayerGradients<double> expected = linear_backward(tensor_cast<double>(c.input), tensor_cast<double>(c.weight),
                                                            tensor_cast<double>(c.grad_output));
    const LinearResult got = linear_on_gpu(products, c);
    EXPECT_LT(scaled_error(got.output, tensor_cast<float>(c.expected_output()).values), bound(precision))
        << "output, " << c.where();
    EXPECT_LT(scaled_error(got.grad_input, tensor_cast<float>(expected.input).values), bound(precision))
        << "dL/dX, " << c.where();
    EXPECT_LT(scaled_error(got.grad_weight, tensor_cast<float>(expected.weight).values), bound(precision))
        << "dL/dW, " << c.where();
    // The bias gradient is a plain fp32 sum in either precision (channel_sums).
    EXPECT_LT(scaled_error(got.grad_bias, tensor_cast<float>(expected.bias).values), kFp32Error)
        << "dL/db, " << c.where();
    for (const auto& choice : products.rung_choices()) rungs_run.insert(choice.second);
  }
  // Every rung of the list that runs on this GPU ran something: the shapes reach past the
  // first rung's needs (06e's 16-byte rows in fp32) to the next.
  const int compute_capability = query_device().compute_capability;
  for (const GemmRung& rung : find_kernels(precision).gemms) {
    const GemmRequirements& needs = rung.requirements;
    if (compute_capability < needs.min_compute_capability ||
        (needs.max_compute_capability != 0 && compute_capability > needs.max_compute_capability))
      continue;
    EXPECT_EQ(rungs_run.count(rung.name), 1u) << rung.name << " ran none of the products";
  }
}

TEST(GpuLinear, Fp32ForwardAndGradientsMatchTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  check_linear(Precision::Fp32);
}

TEST(GpuLinear, Bf16ForwardAndGradientsMatchTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  if (skip_bf16_here()) GTEST_SKIP() << "the bf16 GEMM rungs need compute capability 8.0";
  check_linear(Precision::Bf16);
}

TEST(GpuLinear, AProductLargerThanReservedIsRefused) {
  LADDER_SKIP_WITHOUT_GPU();
  for (const Precision precision : {Precision::Fp32, Precision::Bf16}) {
    if (precision == Precision::Bf16 && skip_bf16_here()) continue;
    LayerProducts products(find_kernels(precision), nullptr);
    products.reserve_linear({8, 16, 4});
    // A batch of 16: dY^T (fp32), or the padded bf16 result of dX (bf16), outgrows its scratch,
    // and the check comes before the transpose or the conversion that would write past it.
    DeviceBuffer<float> input(16 * 16), weight(4 * 16), grad_output(16 * 4), grad_input(16 * 16), grad_weight(4 * 16),
        grad_bias(4);
    try {
      products.linear_backward({16, 16, 4}, input.data(), weight.data(), grad_output.data(), grad_input.data(),
                               grad_weight.data(), grad_bias.data(), "fc");
      ADD_FAILURE() << to_string(precision) << ": a batch of 16 ran on scratch reserved for 8";
    } catch (const std::logic_error& e) {
      EXPECT_NE(std::string(e.what()).find("were reserved"), std::string::npos) << e.what();
    }
    EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  }
}

// ---- A convolution's backward-data pass ----

// Forward problems {N, C, H, W, K, R, S, stride, padding}: stride 1 and square filters, which
// backward data as a convolution needs (backward_data_unsupported_reason).
const ConvProblem kForwardProblems[] = {
    {37, 6, 14, 14, 16, 5, 5, 1, 0},  // LeNet's conv2 on a ragged batch
    {3, 3, 13, 11, 5, 3, 3, 1, 1},    // three input channels, odd image, K not a multiple of 8
    {2, 1, 15, 9, 4, 7, 7, 1, 3},     // one input channel, 7 x 7 with "same" padding
    {2, 8, 9, 9, 16, 5, 5, 1, 2},     // K a multiple of 8: the bf16 list's first rung takes it
    {4, 16, 7, 7, 8, 1, 1, 1, 0},     // 1 x 1
    {1, 2, 6, 5, 3, 3, 3, 1, 2},      // N = 1, padding R - 1: the backward pass pads by 0
};

void check_backward_data(Precision precision) {
  for (const ConvProblem& forward : kForwardProblems) {
    ASSERT_EQ(backward_data_unsupported_reason(forward), std::nullopt) << describe(forward);
    const ConvProblem backward = backward_data_problem(forward);
    const Tensor<float> grad_y = random_tensor({forward.n, forward.k, forward.p(), forward.q()}, 31),
                        filters = random_tensor({forward.k, forward.c, forward.r, forward.s}, 32);
    const Tensor<double> expected =
        conv2d_backward_data(tensor_cast<double>(grad_y), tensor_cast<double>(filters),
                             {forward.n, forward.c, forward.h, forward.w}, Conv2dParams{1, forward.padding});
    LayerProducts products(find_kernels(precision), nullptr);
    products.reserve_conv(backward);
    DeviceBuffer<float> grad_y_d(grad_y.values), filters_d(filters.values);
    DeviceBuffer<float> grad_x_d = poisoned(forward.input_elements());
    products.conv(backward, grad_y_d.data(), filters_d.data(), forward, true, grad_x_d.data(), "backward data");
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess) << describe(forward);
    const std::string rung = products.rung_choices().at(0).second;
    EXPECT_LT(scaled_error(grad_x_d.download(), tensor_cast<float>(expected).values), bound(precision))
        << describe(forward) << " on " << rung;
  }
}

TEST(GpuBackwardData, Fp32ThroughTheNetworksConvRungsMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  check_backward_data(Precision::Fp32);
}

TEST(GpuBackwardData, Bf16ThroughTheNetworksConvRungsMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  if (skip_bf16_here()) GTEST_SKIP() << "the bf16 conv rungs need compute capability 8.0";
  check_backward_data(Precision::Bf16);
}

}  // namespace
}  // namespace ladder::nn::gpu
