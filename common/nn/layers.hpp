/// \file common/nn/layers.hpp
/// \brief CPU reference layers of the chapter 14 CNN, forward and backward.
///
/// These loops are the oracle the GPU kernels of the later chapters are tested
/// against, so they are written for clarity: one plain loop nest per layer,
/// ordered so the innermost loop walks memory contiguously. Every function is
/// a template instantiated for float (training) and double (gradient checks).
/// Sums over many terms (weight and bias gradients, dot products, the loss)
/// are accumulated in double whatever T is.
///
/// Layouts: activations NCHW (batch, channels, height, width); convolution
/// weights KCRS (out channels, in channels, kernel rows, kernel cols); fully
/// connected weights (out features, in features), as in PyTorch and cuDNN.
#pragma once

#include <vector>

#include "common/nn/tensor.hpp"

namespace ladder::nn {

class Random;

/// Stride and zero padding of a convolution (the same along both axes).
struct Conv2dParams {
  int stride = 1;
  int padding = 0;
};

/// Output extent of a convolution or pooling along one axis:
/// (input + 2 * padding - kernel) / stride + 1, or 0 when the kernel is wider than the padded input.
int conv_output_size(int input, int kernel, int stride, int padding);

/// Cross-correlation (what deep-learning frameworks call convolution):
/// input (N, C, H, W), weight (K, C, R, S), bias (K) -> output (N, K, P, Q).
template <typename T>
Tensor<T> conv2d_forward(const Tensor<T>& input, const Tensor<T>& weight, const Tensor<T>& bias,
                         const Conv2dParams& params);

/// Gradients of a layer's loss with respect to its input and its parameters.
template <typename T>
struct LayerGradients {
  Tensor<T> input;   ///< same shape as the layer's input
  Tensor<T> weight;  ///< same shape as the weight
  Tensor<T> bias;    ///< same shape as the bias
};

/// Backward pass of conv2d_forward given dL/d(output) (N, K, P, Q): the three
/// gradients below in one call.
template <typename T>
LayerGradients<T> conv2d_backward(const Tensor<T>& input, const Tensor<T>& weight, const Tensor<T>& grad_output,
                                  const Conv2dParams& params);

/// dL/d(input) (N, C, H, W) of a convolution: cuDNN's "backward data".
template <typename T>
Tensor<T> conv2d_backward_data(const Tensor<T>& grad_output, const Tensor<T>& weight,
                               const std::vector<int>& input_shape, const Conv2dParams& params);

/// dL/d(weight) (K, C, R, S) of a convolution: cuDNN's "backward filter".
template <typename T>
Tensor<T> conv2d_backward_weight(const Tensor<T>& input, const Tensor<T>& grad_output,
                                 const std::vector<int>& weight_shape, const Conv2dParams& params);

/// dL/d(bias) (K): grad_output summed over batch, rows and columns.
template <typename T>
Tensor<T> conv2d_backward_bias(const Tensor<T>& grad_output);

/// Window size and stride of a max-pooling layer (no padding).
struct Pool2dParams {
  int window = 2;
  int stride = 2;
};

/// Max pooling: input (N, C, H, W) -> output (N, C, P, Q), each output the
/// maximum of its window.
template <typename T>
Tensor<T> max_pool_forward(const Tensor<T>& input, const Pool2dParams& params);

/// Backward pass of max pooling: each output's gradient goes to the input that
/// was the maximum of its window (the first one, in row-major order, on ties).
/// Returns dL/d(input).
template <typename T>
Tensor<T> max_pool_backward(const Tensor<T>& input, const Tensor<T>& grad_output, const Pool2dParams& params);

/// max(0, x) element-wise, any shape.
template <typename T>
Tensor<T> relu_forward(const Tensor<T>& input);

/// dL/d(input) of ReLU: grad_output where input > 0, else 0 (the kink at 0 counts as inactive).
template <typename T>
Tensor<T> relu_backward(const Tensor<T>& input, const Tensor<T>& grad_output);

/// Fully connected layer: input (N, F) or any (N, ...) read as (N, F) with F
/// the product of the other dimensions; weight (O, F), bias (O) -> output (N, O):
/// output[n][o] = bias[o] + sum_f input[n][f] * weight[o][f].
template <typename T>
Tensor<T> linear_forward(const Tensor<T>& input, const Tensor<T>& weight, const Tensor<T>& bias);

/// Backward pass of linear_forward given dL/d(output) (N, O); the input
/// gradient has the input's (possibly unflattened) shape.
template <typename T>
LayerGradients<T> linear_backward(const Tensor<T>& input, const Tensor<T>& weight, const Tensor<T>& grad_output);

/// What softmax_cross_entropy computes for a batch.
template <typename T>
struct SoftmaxCrossEntropy {
  double loss = 0;          ///< mean over the batch of -log p(correct class)
  Tensor<T> probabilities;  ///< (N, classes) softmax of the logits
  Tensor<T> grad_logits;    ///< (N, classes) dL/d(logits) = (probabilities - one_hot) / N
};

/// Softmax followed by cross-entropy against integer labels, fused so that it
/// is numerically stable: logits are shifted by their row maximum before exp
/// (no overflow) and the loss is log-sum-exp minus the correct logit (no log(0)).
template <typename T>
SoftmaxCrossEntropy<T> softmax_cross_entropy(const Tensor<T>& logits, const std::vector<int>& labels);

/// He/Kaiming normal initialisation for layers followed by ReLU: weights drawn
/// from N(0, 2 / fan_in), where fan_in is the number of inputs of one output
/// (C * R * S for a convolution, F for a fully connected layer).
template <typename T>
void he_normal_init(Tensor<T>& weight, int fan_in, Random& random);

}  // namespace ladder::nn
