#include "common/nn/gpu/layers.cuh"

#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>
#include <string>

#include "common/core/cuda_check.cuh"
#include "common/core/grid_stride.cuh"
#include "common/nn/gpu/conv_backward.hpp"
#include "common/nn/gpu/launch.cuh"
#include "common/nn/gpu/pool_index.hpp"
#include "common/nn/gpu/warp_reduce.cuh"

namespace ladder::nn::gpu {
namespace {

// [relu]
__global__ void relu_forward_kernel(const float* x, float* y, std::size_t count) {
  for (const std::size_t i : grid_stride(count)) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

__global__ void relu_backward_kernel(const float* x, const float* grad_y, float* grad_x, std::size_t count) {
  for (const std::size_t i : grid_stride(count)) grad_x[i] = x[i] > 0.0f ? grad_y[i] : 0.0f;
}
// [relu]

// [bias]
__global__ void add_bias_kernel(float* values, const float* bias, int channels, int plane, bool relu,
                                std::size_t count) {
  for (const std::size_t i : grid_stride(count))
    values[i] = bias_then_relu(values[i], bias[i / plane % channels], relu);
}
// [bias]

// [transpose]
constexpr int kTile = 32;

/// A 32 x 32 tile per block: read along rows of `in`, written along rows of `out`. The tile's
/// extra column puts a column of the tile in 32 different banks, so reading it is conflict-free.
__global__ void transpose_kernel(const float* in, int rows, int cols, float* out) {
  __shared__ float tile[kTile][kTile + 1];
  const int in_col = int(blockIdx.x) * kTile + int(threadIdx.x);
  for (int i = int(threadIdx.y); i < kTile; i += int(blockDim.y)) {
    const int in_row = int(blockIdx.y) * kTile + i;
    if (in_row < rows && in_col < cols) tile[i][threadIdx.x] = in[std::size_t(in_row) * cols + in_col];
  }
  __syncthreads();
  const int out_col = int(blockIdx.y) * kTile + int(threadIdx.x);  // a row of `in`
  for (int i = int(threadIdx.y); i < kTile; i += int(blockDim.y)) {
    const int out_row = int(blockIdx.x) * kTile + i;  // a column of `in`
    if (out_row < cols && out_col < rows) out[std::size_t(out_row) * rows + out_col] = tile[threadIdx.x][i];
  }
}
// [transpose]

__global__ void flip_filters_kernel(const float* filters, ConvProblem forward, float* flipped) {
  for (const std::size_t i : grid_stride(forward.filter_elements())) {
    const int s = int(i % forward.s), r = int(i / forward.s % forward.r);
    const int c = int(i / (std::size_t(forward.s) * forward.r) % forward.c);
    const int k = int(i / (std::size_t(forward.s) * forward.r * forward.c));
    flipped[flipped_filter_index(forward, k, c, r, s)] = filters[i];
  }
}

/// Fixed-order sums for the gradient reductions (warp_sum: warp_reduce.cuh).
constexpr int kWarpsPerBlock = kThreads / kWarp;

/// The sum of `value` over a block of kThreads threads, in thread 0: each warp's butterfly,
/// then the warps' sums in warp order. Every thread must call it (it synchronises the block).
__device__ float block_sum(float value, float (&warp_sums)[kWarpsPerBlock]) {
  value = warp_sum(value);
  if (threadIdx.x % kWarp == 0) warp_sums[threadIdx.x / kWarp] = value;
  __syncthreads();
  float total = 0.0f;
  if (threadIdx.x == 0)
    for (const float warp_total : warp_sums) total += warp_total;
  __syncthreads();  // warp_sums may be reused at once
  return total;
}

// [gradient-sums]
/// One block per channel.
__global__ void channel_sums_kernel(const float* values, int batch, int channels, int plane, float* sums) {
  __shared__ float warp_sums[kWarpsPerBlock];
  const int channel = int(blockIdx.x);
  float sum = 0.0f;
  for (std::size_t i = threadIdx.x; i < std::size_t(batch) * plane; i += kThreads)
    sum += values[(i / plane * channels + channel) * plane + i % plane];
  const float total = block_sum(sum, warp_sums);
  if (threadIdx.x == 0) sums[channel] = total;
}

/// Block (k·C + c, slice): this slice's share of every tap of filter (k, c), and, in the
/// blocks with c = 0, of bias k: the sum of the same dL/dy values, which they read anyway.
__global__ void conv_backward_weight_kernel(const float* x, const float* grad_y, ConvProblem pr, float* partials) {
  constexpr int kSide = kMaxBackwardWeightFilter;
  __shared__ float warp_sums[kWarpsPerBlock];
  const int k = int(blockIdx.x) / pr.c, c = int(blockIdx.x) % pr.c, P = pr.p(), Q = pr.q();
  const std::size_t outputs = std::size_t(pr.n) * P * Q;
  const std::size_t slice = (outputs + gridDim.y - 1) / gridDim.y, begin = blockIdx.y * slice;
  const std::size_t end = begin + slice < outputs ? begin + slice : outputs;
  float sums[kSide * kSide] = {};  // registers: every index below is a compile-time constant
  float bias_sum = 0.0f;
  for (std::size_t o = begin + threadIdx.x; o < end; o += kThreads) {
    const int q = int(o % Q), p = int(o / Q % P), n = int(o / (std::size_t(P) * Q));
    const float dy = grad_y[((std::size_t(n) * pr.k + k) * P + p) * Q + q];
    bias_sum += dy;
    const float* plane = x + (std::size_t(n) * pr.c + c) * pr.h * pr.w;
#pragma unroll
    for (int r = 0; r < kSide; ++r) {
      const int h = p * pr.stride - pr.padding + r;
      if (r >= pr.r || h < 0 || h >= pr.h) continue;
#pragma unroll
      for (int s = 0; s < kSide; ++s) {
        const int w = q * pr.stride - pr.padding + s;
        if (s < pr.s && w >= 0 && w < pr.w) sums[r * kSide + s] += dy * plane[h * pr.w + w];
      }
    }
  }
  // This slice's partial sums: the K·C·R·S taps, then the K biases.
  const std::size_t filter = pr.filter_elements();
  float* slice_sums = partials + blockIdx.y * (filter + pr.k);
#pragma unroll
  for (int tap = 0; tap < kSide * kSide; ++tap) {
    const int r = tap / kSide, s = tap % kSide;
    if (r >= pr.r || s >= pr.s) continue;  // the same for the whole block: block_sum's barriers are safe
    const float total = block_sum(sums[tap], warp_sums);
    if (threadIdx.x == 0) slice_sums[((std::size_t(k) * pr.c + c) * pr.r + r) * pr.s + s] = total;
  }
  if (c != 0) return;  // the same for the whole block, too
  const float total = block_sum(bias_sum, warp_sums);
  if (threadIdx.x == 0) slice_sums[filter + k] = total;
}

/// Entry i of a slice (a tap, then a bias) = the slices' partial sums of it, added in slice
/// order, into grad_w[i] or grad_b[i - K·C·R·S].
__global__ void sum_slices_kernel(const float* partials, int slices, std::size_t filter, int biases, float* grad_w,
                                  float* grad_b) {
  const std::size_t per_slice = filter + biases;
  for (const std::size_t i : grid_stride(per_slice)) {
    float total = 0.0f;
    for (int slice = 0; slice < slices; ++slice) total += partials[slice * per_slice + i];
    if (i < filter)
      grad_w[i] = total;
    else
      grad_b[i - filter] = total;
  }
}
// [gradient-sums]

// [max-pool]
/// One thread per output window (pool_window). With a `bias`, the conv block's bias and ReLU
/// are applied on the way in (bias_relu_max_pool_forward).
__global__ void max_pool_forward_kernel(const float* x, const float* bias, float* y, int* argmax, PoolShape shape,
                                        int out_h, int out_w, std::size_t outputs) {
  for (const std::size_t o : grid_stride(outputs)) {
    const int q = int(o % out_w), p = int(o / out_w % out_h);
    const std::size_t plane = o / (std::size_t(out_w) * out_h);
    const float* channel_bias = bias == nullptr ? nullptr : bias + plane % shape.channels;
    const PooledWindow best = pool_window(x + plane * shape.height * shape.width, shape.width, p, q, shape.window,
                                          shape.stride, channel_bias);
    y[o] = best.value;
    argmax[o] = best.argmax;
  }
}

/// One thread per input: the gradients of the windows that contain it and chose it.
__global__ void max_pool_backward_kernel(const float* grad_y, const int* argmax, float* grad_x, PoolShape shape,
                                         int out_h, int out_w, std::size_t inputs) {
  for (const std::size_t i : grid_stride(inputs)) {
    const int w = int(i % shape.width), h = int(i / shape.width % shape.height);
    const std::size_t plane = i / (std::size_t(shape.width) * shape.height);
    const WindowRange rows = covering_windows(h, shape.window, shape.stride, out_h);
    const WindowRange cols = covering_windows(w, shape.window, shape.stride, out_w);
    const int self = h * shape.width + w;
    float sum = 0.0f;
    for (int p = rows.first; p <= rows.last; ++p)
      for (int q = cols.first; q <= cols.last; ++q) {
        const std::size_t o = (plane * out_h + p) * out_w + q;
        if (argmax[o] == self) sum += grad_y[o];
      }
    grad_x[i] = sum;
  }
}
// [max-pool]

// [softmax-cross-entropy]
/// One warp per row: its maximum, then the sum of exp(z - max), then everything else.
__global__ void softmax_cross_entropy_kernel(const float* logits, const int* labels, int batch, int classes,
                                             float* probabilities, float* grad_logits, float* row_loss, int mean_over) {
  const int row = int(blockIdx.x * (blockDim.x / kWarp) + threadIdx.x / kWarp), lane = int(threadIdx.x % kWarp);
  if (row >= batch) return;  // whole warps leave together: row is the same in every lane
  const float* z = logits + std::size_t(row) * classes;
  float max_logit = -INFINITY;
  for (int j = lane; j < classes; j += kWarp) max_logit = fmaxf(max_logit, z[j]);
  max_logit = warp_max(max_logit);
  float sum_exp = 0.0f;  // >= 1: the maximum contributes exp(0)
  for (int j = lane; j < classes; j += kWarp) sum_exp += expf(z[j] - max_logit);
  sum_exp = warp_sum(sum_exp);
  const float log_sum_exp = logf(sum_exp);
  const int label = labels[row];
  const bool label_ok = label >= 0 && label < classes;
  for (int j = lane; j < classes; j += kWarp) {
    const float p = expf(z[j] - max_logit - log_sum_exp);
    const std::size_t at = std::size_t(row) * classes + j;
    probabilities[at] = p;
    grad_logits[at] = (p - (j == label ? 1.0f : 0.0f)) / float(mean_over);
  }
  if (lane == 0) row_loss[row] = label_ok ? log_sum_exp - (z[label] - max_logit) : NAN;  // -log p(label)
}
// [softmax-cross-entropy]

/// One block: each thread sums a fixed stride of the values, then block_sum's fixed order.
__global__ void mean_kernel(const float* values, int count, float* result) {
  __shared__ float warp_sums[kWarpsPerBlock];
  float sum = 0.0f;
  for (int i = int(threadIdx.x); i < count; i += kThreads) sum += values[i];
  const float total = block_sum(sum, warp_sums);
  if (threadIdx.x == 0) *result = total / float(count);
}

// [optimizers]
/// The learning rate and corrections come by value, or from device memory when `device` is set.
__global__ void sgd_momentum_kernel(float* w, const float* g, float* velocity, std::size_t count, float learning_rate,
                                    const StepScalars* device, float momentum, float decay) {
  if (device != nullptr) learning_rate = device->learning_rate;
  for (const std::size_t i : grid_stride(count)) {
    const float v = momentum * velocity[i] + g[i] + decay * w[i];
    velocity[i] = v;
    w[i] -= learning_rate * v;
  }
}

__global__ void adam_kernel(float* w, const float* g, float* m, float* v, std::size_t count, AdamStep step,
                            StepScalars scalars, const StepScalars* device) {
  if (device != nullptr) scalars = *device;
  step.learning_rate = scalars.learning_rate;
  const float first_correction = scalars.first_correction, second_correction = scalars.second_correction;
  for (const std::size_t i : grid_stride(count)) {
    const float gradient = g[i];
    const float first = step.beta1 * m[i] + (1.0f - step.beta1) * gradient;
    const float second = step.beta2 * v[i] + (1.0f - step.beta2) * gradient * gradient;
    m[i] = first;
    v[i] = second;
    const float m_hat = first / first_correction, v_hat = second / second_correction;
    w[i] -= step.learning_rate * (m_hat / (sqrtf(v_hat) + step.epsilon) + step.decay * w[i]);
  }
}
// [optimizers]

std::size_t checked_count(const PoolShape& shape, int height, int width, const char* what) {
  require(shape.batch >= 1 && shape.channels >= 1,
          std::string("max_pool: ") + what + ": batch and channels must be >= 1");
  const std::size_t count = std::size_t(shape.batch) * shape.channels * height * width;
  require(count / (std::size_t(height) * width) == std::size_t(shape.batch) * shape.channels,
          "max_pool: size overflows");
  return count;
}

void check_pool(const PoolShape& shape) {
  require(shape.window >= 1 && shape.stride >= 1, "max_pool: window and stride must be >= 1");
  require(shape.height >= 1 && shape.width >= 1, "max_pool: height and width must be >= 1");
  require(pool_output_height(shape) >= 1 && pool_output_width(shape) >= 1,
          "max_pool: the " + std::to_string(shape.window) + "x" + std::to_string(shape.window) +
              " window is larger than the " + std::to_string(shape.height) + "x" + std::to_string(shape.width) +
              " input");
  require(std::size_t(shape.height) * shape.width <= std::size_t(INT_MAX),
          "max_pool: a plane must hold < 2^31 elements");
}

/// The plain pool (bias nullptr) and the fused one share the kernel and its size checks.
void launch_max_pool_forward(const float* x, const float* bias, float* y, int* argmax, const PoolShape& shape,
                             cudaStream_t stream) {
  check_pool(shape);
  const int out_h = pool_output_height(shape), out_w = pool_output_width(shape);
  const std::size_t outputs = checked_count(shape, out_h, out_w, "output");
  max_pool_forward_kernel<<<blocks_for(outputs), kThreads, 0, stream>>>(x, bias, y, argmax, shape, out_h, out_w,
                                                                        outputs);
  LADDER_CHECK_LAUNCH();
}

}  // namespace

void relu_forward(const float* x, float* y, std::size_t count, cudaStream_t stream) {
  if (count == 0) return;
  relu_forward_kernel<<<blocks_for(count), kThreads, 0, stream>>>(x, y, count);
  LADDER_CHECK_LAUNCH();
}

void relu_backward(const float* x, const float* grad_y, float* grad_x, std::size_t count, cudaStream_t stream) {
  if (count == 0) return;
  relu_backward_kernel<<<blocks_for(count), kThreads, 0, stream>>>(x, grad_y, grad_x, count);
  LADDER_CHECK_LAUNCH();
}

void add_bias(float* values, const float* bias, int batch, int channels, int plane, bool relu, cudaStream_t stream) {
  require(batch >= 0 && channels >= 1 && plane >= 1, "add_bias: channels and plane must be >= 1");
  const std::size_t count = std::size_t(batch) * channels * plane;
  if (count == 0) return;
  add_bias_kernel<<<blocks_for(count), kThreads, 0, stream>>>(values, bias, channels, plane, relu, count);
  LADDER_CHECK_LAUNCH();
}

void channel_sums(const float* values, int batch, int channels, int plane, float* sums, cudaStream_t stream) {
  require(batch >= 1 && channels >= 1 && plane >= 1, "channel_sums: batch, channels and plane must be >= 1");
  channel_sums_kernel<<<unsigned(channels), kThreads, 0, stream>>>(values, batch, channels, plane, sums);
  LADDER_CHECK_LAUNCH();
}

void transpose(const float* in, int rows, int cols, float* out, cudaStream_t stream) {
  require(rows >= 1 && cols >= 1, "transpose: rows and cols must be >= 1");
  require((rows + kTile - 1) / kTile <= 65535, "transpose: at most 65535 * 32 rows");
  const dim3 block(kTile, 8), grid(unsigned((cols + kTile - 1) / kTile), unsigned((rows + kTile - 1) / kTile));
  transpose_kernel<<<grid, block, 0, stream>>>(in, rows, cols, out);
  LADDER_CHECK_LAUNCH();
}

void flip_filters(const float* filters, const ConvProblem& forward, float* flipped, cudaStream_t stream) {
  if (const auto reason = invalid_reason(forward)) throw std::invalid_argument("flip_filters: " + *reason);
  flip_filters_kernel<<<blocks_for(forward.filter_elements()), kThreads, 0, stream>>>(filters, forward, flipped);
  LADDER_CHECK_LAUNCH();
}

int conv2d_backward_weight_slices(const ConvProblem& forward) {
  // About 256 blocks in all, and at least 2048 outputs per slice, so each thread sums 8 or more.
  const long long outputs = forward.gemm_m(), pairs = (long long)forward.k * forward.c;
  const long long by_blocks = (256 + pairs - 1) / pairs, by_outputs = (outputs + 2047) / 2048;
  return int(std::max(1LL, std::min({by_blocks, by_outputs, 64LL})));
}

std::size_t conv2d_backward_weight_partials(const ConvProblem& forward) {
  return std::size_t(conv2d_backward_weight_slices(forward)) * (forward.filter_elements() + std::size_t(forward.k));
}

void conv2d_backward_weight(const float* x, const float* grad_y, const ConvProblem& forward, float* partials,
                            float* grad_w, float* grad_b, cudaStream_t stream) {
  if (const auto reason = invalid_reason(forward)) throw std::invalid_argument("conv2d_backward_weight: " + *reason);
  require(
      forward.r <= kMaxBackwardWeightFilter && forward.s <= kMaxBackwardWeightFilter,
      "conv2d_backward_weight: filters up to 7x7, not " + std::to_string(forward.r) + "x" + std::to_string(forward.s));
  require((long long)forward.k * forward.c <= INT_MAX, "conv2d_backward_weight: K * C must be < 2^31");
  const int slices = conv2d_backward_weight_slices(forward);
  const dim3 grid(unsigned(forward.k * forward.c), unsigned(slices));
  conv_backward_weight_kernel<<<grid, kThreads, 0, stream>>>(x, grad_y, forward, partials);
  LADDER_CHECK_LAUNCH();
  const std::size_t filter = forward.filter_elements();
  sum_slices_kernel<<<blocks_for(filter + forward.k), kThreads, 0, stream>>>(partials, slices, filter, forward.k,
                                                                             grad_w, grad_b);
  LADDER_CHECK_LAUNCH();
}

int pool_output_height(const PoolShape& shape) { return pool_output_extent(shape.height, shape.window, shape.stride); }
int pool_output_width(const PoolShape& shape) { return pool_output_extent(shape.width, shape.window, shape.stride); }

void max_pool_forward(const float* x, float* y, int* argmax, const PoolShape& shape, cudaStream_t stream) {
  launch_max_pool_forward(x, nullptr, y, argmax, shape, stream);
}

void bias_relu_max_pool_forward(const float* x, const float* bias, float* y, int* argmax, const PoolShape& shape,
                                cudaStream_t stream) {
  require(bias != nullptr, "bias_relu_max_pool_forward: no bias (max_pool_forward pools without one)");
  launch_max_pool_forward(x, bias, y, argmax, shape, stream);
}

void max_pool_backward(const float* grad_y, const int* argmax, float* grad_x, const PoolShape& shape,
                       cudaStream_t stream) {
  check_pool(shape);
  const int out_h = pool_output_height(shape), out_w = pool_output_width(shape);
  const std::size_t inputs = checked_count(shape, shape.height, shape.width, "input");
  max_pool_backward_kernel<<<blocks_for(inputs), kThreads, 0, stream>>>(grad_y, argmax, grad_x, shape, out_h, out_w,
                                                                        inputs);
  LADDER_CHECK_LAUNCH();
}

void softmax_cross_entropy(const float* logits, const int* labels, int batch, int classes, float* probabilities,
                           float* grad_logits, float* row_loss, cudaStream_t stream, int mean_over) {
  require(batch >= 1 && classes >= 1, "softmax_cross_entropy: batch and classes must be >= 1");
  require(mean_over == 0 || mean_over >= batch, "softmax_cross_entropy: mean_over is smaller than the batch");
  constexpr int kRowsPerBlock = kThreads / kWarp;
  const unsigned blocks = static_cast<unsigned>((batch + kRowsPerBlock - 1) / kRowsPerBlock);
  softmax_cross_entropy_kernel<<<blocks, kThreads, 0, stream>>>(
      logits, labels, batch, classes, probabilities, grad_logits, row_loss, mean_over == 0 ? batch : mean_over);
  LADDER_CHECK_LAUNCH();
}

void mean(const float* values, int count, float* result, cudaStream_t stream) {
  require(count >= 1, "mean: count must be >= 1");
  mean_kernel<<<1, kThreads, 0, stream>>>(values, count, result);
  LADDER_CHECK_LAUNCH();
}

void sgd_momentum_step(float* weights, const float* grads, float* velocity, std::size_t count, float learning_rate,
                       float momentum, float decay, cudaStream_t stream) {
  if (count == 0) return;
  sgd_momentum_kernel<<<blocks_for(count), kThreads, 0, stream>>>(weights, grads, velocity, count, learning_rate,
                                                                  nullptr, momentum, decay);
  LADDER_CHECK_LAUNCH();
}

void sgd_momentum_step(float* weights, const float* grads, float* velocity, std::size_t count,
                       const StepScalars* scalars, float momentum, float decay, cudaStream_t stream) {
  require(scalars != nullptr, "sgd_momentum_step: the scalars' device pointer is null");
  if (count == 0) return;
  sgd_momentum_kernel<<<blocks_for(count), kThreads, 0, stream>>>(weights, grads, velocity, count, 0.0f, scalars,
                                                                  momentum, decay);
  LADDER_CHECK_LAUNCH();
}

StepScalars adam_scalars(float learning_rate, float beta1, float beta2, long step) {
  require(step >= 1, "adam_step: steps count from 1");
  // In double, as the CPU reference does, then rounded once.
  return {learning_rate, float(1.0 - std::pow(double(beta1), double(step))),
          float(1.0 - std::pow(double(beta2), double(step)))};
}

void adam_step(float* weights, const float* grads, float* m, float* v, std::size_t count, const AdamStep& hyper,
               const StepScalars* scalars, cudaStream_t stream) {
  require(scalars != nullptr, "adam_step: the scalars' device pointer is null");
  if (count == 0) return;
  adam_kernel<<<blocks_for(count), kThreads, 0, stream>>>(weights, grads, m, v, count, hyper, StepScalars{}, scalars);
  LADDER_CHECK_LAUNCH();
}

void adam_step(float* weights, const float* grads, float* m, float* v, std::size_t count, const AdamStep& step,
               cudaStream_t stream) {
  const StepScalars scalars = adam_scalars(step.learning_rate, step.beta1, step.beta2, step.step);
  if (count == 0) return;
  adam_kernel<<<blocks_for(count), kThreads, 0, stream>>>(weights, grads, m, v, count, step, scalars, nullptr);
  LADDER_CHECK_LAUNCH();
}

}  // namespace ladder::nn::gpu
