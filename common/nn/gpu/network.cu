#include "common/nn/gpu/network.cuh"

#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "common/core/cuda_check.cuh"
#include "common/core/device_info.cuh"
#include "common/nn/gpu/bf16_layout.cuh"
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

/// Throws, before any memory is taken, when none of `rungs` runs on a GPU of this compute
/// capability (bf16 on a GPU older than sm_80, say): said now, not at the first batch.
template <typename Rung>
void require_one_runs_here(const std::vector<Rung>& rungs, int compute_capability, const char* kind) {
  const auto version = [](int capability) {
    return std::to_string(capability / 10) + "." + std::to_string(capability % 10);
  };
  std::string why_not;
  for (const Rung& rung : rungs) {
    const int oldest = rung.requirements.min_compute_capability;
    int newest = 0;  // 0: any newer GPU too, as for every conv rung
    if constexpr (std::is_same_v<Rung, GemmRung>) newest = rung.requirements.max_compute_capability;
    if (compute_capability < oldest)
      why_not += ", " + rung.name + " (needs " + version(oldest) + ")";
    else if (newest != 0 && compute_capability > newest)
      why_not += ", " + rung.name + " (runs on at most " + version(newest) + ")";
    else
      return;
  }
  throw std::runtime_error(std::string("none of the network's ") + kind + " rungs runs on compute capability " +
                           version(compute_capability) + ":" + why_not.substr(1));
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
    : config_(initial.config()),
      max_batch_(max_batch),
      kernels_(std::move(kernels)),
      stream_(stream),
      compute_capability_(query_device().compute_capability) {
  require(max_batch >= 1, "LeNetGpu: the largest batch must be at least 1 image");
  require(!kernels_.gemms.empty() && !kernels_.convs.empty(), "LeNetGpu: needs a GEMM rung and a conv rung");
  const ConvPrecision conv_precision =
      kernels_.precision == Precision::Bf16 ? ConvPrecision::Bf16Nhwc : ConvPrecision::Fp32Nchw;
  for (const GemmRung& rung : kernels_.gemms)
    require(rung.precision() == kernels_.precision, "LeNetGpu: GEMM rung '" + rung.name + "' is " +
                                                        to_string(rung.precision()) + ", the network " +
                                                        to_string(kernels_.precision));
  for (const ConvRung& rung : kernels_.convs)
    require(rung.precision() == conv_precision, "LeNetGpu: conv rung '" + rung.name + "' is " +
                                                    to_string(rung.precision()) + ", not " + to_string(conv_precision));
  require_one_runs_here(kernels_.gemms, compute_capability_, "GEMM");
  require_one_runs_here(kernels_.convs, compute_capability_, "conv");
  for (const Parameter<float>* p : initial.parameters()) {
    values_.emplace_back(p->value.values);
    grads_.emplace_back(p->value.size());
    parameter_views_.push_back({p->name, values_.back().data(), grads_.back().data(), p->value.size()});
  }
  const LeNetConfig& c = config_;
  const std::size_t batch = std::size_t(max_batch), side = std::size_t(c.image_size), half = side / 2,
                    conv2_side = half - (kLeNetKernel - 1), pooled = std::size_t(c.pooled_size());
  const auto floats = [](std::size_t count) { return DeviceBuffer<float>(count); };
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

  // Scratch, sized for the largest batch: each size below grows with the batch.
  const bool bf16 = kernels_.precision == Precision::Bf16;
  const auto pad = [](std::size_t columns) { return std::size_t(bf16_leading_dimension(int(columns))); };
  std::size_t transposed_a = 0, transposed_b = 0, a16 = 0, b16 = 0, c16 = 0;
  for (const int w : {kFc1W, kFc2W, kFc3W}) {
    const std::size_t outputs = std::size_t(initial.parameters()[w]->value.dim(0)),
                      inputs = parameter_views_[w].count / outputs;
    transposed_a = std::max(transposed_a, outputs * batch);   // dY^T
    transposed_b = std::max(transposed_b, outputs * inputs);  // W^T
    // The three products' padded bf16 operands (matmul): forward, backward data, backward weight.
    a16 = std::max({a16, batch * pad(inputs), batch * pad(outputs), outputs * pad(batch)});
    b16 = std::max({b16, inputs * pad(outputs), outputs * pad(inputs), batch * pad(inputs)});
    c16 = std::max({c16, batch * pad(outputs), batch * pad(inputs), outputs * pad(inputs)});
  }
  std::size_t partials = 0, workspace = 0, x16 = 0, y16 = 0, w16 = 0;
  for (const int w : {kConv1W, kConv2W}) {
    const ConvProblem problem = conv_problem(w, max_batch);
    partials = std::max(partials, conv2d_backward_weight_partials(problem));
    w16 = std::max(w16, problem.filter_elements());
    // The convolutions conv() runs: each forward, and conv2's backward data (conv1's input,
    // the images, needs no gradient).
    std::vector<ConvProblem> passes = {problem};
    if (w != kConv1W) passes.push_back(backward_data_problem(problem));
    for (const ConvProblem& pass : passes) {
      x16 = std::max(x16, pass.input_elements());
      y16 = std::max(y16, pass.output_elements());
      for (const ConvRung& rung : kernels_.convs) workspace = std::max(workspace, workspace_bytes(rung, pass));
    }
  }
  if (const auto reason = backward_data_unsupported_reason(conv_problem(kConv2W, max_batch)))
    throw std::invalid_argument("LeNetGpu: conv2: " + *reason);
  const auto halves = [bf16](std::size_t count) { return DeviceBuffer<__nv_bfloat16>(bf16 ? count : 0); };
  transposed_a_ = floats(bf16 ? 0 : transposed_a);
  transposed_b_ = floats(bf16 ? 0 : transposed_b);
  flipped_ = floats(bf16 ? 0 : parameter_views_[kConv2W].count);
  a16_ = halves(a16);
  b16_ = halves(b16);
  c16_ = halves(c16);
  x16_ = halves(x16);
  y16_ = halves(y16);
  w16_ = halves(w16);
  partials_ = floats(partials);
  workspace_ = DeviceBuffer<unsigned char>(workspace);
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

void LeNetGpu::note(const std::string& what, const std::string& rung) {
  for (const auto& [done, ran_on] : rung_choices_)
    if (done == what && ran_on == rung) return;  // a ragged last batch may run on another rung
  rung_choices_.emplace_back(what, rung);
}

// [choose-rung]
/// The first of the network's GEMM rungs (or conv rungs, below) that takes these arguments on
/// this device; throws naming the product when none does.
template <typename Args>
void LeNetGpu::gemm(const Args& args, const std::string& what) {
  for (const GemmRung& rung : kernels_.gemms) {
    if (unsupported_reason(rung, args, compute_capability_)) continue;
    note(what, rung.name);
    rung.launch(args, stream_);
    return;
  }
  throw std::runtime_error(what + ": no GEMM rung takes " + std::to_string(args.m) + "x" + std::to_string(args.n) +
                           "x" + std::to_string(args.k) + " on this device");
}

template <typename Element>
void LeNetGpu::run_conv(const ConvProblem& problem, const Element* x, const Element* w, Element* y,
                        const std::string& what) {
  for (const ConvRung& rung : kernels_.convs) {
    if (unsupported_reason(rung, problem, compute_capability_)) continue;
    const std::size_t scratch = workspace_bytes(rung, problem);
    if (scratch > workspace_.size()) continue;
    note(what, rung.name);
    rung.launch(ConvArgsOf<Element>{problem, x, w, y, workspace_.data(), scratch}, stream_);
    return;
  }
  throw std::runtime_error(what + ": no conv rung takes " + describe(problem) + " on this device");
}
// [choose-rung]

// [matmul]
/// c (m, n) fp32 = op(a) · op(b), where op(a) is a (m, k), or a^T when a_transposed (a then
/// holds k rows of m), and likewise for b (k, n): the three products of a fully connected layer
/// in one function. The rungs read row-major operands only, so a transposed one is written out
/// first; in bf16, every operand is converted (and transposed) into a padded bf16 copy.
void LeNetGpu::matmul(int m, int n, int k, const float* a, bool a_transposed, const float* b, bool b_transposed,
                      float* c, const std::string& what) {
  if (kernels_.precision == Precision::Bf16) {
    const int lda = bf16_leading_dimension(k), ldb = bf16_leading_dimension(n), ldc = bf16_leading_dimension(n);
    to_bf16_matrix(a, a_transposed ? k : m, a_transposed ? m : k, a_transposed, a16_.data(), lda, stream_);
    to_bf16_matrix(b, b_transposed ? n : k, b_transposed ? k : n, b_transposed, b16_.data(), ldb, stream_);
    gemm(Bf16GemmArgs{m, n, k, 1.0f, 0.0f, a16_.data(), lda, b16_.data(), ldb, c16_.data(), ldc}, what);
    from_bf16_matrix(c16_.data(), m, n, ldc, c, stream_);
    return;
  }
  if (a_transposed) transpose(a, k, m, transposed_a_.data(), stream_);
  if (b_transposed) transpose(b, n, k, transposed_b_.data(), stream_);
  gemm(GemmArgs{m, n, k, 1.0f, 0.0f, a_transposed ? transposed_a_.data() : a, k,
                b_transposed ? transposed_b_.data() : b, n, c, n},
       what);
}
// [matmul]

/// y (NCHW fp32) = the convolution `problem` of x (NCHW fp32) with the filters (KCRS fp32) of
/// `filters_of`, as they are, or turned for its backward-data pass when `flipped`. In bf16, x and
/// the filters go into channels-last bf16 copies first, and y comes back from one.
void LeNetGpu::conv(const ConvProblem& problem, const float* x, const float* filters, const ConvProblem& filters_of,
                    bool flipped, float* y, const std::string& what) {
  if (kernels_.precision == Precision::Bf16) {
    nchw_to_nhwc_bf16(x, problem.n, problem.c, problem.h, problem.w, x16_.data(), stream_);
    filters_to_krsc_bf16(filters, filters_of, flipped, w16_.data(), stream_);
    run_conv<__nv_bfloat16>(problem, x16_.data(), w16_.data(), y16_.data(), what);
    nhwc_bf16_to_nchw(y16_.data(), problem.n, problem.k, problem.p(), problem.q(), y, stream_);
    return;
  }
  if (flipped) flip_filters(filters, filters_of, flipped_.data(), stream_);
  run_conv<float>(problem, x, flipped ? flipped_.data() : filters, y, what);
}

int LeNetGpu::output_features(int layer) const {
  return layer == kFc1W ? config_.fc1_features : layer == kFc2W ? config_.fc2_features : config_.classes;
}

// [linear]
/// output (batch, O) = input (batch, F) · W^T + bias, with W (O, F) as PyTorch keeps it.
void LeNetGpu::linear_forward(int layer, const float* input, float* output, bool relu) {
  const DeviceParameter& weight = parameter_views_[layer];
  const int outputs = output_features(layer), inputs = int(weight.count / std::size_t(outputs));
  matmul(batch_, outputs, inputs, input, false, weight.value, true, output,
         std::string(layer_name(layer)) + " forward");
  add_bias(output, parameter_views_[layer + 1].value, batch_, outputs, 1, relu, stream_);
}

/// dX = dY · W (batch x F, over O), dW = dY^T · X (O x F, over the batch), db = dY summed over the batch.
void LeNetGpu::linear_backward(int layer, const float* input, const float* grad_output, float* grad_input) {
  const DeviceParameter& weight = parameter_views_[layer];
  const int outputs = output_features(layer), inputs = int(weight.count / std::size_t(outputs));
  const std::string name = layer_name(layer);
  matmul(batch_, inputs, outputs, grad_output, false, weight.value, false, grad_input, name + " backward data");
  matmul(outputs, inputs, batch_, grad_output, true, input, false, weight.grad, name + " backward weight");
  channel_sums(grad_output, batch_, outputs, 1, parameter_views_[layer + 1].grad, stream_);
}
// [linear]

// [conv-backward]
void LeNetGpu::conv_backward(int layer, const ConvProblem& problem, const float* input, const float* grad_output,
                             float* grad_input) {
  const DeviceParameter& weight = parameter_views_[layer];
  conv2d_backward_weight(input, grad_output, problem, partials_.data(), weight.grad, parameter_views_[layer + 1].grad,
                         stream_);
  if (grad_input == nullptr) return;
  conv(backward_data_problem(problem), grad_output, weight.value, problem, true, grad_input,
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
  conv(problem, input, parameter_views_[layer].value, problem, false, conv_output, name + " forward");
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
