/// \file common/nn/gpu/layers.cuh
/// \brief Chapter 14's GPU layers that need no GEMM or convolution rung: ReLU, bias, max
/// pooling, softmax with cross-entropy fused, a deterministic mean, the SGD-momentum and Adam
/// updates, and the pieces around the rungs (transposes, flipped filters, weight and bias
/// gradients). Each computes what its CPU reference in common/nn computes (layers.hpp,
/// optimizer.hpp), and the GPU tests compare the two on random inputs.
///
/// All take device pointers and a stream, check their sizes on the host (std::invalid_argument
/// with the reason), launch asynchronously and check the launch. None allocates, none
/// synchronises, and none uses atomics: the same inputs give the same bits on the same GPU.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>

#include "common/conv/problem.hpp"
#include "common/nn/gpu/pool_index.hpp"  // kNoGradient

namespace ladder::nn::gpu {

/// y = max(x, 0), element by element.
void relu_forward(const float* x, float* y, std::size_t count, cudaStream_t stream);
/// grad_x = grad_y where x > 0, else 0 (x is the forward pass's input).
void relu_backward(const float* x, const float* grad_y, float* grad_x, std::size_t count, cudaStream_t stream);

/// values (batch, channels, plane) += bias[channel], then max(value, 0) when `relu`, in place:
/// a convolution's bias and ReLU (plane = P·Q) or a fully connected layer's (plane = 1) in one
/// pass over the layer's output, instead of two. The ReLU's backward pass needs only the sign
/// of its output (y > 0 exactly where x > 0), so nothing else is kept.
void add_bias(float* values, const float* bias, int batch, int channels, int plane, bool relu, cudaStream_t stream);

/// sums[c] = the sum over batch and plane of values (batch, channels, plane): the bias
/// gradient of a fully connected layer (plane = 1; a convolution's comes with its weights',
/// from conv2d_backward_weight). One block per channel adds in a fixed order: no atomics,
/// the same bits every run.
void channel_sums(const float* values, int batch, int channels, int plane, float* sums, cudaStream_t stream);

/// out (cols, rows) = in (rows, cols) transposed, through a shared-memory tile so that both
/// the reads and the writes are coalesced. The GEMM rungs take row-major operands only; this
/// gives them W^T and dY^T.
void transpose(const float* in, int rows, int cols, float* out, cudaStream_t stream);

/// flipped (C, K, R, S) = filters (K, C, R, S) with the channels swapped and each filter turned
/// 180°: what the backward-data convolution convolves dL/dy with (conv_backward.hpp).
void flip_filters(const float* filters, const ConvProblem& forward, float* flipped, cudaStream_t stream);

/// dL/dw (K, C, R, S) and dL/db (K) of `forward` (any stride and padding, filters up to 7 x 7):
/// grad_w[k][c][r][s] = sum over n, p, q of grad_y[n][k][p][q] · x[n][c][p·stride - pad + r][q·stride - pad + s],
/// grad_b[k] = sum over n, p, q of grad_y[n][k][p][q].
/// One block per (k, c) pair: its threads split the N·P·Q outputs, each keeps all R·S sums in
/// registers (one read of grad_y serves every tap), and a fixed-order tree adds the threads'
/// sums. A direct kernel rather than a GEMM: the reduction (N·P·Q, 25,600 for conv2 at batch
/// 256) is a hundred times longer than the output (K·C·R·S = 2,400), which a GEMM rung would
/// cover with a handful of tiles, each running the whole reduction alone.
///
/// Conv1 has only K·C = 6 pairs, far too few blocks for a GPU, so the N·P·Q outputs are also
/// split into a fixed number of slices (conv2d_backward_weight_slices: it depends on the
/// problem only, never on the GPU), each block writes its slice's sums to `partials`, and a
/// second kernel adds the slices in order: a split-K with a deterministic reduction.
///
/// The bias gradient comes from the same reads: the blocks with c = 0 also add up the dL/dy
/// values they read. On a kernel of its own, one block per channel, conv1's 6 biases would
/// get 6 blocks, each summing all 200,704 values at batch 256.
/// `partials` holds conv2d_backward_weight_partials(forward) floats.
void conv2d_backward_weight(const float* x, const float* grad_y, const ConvProblem& forward, float* partials,
                            float* grad_w, float* grad_b, cudaStream_t stream);

/// How many slices conv2d_backward_weight splits the N·P·Q outputs into.
int conv2d_backward_weight_slices(const ConvProblem& forward);
/// Floats of scratch conv2d_backward_weight needs: slices · (K·C·R·S + K).
std::size_t conv2d_backward_weight_partials(const ConvProblem& forward);

/// The largest filter side conv2d_backward_weight accepts (its sums live in registers).
inline constexpr int kMaxBackwardWeightFilter = 7;

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
/// max_pool_forward of relu(x + bias[channel]), without ever writing relu(x + bias): a
/// convolution block's bias and ReLU moved into the kernel that reads the convolution's output
/// anyway, which saves add_bias's pass over it forward and relu_backward's backward. y and
/// argmax are bit for bit those of add_bias (with the ReLU) then max_pool_forward, except that a
/// window whose maximum the ReLU clamped to 0 gets argmax kNoGradient: max_pool_backward then
/// passes it no gradient, which is the ReLU's backward pass. x itself is left unchanged.
void bias_relu_max_pool_forward(const float* x, const float* bias, float* y, int* argmax, const PoolShape& shape,
                                cudaStream_t stream);

/// grad_x = for each input element, the sum of grad_y over the windows whose maximum it
/// was: a gather, so overlapping windows (stride < window) need no atomics.
void max_pool_backward(const float* grad_y, const int* argmax, float* grad_x, const PoolShape& shape,
                       cudaStream_t stream);

/// One warp per row of logits (batch, classes): softmax probabilities, the gradient of the
/// mean cross-entropy with respect to the logits ((p - onehot) / batch), and each row's loss
/// -log p(label), all from one pass over the row, with the row's maximum subtracted first
/// (no overflow for any finite logits). A label outside 0 .. classes - 1 makes its row's
/// loss NaN (the dataset's labels are checked when it is loaded; this keeps a bad one loud).
/// `mean_over` (0: batch) is the count the gradient divides by: a data-parallel replica holding a
/// shard of a larger batch divides by the whole batch's size (data_parallel.hpp).
void softmax_cross_entropy(const float* logits, const int* labels, int batch, int classes, float* probabilities,
                           float* grad_logits, float* row_loss, cudaStream_t stream, int mean_over = 0);

/// *result = the mean of values[0 .. count - 1], summed in a fixed order by one block:
/// the same bits every time for the same inputs.
void mean(const float* values, int count, float* result, cudaStream_t stream);

/// SGD with momentum and L2 decay folded into the gradient, as SgdMomentum:
/// v = momentum v + g + decay w;  w -= learning_rate v.
void sgd_momentum_step(float* weights, const float* grads, float* velocity, std::size_t count, float learning_rate,
                       float momentum, float decay, cudaStream_t stream);

/// What changes in an update from one step to the next: the scheduled learning rate, and Adam's
/// bias corrections 1 - beta1^t and 1 - beta2^t. The overloads below read them from device
/// memory, so that a CUDA graph captured once can replay every step (a graph replays the kernel
/// arguments it captured; training.cu writes each step's scalars before the step).
struct StepScalars {
  float learning_rate = 0;
  float first_correction = 1, second_correction = 1;  ///< Adam only
};

/// sgd_momentum_step with the learning rate read from scalars->learning_rate (device memory).
void sgd_momentum_step(float* weights, const float* grads, float* velocity, std::size_t count,
                       const StepScalars* scalars, float momentum, float decay, cudaStream_t stream);

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

/// The scalars of Adam's step `step` (from 1) at this learning rate: the bias corrections in
/// double, rounded to float, as adam_step computes them.
StepScalars adam_scalars(float learning_rate, float beta1, float beta2, long step);

/// adam_step with the learning rate and bias corrections read from *scalars (device memory);
/// hyper's learning_rate and step are ignored.
void adam_step(float* weights, const float* grads, float* m, float* v, std::size_t count, const AdamStep& hyper,
               const StepScalars* scalars, cudaStream_t stream);

}  // namespace ladder::nn::gpu
