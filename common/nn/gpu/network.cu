#include "common/nn/gpu/network.cuh"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "common/core/cuda_check.cuh"
#include "common/nn/gpu/conv_backward.hpp"
#include "common/nn/gpu/launch.cuh"
#include "common/nn/gpu/layers.cuh"

namespace ladder::nn::gpu {
namespace {

// Parameter indices, in the CPU network's order: each weight is followed by its bias.
enum Param { kConv1W = 0, kConv2W = 2, kFc1W = 4, kFc2W = 6, kFc3W = 8 };

const char* layer_name(int weight) {
  return weight == kConv1W   ? "conv1"
         : weight == kConv2W ? "conv2"
         : weight == kFc1W   ? "fc1"
         : weight == kFc2W   ? "fc2"
                             : "fc3";
}

/// The max-pool that follows convolution `weight`, and its shape: over that convolution's output.
const char* pool_name(int weight) { return weight == kConv1W ? "pool1" : "pool2"; }
PoolShape pool_shape(const ConvProblem& conv) {
  return {conv.n, conv.k, conv.p(), conv.q(), kLeNetPool.window, kLeNetPool.stride};
}

template <typename Rung, typename Find>
std::vector<Rung> find_all(const std::vector<std::string>& names, Find find, const char* kind) {
  std::vector<Rung> rungs;
  for (const std::string& name : names) {
    auto rung = find(name);
    if (!rung) throw std::runtime_error(std::string("no ") + kind + " rung '" + name + "' is linked into this program");
    rungs.push_back(*rung);
  }
  return rungs;
}

}  // namespace

Kernels find_kernels(Precision precision, const std::vector<std::string>& gemms,
                     const std::vector<std::string>& convs) {
  return {precision,
          find_all<GemmRung>(
              gemms, [](const std::string& name) { return find_gemm(name); }, "GEMM"),
          find_all<ConvRung>(
              convs, [](const std::string& name) { return find_conv(name); }, "convolution")};
}

Kernels find_kernels(Precision precision) {
  return precision == Precision::Bf16 ? find_kernels(precision, kDefaultBf16Gemms, kDefaultBf16Convs)
                                      : find_kernels(precision, kDefaultGemms, kDefaultConvs);
}

LeNetGpu::LeNetGpu(const LeNet<float>& initial, int max_batch, Kernels kernels, cudaStream_t stream)
    : config_(initial.config()), max_batch_(max_batch), products_(std::move(kernels), stream), stream_(stream) {
  require(max_batch >= 1, "LeNetGpu: the largest batch must be at least 1 image");
  // Activations and gradients start as NaN (every byte 0xFF), like the products' scratch: an
  // element no kernel writes shows up in the tests, and never as a stale value that two runs
  // of the determinism test would share.
  const auto floats = [stream](std::size_t count) {
    DeviceBuffer<float> buffer(count);
    buffer.fill_with_nan_bytes(stream);
    return buffer;
  };
  for (const Parameter<float>* p : initial.parameters()) {
    values_.emplace_back(p->value.values);
    grads_.push_back(floats(p->value.size()));
    parameter_views_.push_back({p->name, values_.back().data(), grads_.back().data(), p->value.size()});
  }
  const LeNetConfig& c = config_;
  const std::size_t batch = std::size_t(max_batch), side = std::size_t(c.image_size), half = side / 2,
                    conv2_side = half - (kLeNetKernel - 1), pooled = std::size_t(c.pooled_size());
  conv1_ = floats(batch * c.conv1_channels * side * side);
  pool1_ = floats(batch * c.conv1_channels * half * half);
  conv2_ = floats(batch * c.conv2_channels * conv2_side * conv2_side);
  pool2_ = floats(batch * c.conv2_channels * pooled * pooled);
  fc1_ = floats(batch * c.fc1_features);
  fc2_ = floats(batch * c.fc2_features);
  logits_ = floats(batch * c.classes);
  probabilities_ = floats(batch * c.classes);
  grad_logits_ = floats(batch * c.classes);
  row_loss_ = floats(batch);
  pool1_argmax_ = DeviceBuffer<int>(pool1_.size());
  pool2_argmax_ = DeviceBuffer<int>(pool2_.size());
  grad_conv1_ = floats(conv1_.size());
  grad_pool1_ = floats(pool1_.size());
  grad_conv2_ = floats(conv2_.size());
  grad_pool2_ = floats(pool2_.size());
  grad_fc1_ = floats(fc1_.size());
  grad_fc2_ = floats(fc2_.size());

  // Scratch, sized for the largest batch: the products' (each fc layer's three, and the
  // convolutions conv1 and conv2 forward and conv2's backward data; conv1's input, the images,
  // needs no gradient), and the backward-weight partial sums.
  for (const int w : {kFc1W, kFc2W, kFc3W}) products_.reserve_linear(linear_shape(w, max_batch));
  const ConvProblem conv2 = conv_problem(kConv2W, max_batch);
  if (const auto reason = backward_data_unsupported_reason(conv2))
    throw std::invalid_argument("LeNetGpu: conv2: " + *reason);
  std::size_t partials = 0;
  for (const int w : {kConv1W, kConv2W}) {
    const ConvProblem problem = conv_problem(w, max_batch);
    partials = std::max(partials, conv2d_backward_weight_partials(problem));
    products_.reserve_conv(problem);
  }
  products_.reserve_conv(backward_data_problem(conv2));
  partials_ = floats(partials);
}

ConvProblem LeNetGpu::conv_problem(int layer, int batch) const {
  const LeNetConfig& c = config_;
  if (layer == kConv1W) {
    return {batch,
            1,
            c.image_size,
            c.image_size,
            c.conv1_channels,
            kLeNetKernel,
            kLeNetKernel,
            kLeNetConv1.stride,
            kLeNetConv1.padding};
  }
  const int half = c.image_size / 2;
  return {batch,        c.conv1_channels,   half,
          half,         c.conv2_channels,   kLeNetKernel,
          kLeNetKernel, kLeNetConv2.stride, kLeNetConv2.padding};
}

/// fc layer `layer` on `batch` images: its weight (outputs, inputs) gives the other sizes.
LinearShape LeNetGpu::linear_shape(int layer, int batch) const {
  const int outputs = layer == kFc1W ? config_.fc1_features : layer == kFc2W ? config_.fc2_features : config_.classes;
  return {batch, int(parameter_views_[layer].count / std::size_t(outputs)), outputs};
}

void LeNetGpu::linear_forward(int layer, const float* input, float* output, bool relu) {
  products_.linear_forward(linear_shape(layer, batch_), input, parameter_views_[layer].value,
                           parameter_views_[layer + 1].value, relu, output, layer_name(layer));
}

void LeNetGpu::linear_backward(int layer, const float* input, const float* grad_output, float* grad_input) {
  const DeviceParameter &weight = parameter_views_[layer], &bias = parameter_views_[layer + 1];
  products_.linear_backward(linear_shape(layer, batch_), input, weight.value, grad_output, grad_input, weight.grad,
                            bias.grad, layer_name(layer));
}

// [conv-backward]
void LeNetGpu::conv_backward(int layer, const ConvProblem& problem, const float* input, const float* grad_output,
                             float* grad_input) {
  const DeviceParameter& weight = parameter_views_[layer];
  conv2d_backward_weight(input, grad_output, problem, partials_.data(), weight.grad, parameter_views_[layer + 1].grad,
                         stream_);
  if (grad_input == nullptr) return;
  products_.conv(backward_data_problem(problem), grad_output, weight.value, problem, true, grad_input,
                 std::string(layer_name(layer)) + " backward data");
}
// [conv-backward]

// [forward]
/// One of LeNet's two convolution blocks: the convolution, then the 2 × 2 max-pool with the
/// bias and ReLU done inside it, on the way in. The pool keeps where each maximum was, or
/// kNoGradient where the ReLU clamped it, for backward(); the convolution's output stays
/// without its bias, since nothing reads it again.
void LeNetGpu::conv_block_forward(int layer, const ConvProblem& problem, const float* input, float* conv_output,
                                  float* pooled, int* argmax) {
  const std::string name = layer_name(layer);
  section(name + " forward");
  products_.conv(problem, input, parameter_views_[layer].value, problem, false, conv_output, name + " forward");
  section(std::string(pool_name(layer)) + " forward");
  bias_relu_max_pool_forward(conv_output, parameter_views_[layer + 1].value, pooled, argmax, pool_shape(problem),
                             stream_);
}

const float* LeNetGpu::forward(const float* images, int batch) {
  require(batch >= 1 && batch <= max_batch_,
          "LeNetGpu::forward: batch " + std::to_string(batch) + " outside 1 .. " + std::to_string(max_batch_));
  batch_ = batch;
  images_ = images;
  conv_block_forward(kConv1W, conv_problem(kConv1W, batch), images, conv1_.data(), pool1_.data(), pool1_argmax_.data());
  conv_block_forward(kConv2W, conv_problem(kConv2W, batch), pool1_.data(), conv2_.data(), pool2_.data(),
                     pool2_argmax_.data());
  section("fc1 forward");
  linear_forward(kFc1W, pool2_.data(), fc1_.data(), true);  // pool2 (N, C2, P, P) read as (N, C2·P·P)
  section("fc2 forward");
  linear_forward(kFc2W, fc1_.data(), fc2_.data(), true);
  section("fc3 forward");
  linear_forward(kFc3W, fc2_.data(), logits_.data(), false);
  return logits_.data();
}
// [forward]

void LeNetGpu::zero_grads() {
  for (const DeviceParameter& p : parameter_views_)
    LADDER_CUDA_CHECK(cudaMemsetAsync(p.grad, 0, p.count * sizeof(float), stream_));
}

void LeNetGpu::loss(const int* labels, float* mean_loss, int mean_over) {
  require(batch_ >= 1, "LeNetGpu::loss: call forward() first");
  section("loss");
  softmax_cross_entropy(logits_.data(), labels, batch_, config_.classes, probabilities_.data(), grad_logits_.data(),
                        row_loss_.data(), stream_, mean_over);
  mean(row_loss_.data(), batch_, mean_loss, stream_);
}

// [backward]
void LeNetGpu::backward() {
  require(batch_ >= 1, "LeNetGpu::backward: call forward() and loss() first");
  const LeNetConfig& c = config_;
  const ConvProblem conv1 = conv_problem(kConv1W, batch_), conv2 = conv_problem(kConv2W, batch_);
  const std::size_t batch = std::size_t(batch_);
  // Each fc ReLU's gradient is taken in place: relu_backward reads and writes element i only.
  // The conv blocks' ReLUs need no pass: their pools' argmax already says where they passed.
  section("fc3 backward");
  linear_backward(kFc3W, fc2_.data(), grad_logits_.data(), grad_fc2_.data());
  section("fc2 backward");
  relu_backward(fc2_.data(), grad_fc2_.data(), grad_fc2_.data(), batch * c.fc2_features, stream_);
  linear_backward(kFc2W, fc1_.data(), grad_fc2_.data(), grad_fc1_.data());
  section("fc1 backward");
  relu_backward(fc1_.data(), grad_fc1_.data(), grad_fc1_.data(), batch * c.fc1_features, stream_);
  linear_backward(kFc1W, pool2_.data(), grad_fc1_.data(), grad_pool2_.data());
  section("pool2 backward");
  max_pool_backward(grad_pool2_.data(), pool2_argmax_.data(), grad_conv2_.data(), pool_shape(conv2), stream_);
  section("conv2 backward");
  conv_backward(kConv2W, conv2, pool1_.data(), grad_conv2_.data(), grad_pool1_.data());
  section("pool1 backward");
  max_pool_backward(grad_pool1_.data(), pool1_argmax_.data(), grad_conv1_.data(), pool_shape(conv1), stream_);
  section("conv1 backward");
  conv_backward(kConv1W, conv1, images_, grad_conv1_.data(), nullptr);  // the images need no gradient
}
// [backward]

void LeNetGpu::download(LeNet<float>& host) const {
  require(host.config().describe() == config_.describe(), "LeNetGpu::download: the host network's sizes differ");
  LADDER_CUDA_CHECK(cudaStreamSynchronize(stream_));
  std::vector<Parameter<float>*> params = host.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) params[i]->value.values = values_[i].download();
}

void LeNetGpu::download_grads(LeNet<float>& host) const {
  require(host.config().describe() == config_.describe(), "LeNetGpu::download_grads: the host network's sizes differ");
  LADDER_CUDA_CHECK(cudaStreamSynchronize(stream_));
  std::vector<Parameter<float>*> params = host.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) params[i]->grad.values = grads_[i].download();
}

void LeNetGpu::upload(const LeNet<float>& host) {
  require(host.config().describe() == config_.describe(), "LeNetGpu::upload: the host network's sizes differ");
  LADDER_CUDA_CHECK(cudaStreamSynchronize(stream_));
  const std::vector<const Parameter<float>*> params = host.parameters();
  for (std::size_t i = 0; i < params.size(); ++i) values_[i].upload(params[i]->value.values);
}

}  // namespace ladder::nn::gpu
