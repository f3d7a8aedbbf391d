/// \file common/nn/gpu/layers.cuh
/// \brief Chapter 14's GPU layers that need no GEMM or convolution: ReLU, max pooling,
/// softmax with cross-entropy fused, a deterministic mean, and the SGD-momentum and Adam
/// updates. Each computes what its CPU reference in common/nn computes (layers.hpp,
/// optimizer.hpp), and the GPU tests compare the two on random inputs.
///
/// All take device pointers and a stream, check their sizes on the host (std::invalid_argument
/// with the reason), launch asynchronously and check the launch. None allocates, none
/// synchronises, and none uses atomics: the same inputs give the same bits on the same GPU.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

namespace ladder::nn::gpu {

/// y = max(x, 0), element by element.
void relu_forward(const float* x, float* y, std::size_t count, cudaStream_t stream);
/// grad_x = grad_y where x > 0, else 0 (x is the forward pass's input).
void relu_backward(const float* x, const float* grad_y, float* grad_x, std::size_t count, cudaStream_t stream);

/// Max pooling over NCHW planes, no padding.
struct PoolShape {
  int batch = 0, channels = 0, height = 0, width = 0, window = 2, stride = 2;
};
/// Outputs per plane row and column (the CPU reference's pool_output_shape).
int pool_output_height(const PoolShape& shape);
int pool_output_width(const PoolShape& shape);

/// y = the maximum of each window (the first one in row-major order on ties, as the CPU
/// reference), and `argmax` its position within the plane (h * width + w), for backward.
void max_pool_forward(const float* x, float* y, int* argmax, const PoolShape& shape, cudaStream_t stream);
/// grad_x = for each input element, the sum of grad_y over the windows whose maximum it
/// was: a gather, so overlapping windows (stride < window) need no atomics.
void max_pool_backward(const float* grad_y, const int* argmax, float* grad_x, const PoolShape& shape,
                       cudaStream_t stream);

/// One warp per row of logits (batch, classes): softmax probabilities, the gradient of the
/// mean cross-entropy with respect to the logits ((p - onehot) / batch), and each row's loss
/// -log p(label), all from one pass over the row, with the row's maximum subtracted first
/// (no overflow for any finite logits). A label outside 0 .. classes - 1 makes its row's
/// loss NaN (the dataset's labels are checked when it is loaded; this keeps a bad one loud).
void softmax_cross_entropy(const float* logits, const int* labels, int batch, int classes, float* probabilities,
                           float* grad_logits, float* row_loss, cudaStream_t stream);

/// *result = the mean of values[0 .. count - 1], summed in a fixed order by one block:
/// the same bits every time for the same inputs.
void mean(const float* values, int count, float* result, cudaStream_t stream);

/// SGD with momentum and L2 decay folded into the gradient, as SgdMomentum:
/// v = momentum v + g + decay w;  w -= learning_rate v.
void sgd_momentum_step(float* weights, const float* grads, float* velocity, std::size_t count, float learning_rate,
                       float momentum, float decay, cudaStream_t stream);

/// Adam's hyper-parameters for one step (`step` counts from 1), as Adam with decoupled
/// weight decay (AdamW).
struct AdamStep {
  float learning_rate = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f, decay = 0.0f;
  long step = 1;
};
/// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g²;
/// w -= learning_rate (m / (1 - b1^step) / (sqrt(v / (1 - b2^step)) + epsilon) + decay w).
void adam_step(float* weights, const float* grads, float* m, float* v, std::size_t count, const AdamStep& step,
               cudaStream_t stream);

}  // namespace ladder::nn::gpu
