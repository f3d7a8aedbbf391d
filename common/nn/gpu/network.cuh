/// \file common/nn/gpu/network.cuh
/// \brief Chapter 14's LeNet on the GPU: the CPU network's layers (network.hpp), each through a
/// kernel this project built.
///
/// - conv1, conv2: a conv rung (chapters 10-12); the bias and ReLU run inside the pool that
///   follows. Backward: the weight and bias gradients by conv2d_backward_weight, from the same
///   reads of dL/dy, and (conv2 only: the images need none) the input gradient by the
///   same conv rung on the flipped filters (conv_backward.hpp).
/// - pool1, pool2: bias_relu_max_pool_forward, which adds the conv's bias, applies the ReLU and
///   keeps each window's argmax (kNoGradient where the ReLU clamped it); backward, a gather that
///   is the ReLU's backward pass too.
/// - ReLU after fc1, fc2: fused into add_bias; backward, relu_backward on the ReLU's output.
/// - fc1, fc2, fc3: a GEMM rung (chapters 01-06) on X and W^T, then add_bias (ReLU fused for fc1
///   and fc2). Backward: dX = dY·W and dW = dY^T·X on the same rungs, the bias by channel_sums.
/// - the loss: softmax_cross_entropy, fused, which also gives dL/d(logits).
///
/// The rungs come from the registries, in an order of preference (Kernels): each product runs on
/// the first rung that supports it on this device (products.cuh, where the layer tests call the
/// same products on other shapes), and rung_choices() says which ran where. With
/// bf16 Kernels the products and convolutions run on tensor-core rungs (chapters 08 and 13) on
/// bf16 copies of their operands and write bf16 results, widened back to fp32 (so the fully
/// connected layers' weight gradients, products too, carry bf16's 8 bits); the master weights,
/// the optimizer and everything else stay fp32 (bf16_layout.cuh).
///
/// Every buffer is allocated once, for the largest batch, when the network is made: a training
/// step allocates nothing, copies nothing to the host and never waits for the GPU. Nothing
/// uses atomics, and every rung chosen is deterministic, so the same weights and batches give
/// the same bits on the same GPU.
#pragma once

#include <cuda_runtime.h>

#include <string>
#include <utility>
#include <vector>

#include "common/conv/conv.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/section_timer.cuh"
#include "common/gemm/gemm.cuh"
#include "common/nn/gpu/products.cuh"
#include "common/nn/network.hpp"

namespace ladder::nn::gpu {

/// The rung names default_kernels() looks for, best first. 06e reads rows as float4, so it
/// needs every row to start on 16 bytes; fc3's rows of 10 logits do not, and take the next.
inline const std::vector<std::string> kDefaultGemms = {"06e cp.async 3-stage 128x128x16", "04 2-D register tiling"};
/// Chapter 11's tiled convolution takes 5 x 5 filters at stride 1; chapter 10's direct one takes anything.
inline const std::vector<std::string> kDefaultConvs = {"11b tiled + output-channel blocking", "10a direct"};

/// The bf16 rungs: chapter 08's mma.sync GEMM, and chapter 13's implicit GEMM, tuned per layer
/// where C is a multiple of 8 (conv2's backward data), else with the channels padded to 8 (conv1
/// has one input channel, conv2 six).
inline const std::vector<std::string> kDefaultBf16Gemms = {"08c cp.async 4-stage pipeline"};
inline const std::vector<std::string> kDefaultBf16Convs = {"13d tile tuned per layer",
                                                           "13e any C: channels padded to 8"};

/// The rungs of these names from the registries linked into the program. Throws
/// std::runtime_error naming the first one missing (its chapter's rungs are not linked in).
Kernels find_kernels(Precision precision, const std::vector<std::string>& gemms, const std::vector<std::string>& convs);
/// The default rungs of `precision`: kDefaultGemms and kDefaultConvs, or their bf16 lists.
Kernels find_kernels(Precision precision = Precision::Fp32);

/// One parameter's value and gradient on the device.
struct DeviceParameter {
  std::string name;  ///< as the CPU network names it: "conv1.weight", ...
  float* value = nullptr;
  float* grad = nullptr;
  std::size_t count = 0;
};

/// The network on the GPU. Not copyable: it owns its buffers.
class LeNetGpu {
 public:
  /// The weights of `initial` on the GPU, with buffers for batches of up to `max_batch` images.
  /// Throws std::invalid_argument for a bad batch size, std::runtime_error when no rung in
  /// `kernels` supports one of the layers, CudaError when the GPU fails.
  LeNetGpu(const LeNet<float>& initial, int max_batch, Kernels kernels, cudaStream_t stream = nullptr);

  /// images (batch, 1, S, S) on the device -> logits (batch, classes) on the device, valid
  /// until the next forward(). Keeps what backward() needs. Launches only.
  const float* forward(const float* images, int batch);

  /// Softmax and cross-entropy of the last forward()'s logits against `labels` (device, batch
  /// of them): dL/d(logits) for backward(), and the batch's mean loss written to *mean_loss
  /// (one float on the device). A data-parallel replica passes `mean_over`, the whole batch's
  /// size, for the gradient to divide by instead of its shard's (data_parallel.hpp). Launches only.
  void loss(const int* labels, float* mean_loss, int mean_over = 0);

  /// Sets every gradient to zero: a replica whose shard of a batch is empty adds nothing.
  void zero_grads();

  /// Every parameter's gradient for the last forward() and loss(). Launches only.
  void backward();

  /// The parameters in the CPU network's order (conv1.weight, conv1.bias, ..., fc3.bias).
  const std::vector<DeviceParameter>& parameters() const { return parameter_views_; }

  /// Copies the weights into `host` (a network of the same config); waits for the GPU.
  void download(LeNet<float>& host) const;
  /// Copies the gradients of the last backward() into `host`'s grads; waits for the GPU.
  void download_grads(LeNet<float>& host) const;
  /// Copies `host`'s weights to the GPU (same config).
  void upload(const LeNet<float>& host);

  /// Softmax probabilities of the last loss(), (batch, classes), on the device.
  const float* probabilities() const { return probabilities_.data(); }
  const LeNetConfig& config() const { return config_; }
  int max_batch() const { return max_batch_; }

  /// Marks each layer's launches as a section of `timer` (nullptr: no timing): "conv1 forward"
  /// (the convolution alone), "pool1 forward" (conv1's bias and ReLU, and the pool), ...,
  /// "fc1 forward" (the product, its bias and ReLU), ..., "loss", "fc3 backward", ..., "fc1
  /// backward" (each fc backward with the ReLU before it), "pool2 backward" (the conv's ReLU
  /// too), ..., "conv1 backward". The caller collects.
  void time_sections(SectionTimer* timer) { timer_ = timer; }

  /// Each product and convolution the network has run, with its rung (LayerProducts::rung_choices).
  const std::vector<std::pair<std::string, std::string>>& rung_choices() const { return products_.rung_choices(); }

 private:
  void conv_block_forward(int layer, const ConvProblem& problem, const float* input, float* conv_output, float* pooled,
                          int* argmax);
  void linear_forward(int layer, const float* input, float* output, bool relu);
  void linear_backward(int layer, const float* input, const float* grad_output, float* grad_input);
  void conv_backward(int layer, const ConvProblem& problem, const float* input, const float* grad_output,
                     float* grad_input);
  ConvProblem conv_problem(int layer, int batch) const;
  LinearShape linear_shape(int layer, int batch) const;
  void section(const std::string& name) {
    if (timer_ != nullptr) timer_->mark(name, stream_);
  }

  LeNetConfig config_;
  int max_batch_;
  LayerProducts products_;
  cudaStream_t stream_;
  int batch_ = 0;                                    // of the last forward()
  const float* images_ = nullptr;                    // of the last forward()
  std::vector<DeviceBuffer<float>> values_, grads_;  // in parameters() order
  std::vector<DeviceParameter> parameter_views_;
  // Activations, each of the largest batch: conv outputs (before their bias, which the pools
  // add), pools, fc outputs after bias and ReLU.
  DeviceBuffer<float> conv1_, pool1_, conv2_, pool2_, fc1_, fc2_, logits_, probabilities_, grad_logits_, row_loss_;
  DeviceBuffer<int> pool1_argmax_, pool2_argmax_;
  // Gradients of the activations, largest first and reused where the shapes allow.
  DeviceBuffer<float> grad_conv1_, grad_pool1_, grad_conv2_, grad_pool2_, grad_fc1_, grad_fc2_;
  // Scratch: backward-weight partial sums (the products keep their own).
  DeviceBuffer<float> partials_;
  SectionTimer* timer_ = nullptr;
};

}  // namespace ladder::nn::gpu
