/// \file common/nn/network.hpp
/// \brief The LeNet-5-style CNN of chapter 14 on the CPU reference layers.
///
///     images (N, 1, 28, 28)
///     conv1 5x5, 6 channels, padding 2   -> (N, 6, 28, 28)  -> ReLU -> max-pool 2x2 -> (N, 6, 14, 14)
///     conv2 5x5, 16 channels             -> (N, 16, 10, 10) -> ReLU -> max-pool 2x2 -> (N, 16, 5, 5)
///     fc1 400 -> 120 -> ReLU,  fc2 120 -> 84 -> ReLU,  fc3 84 -> 10 logits (softmax in the loss)
///
/// The sizes are a LeNetConfig so the gradient checks can run the same code on
/// small random shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/nn/layers.hpp"

namespace ladder::nn {

/// The fixed hyper-parameters of the LeNet layers (LeNetConfig holds the sizes).
inline constexpr int kLeNetKernel = 5;            ///< conv1 and conv2 filters are 5 x 5
inline constexpr Conv2dParams kLeNetConv1{1, 2};  ///< stride 1, padding 2: "same" size
inline constexpr Conv2dParams kLeNetConv2{1, 0};  ///< stride 1, no padding
inline constexpr Pool2dParams kLeNetPool{2, 2};   ///< 2 x 2 windows, stride 2

/// The sizes of a LeNet-style network. The defaults are the chapter's network.
struct LeNetConfig {
  int image_size = 28;      ///< square input images, one channel
  int conv1_channels = 6;   ///< output channels of conv1 (5x5, padding 2: keeps the size)
  int conv2_channels = 16;  ///< output channels of conv2 (5x5, no padding)
  int fc1_features = 120;   ///< outputs of fc1
  int fc2_features = 84;    ///< outputs of fc2
  int classes = 10;         ///< outputs of fc3

  /// Side of conv2's pooled output: ((image_size / 2) - 4) / 2.
  int pooled_size() const;
  /// Inputs of fc1: conv2_channels * pooled_size()^2.
  int flattened_features() const;
  /// Throws std::invalid_argument naming the problem when the sizes do not fit together.
  void validate() const;
  /// One line such as "lenet5 image 28 conv1 6 conv2 16 fc1 120 fc2 84 classes 10", stored in checkpoints.
  std::string describe() const;
};

/// One tensor forward() produced: the layer that produced it ("images" for the input) and its shape.
struct ActivationShape {
  std::string layer;       ///< "images", "conv1", "relu1", "pool1", ..., "fc2", "relu4"
  std::vector<int> shape;  ///< e.g. {N, 6, 28, 28}
};

/// A trainable tensor and the gradient of the loss with respect to it.
template <typename T>
struct Parameter {
  std::string name;  ///< e.g. "conv1.weight", used in checkpoints and messages
  Tensor<T> value;
  Tensor<T> grad;  ///< same shape as value; set by LeNet::backward
};

/// The network: parameters, forward pass, backward pass.
template <typename T>
class LeNet {
 public:
  /// Weights He-initialised from `seed` (same seed, same network), biases zero.
  LeNet(const LeNetConfig& config, std::uint64_t seed);

  /// images (N, 1, S, S) -> logits (N, classes). Keeps the activations for backward().
  Tensor<T> forward(const Tensor<T>& images);

  /// Given dL/d(logits) for the last forward(), sets every parameter's grad.
  void backward(const Tensor<T>& grad_logits);

  /// All parameters in a fixed order: conv1.weight, conv1.bias, conv2.weight, ..., fc3.bias.
  std::vector<Parameter<T>*> parameters();
  std::vector<const Parameter<T>*> parameters() const;

  const LeNetConfig& config() const { return config_; }

  /// The activations the last forward() kept, in the order it computed them (the logits it
  /// returned are not kept). docs/diagrams/diagram_data.cu draws the network from these.
  std::vector<ActivationShape> activation_shapes() const;

 private:
  // Parameter indices into params_, in the order parameters() returns them.
  enum Index { kConv1W, kConv1B, kConv2W, kConv2B, kFc1W, kFc1B, kFc2W, kFc2B, kFc3W, kFc3B, kCount };

  Parameter<T>& param(Index index) { return params_[std::size_t(index)]; }
  const Tensor<T>& value(Index index) const { return params_[std::size_t(index)].value; }
  void set_grads(Index weight, LayerGradients<T>& grads);

  // What forward() remembers for backward(): each layer's input. Left out of the API
  // pages: Doxygen 1.9.4 lists a private nested class in a class's summary but writes no
  // section for it, a dead link on the page.
  /// \cond INTERNAL
  struct Activations {
    Tensor<T> images, conv1, relu1, pool1, conv2, relu2, pool2, fc1, relu3, fc2, relu4;
  };
  /// \endcond

  LeNetConfig config_;
  std::vector<Parameter<T>> params_;
  Activations saved_;
};

}  // namespace ladder::nn
