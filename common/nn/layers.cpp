#include "common/nn/layers.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

void require(bool condition, const char* message) {
  if (!condition) throw std::invalid_argument(message);
}

// The outputs o in [first, last] whose input index o * stride + offset lies in
// [0, input_extent). Computing this range once per kernel tap keeps the
// padding test out of the innermost loop.
struct ValidRange {
  int first;
  int last;
};

ValidRange valid_outputs(int output_extent, int input_extent, int offset, int stride) {
  const int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const int last_input = input_extent - 1 - offset;
  const int last = last_input < 0 ? -1 : std::min(output_extent - 1, last_input / stride);
  return {first, last};
}

// The dimensions of one convolution, named as in cuDNN's documentation.
struct ConvShape {
  int n, c, h, w;  // input
  int k, r, s;     // weight (k, c, r, s)
  int p, q;        // output
  int stride, padding;
};

ConvShape conv_shape(const std::vector<int>& input, const std::vector<int>& weight, const Conv2dParams& params) {
  require(input.size() == 4 && weight.size() == 4, "conv2d: input and weight must be 4-D");
  require(input[1] == weight[1], "conv2d: input and weight channel counts differ");
  require(params.stride >= 1 && params.padding >= 0, "conv2d: stride must be >= 1 and padding >= 0");
  ConvShape shape{input[0],  input[1], input[2], input[3],      weight[0],     weight[2],
                  weight[3], 0,        0,        params.stride, params.padding};
  shape.p = conv_output_size(shape.h, shape.r, shape.stride, shape.padding);
  shape.q = conv_output_size(shape.w, shape.s, shape.stride, shape.padding);
  require(shape.p >= 1 && shape.q >= 1, "conv2d: kernel larger than the padded input");
  return shape;
}

ConvShape conv_shape_for_grad(const std::vector<int>& input, const std::vector<int>& weight,
                              const std::vector<int>& grad_output, const Conv2dParams& params) {
  const ConvShape d = conv_shape(input, weight, params);
  require(grad_output == std::vector<int>{d.n, d.k, d.p, d.q}, "conv2d backward: grad_output shape mismatch");
  return d;
}

// sum_i a[i] * b[i * b_stride] in double. Four independent partial sums: with
// a single running sum every addition waits for the previous one to finish,
// which makes this loop several times slower.
template <typename T>
double strided_dot(const T* a, const T* b, int b_stride, int count) {
  double sums[4] = {0, 0, 0, 0};
  int i = 0;
  for (; i + 4 <= count; i += 4) {
    for (int lane = 0; lane < 4; ++lane) sums[lane] += double(a[i + lane]) * b[(i + lane) * b_stride];
  }
  for (; i < count; ++i) sums[0] += double(a[i]) * b[i * b_stride];
  return (sums[0] + sums[1]) + (sums[2] + sums[3]);
}

// y[i * y_stride] += a * x[i * x_stride] for i < count. Convolutions with
// stride 1 (all of LeNet's) take the contiguous branch, which the compiler
// vectorizes; a run-time stride would force element-by-element loads.
template <typename T>
void scaled_add(T a, const T* x, int x_stride, T* y, int y_stride, int count) {
  if (x_stride == 1 && y_stride == 1) {
    for (int i = 0; i < count; ++i) y[i] += a * x[i];
  } else {
    for (int i = 0; i < count; ++i) y[i * y_stride] += a * x[i * x_stride];
  }
}

// Walks every (n, k, c, r, s, output row p) whose input row lies inside the
// image and calls visit(weight_index, input_start, output_row, cols): output
// element output_row + q meets input element input_start + q * stride through
// weight element weight_index, for q in cols. The forward pass and both
// gradients share this walk and differ only in their innermost loop.
template <typename Visit>
void for_each_conv_tap(const ConvShape& d, Visit visit) {
  for (int n = 0; n < d.n; ++n) {
    for (int k = 0; k < d.k; ++k) {
      for (int c = 0; c < d.c; ++c) {
        for (int r = 0; r < d.r; ++r) {
          const ValidRange rows = valid_outputs(d.p, d.h, r - d.padding, d.stride);
          for (int s = 0; s < d.s; ++s) {
            const ValidRange cols = valid_outputs(d.q, d.w, s - d.padding, d.stride);
            const std::size_t weight_index = ((std::size_t(k) * d.c + c) * d.r + r) * d.s + s;
            for (int p = rows.first; p <= rows.last; ++p) {
              const int h = p * d.stride + r - d.padding;
              const std::ptrdiff_t input_row = ((std::ptrdiff_t(n) * d.c + c) * d.h + h) * d.w;
              const std::size_t output_row = ((std::size_t(n) * d.k + k) * d.p + p) * d.q;
              visit(weight_index, input_row + s - d.padding, output_row, cols);  // may be < 0: cols.first > 0 then
            }
          }
        }
      }
    }
  }
}

}  // namespace

int conv_output_size(int input, int kernel, int stride, int padding) {
  const int past_first = input + 2 * padding - kernel;
  // Integer division truncates toward zero: (-1) / 2 + 1 would claim one output for a window
  // that does not fit at all.
  return past_first < 0 ? 0 : past_first / stride + 1;
}

template <typename T>
Tensor<T> conv2d_forward(const Tensor<T>& input, const Tensor<T>& weight, const Tensor<T>& bias,
                         const Conv2dParams& params) {
  const ConvShape d = conv_shape(input.shape, weight.shape, params);
  require(bias.size() == std::size_t(d.k), "conv2d: bias must have one value per output channel");
  Tensor<T> output({d.n, d.k, d.p, d.q});
  for (std::size_t plane = 0; plane < std::size_t(d.n) * d.k; ++plane) {
    std::fill_n(output.data() + plane * d.p * d.q, d.p * d.q, bias.values[plane % d.k]);
  }
  const T* in = input.data();
  T* out = output.data();
  for_each_conv_tap(d,
                    [&](std::size_t weight_index, std::ptrdiff_t input_start, std::size_t output_row, ValidRange cols) {
                      scaled_add(weight.values[weight_index], in + input_start + cols.first * d.stride, d.stride,
                                 out + output_row + cols.first, 1, cols.last - cols.first + 1);
                    });
  return output;
}

template <typename T>
Tensor<T> conv2d_backward_data(const Tensor<T>& grad_output, const Tensor<T>& weight,
                               const std::vector<int>& input_shape, const Conv2dParams& params) {
  const ConvShape d = conv_shape_for_grad(input_shape, weight.shape, grad_output.shape, params);
  Tensor<T> grad_input(input_shape);
  const T* dout = grad_output.data();
  T* din = grad_input.data();
  // The forward loop with the roles swapped: each tap scatters dL/d(output) back to the input it read.
  for_each_conv_tap(d,
                    [&](std::size_t weight_index, std::ptrdiff_t input_start, std::size_t output_row, ValidRange cols) {
                      scaled_add(weight.values[weight_index], dout + output_row + cols.first, 1,
                                 din + input_start + cols.first * d.stride, d.stride, cols.last - cols.first + 1);
                    });
  return grad_input;
}

template <typename T>
Tensor<T> conv2d_backward_weight(const Tensor<T>& input, const Tensor<T>& grad_output,
                                 const std::vector<int>& weight_shape, const Conv2dParams& params) {
  const ConvShape d = conv_shape_for_grad(input.shape, weight_shape, grad_output.shape, params);
  std::vector<double> sums(Tensor<T>::element_count(weight_shape), 0.0);  // over n, p, q: in double
  for_each_conv_tap(
      d, [&](std::size_t weight_index, std::ptrdiff_t input_start, std::size_t output_row, ValidRange cols) {
        if (cols.last < cols.first) return;
        sums[weight_index] +=
            strided_dot(grad_output.data() + output_row + cols.first,
                        input.data() + input_start + cols.first * d.stride, d.stride, cols.last - cols.first + 1);
      });
  Tensor<T> grad_weight(weight_shape);
  std::copy(sums.begin(), sums.end(), grad_weight.values.begin());
  return grad_weight;
}

template <typename T>
Tensor<T> conv2d_backward_bias(const Tensor<T>& grad_output) {
  require(grad_output.shape.size() == 4, "conv2d_backward_bias: grad_output must be 4-D");
  const int channels = grad_output.dim(1);
  const std::size_t plane_size = std::size_t(grad_output.dim(2)) * grad_output.dim(3);
  std::vector<double> sums(std::size_t(channels), 0.0);
  for (std::size_t plane = 0; plane < std::size_t(grad_output.dim(0)) * channels; ++plane) {
    const T* g = grad_output.data() + plane * plane_size;
    for (std::size_t i = 0; i < plane_size; ++i) sums[plane % channels] += g[i];
  }
  Tensor<T> grad_bias({channels});
  std::copy(sums.begin(), sums.end(), grad_bias.values.begin());
  return grad_bias;
}

template <typename T>
LayerGradients<T> conv2d_backward(const Tensor<T>& input, const Tensor<T>& weight, const Tensor<T>& grad_output,
                                  const Conv2dParams& params) {
  return {conv2d_backward_data(grad_output, weight, input.shape, params),
          conv2d_backward_weight(input, grad_output, weight.shape, params), conv2d_backward_bias(grad_output)};
}

namespace {

// Index into `input` of the maximum of the pooling window of output (plane, p, q); first maximum on ties.
template <typename T>
std::size_t window_argmax(const Tensor<T>& input, std::size_t plane, int p, int q, const Pool2dParams& params) {
  const int height = input.dim(2), width = input.dim(3);
  std::size_t best = (plane * height + std::size_t(p) * params.stride) * width + std::size_t(q) * params.stride;
  for (int i = 0; i < params.window; ++i) {
    const std::size_t row = (plane * height + std::size_t(p) * params.stride + i) * width;
    for (int j = 0; j < params.window; ++j) {
      const std::size_t at = row + std::size_t(q) * params.stride + j;
      if (input.values[at] > input.values[best]) best = at;
    }
  }
  return best;
}

template <typename T>
std::vector<int> pool_output_shape(const Tensor<T>& input, const Pool2dParams& params) {
  require(input.shape.size() == 4, "max_pool: input must be 4-D");
  require(params.window >= 1 && params.stride >= 1, "max_pool: window and stride must be >= 1");
  const int p = conv_output_size(input.dim(2), params.window, params.stride, 0);
  const int q = conv_output_size(input.dim(3), params.window, params.stride, 0);
  require(p >= 1 && q >= 1, "max_pool: window larger than the input");
  return {input.dim(0), input.dim(1), p, q};
}

}  // namespace

template <typename T>
Tensor<T> max_pool_forward(const Tensor<T>& input, const Pool2dParams& params) {
  Tensor<T> output(pool_output_shape(input, params));
  const int p_extent = output.dim(2), q_extent = output.dim(3);
  std::size_t out = 0;
  for (std::size_t plane = 0; plane < std::size_t(output.dim(0)) * output.dim(1); ++plane) {
    for (int p = 0; p < p_extent; ++p) {
      for (int q = 0; q < q_extent; ++q) output.values[out++] = input.values[window_argmax(input, plane, p, q, params)];
    }
  }
  return output;
}

template <typename T>
Tensor<T> max_pool_backward(const Tensor<T>& input, const Tensor<T>& grad_output, const Pool2dParams& params) {
  require(grad_output.shape == pool_output_shape(input, params), "max_pool_backward: grad_output shape mismatch");
  Tensor<T> grad_input(input.shape);
  const int p_extent = grad_output.dim(2), q_extent = grad_output.dim(3);
  std::size_t out = 0;
  for (std::size_t plane = 0; plane < std::size_t(input.dim(0)) * input.dim(1); ++plane) {
    for (int p = 0; p < p_extent; ++p) {
      // += because overlapping windows (stride < window) can share a maximum.
      for (int q = 0; q < q_extent; ++q) {
        grad_input.values[window_argmax(input, plane, p, q, params)] += grad_output.values[out++];
      }
    }
  }
  return grad_input;
}

template <typename T>
Tensor<T> relu_forward(const Tensor<T>& input) {
  Tensor<T> output = input;
  for (T& value : output.values) value = value > T(0) ? value : T(0);
  return output;
}

template <typename T>
Tensor<T> relu_backward(const Tensor<T>& input, const Tensor<T>& grad_output) {
  require(input.shape == grad_output.shape, "relu_backward: shapes differ");
  Tensor<T> grad_input(input.shape);
  for (std::size_t i = 0; i < input.size(); ++i)
    grad_input.values[i] = input.values[i] > T(0) ? grad_output.values[i] : T(0);
  return grad_input;
}

namespace {

template <typename T>
int features_of(const Tensor<T>& input, const Tensor<T>& weight) {
  require(!input.shape.empty() && weight.shape.size() == 2, "linear: weight must be (out, in)");
  const int features = int(input.size() / std::size_t(input.dim(0)));
  require(features == weight.dim(1), "linear: input features differ from the weight's columns");
  return features;
}

}  // namespace

template <typename T>
Tensor<T> linear_forward(const Tensor<T>& input, const Tensor<T>& weight, const Tensor<T>& bias) {
  const int batch = input.dim(0), features = features_of(input, weight), outputs = weight.dim(0);
  require(bias.size() == std::size_t(outputs), "linear: bias must have one value per output");
  Tensor<T> output({batch, outputs});
  for (int n = 0; n < batch; ++n) {
    const T* row = input.data() + std::size_t(n) * features;
    for (int o = 0; o < outputs; ++o) {
      output.values[std::size_t(n) * outputs + o] =
          T(bias.values[o] + strided_dot(row, weight.data() + std::size_t(o) * features, 1, features));
    }
  }
  return output;
}

template <typename T>
LayerGradients<T> linear_backward(const Tensor<T>& input, const Tensor<T>& weight, const Tensor<T>& grad_output) {
  const int batch = input.dim(0), features = features_of(input, weight), outputs = weight.dim(0);
  require(grad_output.shape == std::vector<int>{batch, outputs}, "linear_backward: grad_output shape mismatch");
  LayerGradients<T> grads{Tensor<T>(input.shape), Tensor<T>(weight.shape), Tensor<T>({outputs})};
  std::vector<double> grad_weight(weight.size(), 0.0), grad_bias(outputs, 0.0);
  for (int n = 0; n < batch; ++n) {
    const T* x = input.data() + std::size_t(n) * features;
    const T* dy = grad_output.data() + std::size_t(n) * outputs;
    T* dx = grads.input.data() + std::size_t(n) * features;
    for (int o = 0; o < outputs; ++o) {
      const T* w = weight.data() + std::size_t(o) * features;
      double* dw = grad_weight.data() + std::size_t(o) * features;
      for (int f = 0; f < features; ++f) {  // dx = dy W,  dW += dy^T x
        dx[f] += dy[o] * w[f];
        dw[f] += double(dy[o]) * x[f];
      }
      grad_bias[o] += dy[o];
    }
  }
  std::copy(grad_weight.begin(), grad_weight.end(), grads.weight.values.begin());
  std::copy(grad_bias.begin(), grad_bias.end(), grads.bias.values.begin());
  return grads;
}

template <typename T>
SoftmaxCrossEntropy<T> softmax_cross_entropy(const Tensor<T>& logits, const std::vector<int>& labels) {
  require(logits.shape.size() == 2 && std::size_t(logits.dim(0)) == labels.size(),
          "softmax_cross_entropy: logits must be (N, classes) with one label per row");
  const int batch = logits.dim(0), classes = logits.dim(1);
  SoftmaxCrossEntropy<T> result{0.0, Tensor<T>(logits.shape), Tensor<T>(logits.shape)};
  for (int n = 0; n < batch; ++n) {
    const T* z = logits.data() + std::size_t(n) * classes;
    require(labels[n] >= 0 && labels[n] < classes, "softmax_cross_entropy: label out of range");
    const double max_logit = *std::max_element(z, z + classes);
    double sum_exp = 0;  // >= 1: the maximum contributes exp(0)
    for (int j = 0; j < classes; ++j) sum_exp += std::exp(double(z[j]) - max_logit);
    const double log_sum_exp = std::log(sum_exp);
    result.loss += log_sum_exp - (double(z[labels[n]]) - max_logit);  // -log p(label), never log(0)
    for (int j = 0; j < classes; ++j) {
      const double probability = std::exp(double(z[j]) - max_logit - log_sum_exp);
      const std::size_t at = std::size_t(n) * classes + j;
      result.probabilities.values[at] = T(probability);
      result.grad_logits.values[at] = T((probability - (j == labels[n] ? 1.0 : 0.0)) / batch);
    }
  }
  result.loss /= batch;
  return result;
}

template <typename T>
void he_normal_init(Tensor<T>& weight, int fan_in, Random& random) {
  const double standard_deviation = std::sqrt(2.0 / fan_in);
  for (T& value : weight.values) value = T(standard_deviation * random.normal());
}

#define LADDER_NN_INSTANTIATE_LAYERS(T)                                                                         \
  template Tensor<T> conv2d_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&, const Conv2dParams&); \
  template LayerGradients<T> conv2d_backward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&,              \
                                             const Conv2dParams&);                                              \
  template Tensor<T> conv2d_backward_data(const Tensor<T>&, const Tensor<T>&, const std::vector<int>&,          \
                                          const Conv2dParams&);                                                 \
  template Tensor<T> conv2d_backward_weight(const Tensor<T>&, const Tensor<T>&, const std::vector<int>&,        \
                                            const Conv2dParams&);                                               \
  template Tensor<T> conv2d_backward_bias(const Tensor<T>&);                                                    \
  template Tensor<T> max_pool_forward(const Tensor<T>&, const Pool2dParams&);                                   \
  template Tensor<T> max_pool_backward(const Tensor<T>&, const Tensor<T>&, const Pool2dParams&);                \
  template Tensor<T> relu_forward(const Tensor<T>&);                                                            \
  template Tensor<T> relu_backward(const Tensor<T>&, const Tensor<T>&);                                         \
  template Tensor<T> linear_forward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&);                      \
  template LayerGradients<T> linear_backward(const Tensor<T>&, const Tensor<T>&, const Tensor<T>&);             \
  template SoftmaxCrossEntropy<T> softmax_cross_entropy(const Tensor<T>&, const std::vector<int>&);             \
  template void he_normal_init(Tensor<T>&, int, Random&);

LADDER_NN_INSTANTIATE_LAYERS(float)
LADDER_NN_INSTANTIATE_LAYERS(double)

}  // namespace ladder::nn
