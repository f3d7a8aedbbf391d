#include "common/nn/gpu/products.cuh"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "common/core/cuda_check.cuh"
#include "common/core/device_info.cuh"
#include "common/nn/gpu/bf16_layout.cuh"
#include "common/nn/gpu/conv_backward.hpp"
#include "common/nn/gpu/launch.cuh"
#include "common/nn/gpu/layers.cuh"

namespace ladder::nn::gpu {
namespace {

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

/// Makes `buffer` hold at least `count` elements, NaN when new: filled on `stream`, the one the
/// products run on (a non-blocking stream is not ordered after the default one). Only
/// reserve_*() call it, before the first batch.
template <typename T>
void grow(DeviceBuffer<T>& buffer, std::size_t count, cudaStream_t stream) {
  if (count <= buffer.size()) return;
  buffer = DeviceBuffer<T>(count);
  buffer.fill_with_nan_bytes(stream);
}

/// buffer's elements, once it is known to hold `count`: a problem larger than the caller reserved
/// for is a bug in the caller, and is said (std::logic_error), not written past the buffer's end.
template <typename T>
T* reserved(DeviceBuffer<T>& buffer, std::size_t count, const std::string& what) {
  if (count > buffer.size())
    throw std::logic_error(what + ": needs " + std::to_string(count) + " elements of scratch, " +
                           std::to_string(buffer.size()) + " were reserved");
  return buffer.data();
}

std::size_t padded(int columns) { return std::size_t(bf16_leading_dimension(columns)); }

}  // namespace

LayerProducts::LayerProducts(Kernels kernels, cudaStream_t stream)
    : kernels_(std::move(kernels)), stream_(stream), compute_capability_(query_device().compute_capability) {
  require(!kernels_.gemms.empty() && !kernels_.convs.empty(), "the network needs a GEMM rung and a conv rung");
  const ConvPrecision conv_precision =
      kernels_.precision == Precision::Bf16 ? ConvPrecision::Bf16Nhwc : ConvPrecision::Fp32Nchw;
  for (const GemmRung& rung : kernels_.gemms)
    require(rung.precision() == kernels_.precision, "GEMM rung '" + rung.name + "' is " + to_string(rung.precision()) +
                                                        ", the network " + to_string(kernels_.precision));
  for (const ConvRung& rung : kernels_.convs)
    require(rung.precision() == conv_precision,
            "conv rung '" + rung.name + "' is " + to_string(rung.precision()) + ", not " + to_string(conv_precision));
  require_one_runs_here(kernels_.gemms, compute_capability_, "GEMM");
  require_one_runs_here(kernels_.convs, compute_capability_, "conv");
}

void LayerProducts::reserve_linear(const LinearShape& largest) {
  const int batch = largest.batch, inputs = largest.inputs, outputs = largest.outputs;
  require(batch >= 1 && inputs >= 1 && outputs >= 1, "a fully connected layer needs a batch, inputs and outputs");
  const std::size_t rows = std::size_t(batch), in = std::size_t(inputs), out = std::size_t(outputs);
  if (kernels_.precision == Precision::Fp32) {
    grow(transposed_a_, out * rows, stream_);  // dY^T
    grow(transposed_b_, out * in, stream_);    // W^T
    return;
  }
  // matmul's padded operands for the three products: forward, backward data, backward weight.
  grow(a16_, std::max({rows * padded(inputs), rows * padded(outputs), out * padded(batch)}), stream_);
  grow(b16_, std::max({in * padded(outputs), out * padded(inputs), rows * padded(inputs)}), stream_);
  grow(c16_, std::max({rows * padded(outputs), rows * padded(inputs), out * padded(inputs)}), stream_);
}

void LayerProducts::reserve_conv(const ConvProblem& pass) {
  if (kernels_.precision == Precision::Fp32) {
    grow(flipped_, pass.filter_elements(), stream_);
  } else {
    grow(x16_, pass.input_elements(), stream_);
    grow(y16_, pass.output_elements(), stream_);
    grow(w16_, pass.filter_elements(), stream_);
  }
  std::size_t workspace = 0;
  for (const ConvRung& rung : kernels_.convs)
    if (!unsupported_reason(rung, pass, compute_capability_))  // a rung that cannot run it needs no room
      workspace = std::max(workspace, workspace_bytes(rung, pass));
  grow(workspace_, workspace, stream_);
}

void LayerProducts::note(const std::string& what, const std::string& rung) {
  for (const auto& [done, ran_on] : rung_choices_)
    if (done == what && ran_on == rung) return;  // a ragged last batch may run on another rung
  rung_choices_.emplace_back(what, rung);
}

// [choose-rung]
/// The first of the network's GEMM rungs (or conv rungs, below) that takes these arguments on
/// this device; throws naming the product when none does.
template <typename Args>
void LayerProducts::gemm(const Args& args, const std::string& what) {
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
void LayerProducts::run_conv(const ConvProblem& problem, const Element* x, const Element* w, Element* y,
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
void LayerProducts::matmul(int m, int n, int k, const float* a, bool a_transposed, const float* b, bool b_transposed,
                           float* c, const std::string& what) {
  if (kernels_.precision == Precision::Bf16) {
    const int lda = bf16_leading_dimension(k), ldb = bf16_leading_dimension(n), ldc = bf16_leading_dimension(n);
    __nv_bfloat16 *a16 = reserved(a16_, std::size_t(m) * lda, what), *b16 = reserved(b16_, std::size_t(k) * ldb, what),
                  *c16 = reserved(c16_, std::size_t(m) * ldc, what);
    to_bf16_matrix(a, a_transposed ? k : m, a_transposed ? m : k, a_transposed, a16, lda, stream_);
    to_bf16_matrix(b, b_transposed ? n : k, b_transposed ? k : n, b_transposed, b16, ldb, stream_);
    gemm(Bf16GemmArgs{m, n, k, 1.0f, 0.0f, a16, lda, b16, ldb, c16, ldc}, what);
    from_bf16_matrix(c16, m, n, ldc, c, stream_);
    return;
  }
  if (a_transposed) {
    float* a_rows = reserved(transposed_a_, std::size_t(k) * m, what);
    transpose(a, k, m, a_rows, stream_);
    a = a_rows;
  }
  if (b_transposed) {
    float* b_rows = reserved(transposed_b_, std::size_t(n) * k, what);
    transpose(b, n, k, b_rows, stream_);
    b = b_rows;
  }
  gemm(GemmArgs{m, n, k, 1.0f, 0.0f, a, k, b, n, c, n}, what);
}
// [matmul]

// [linear]
/// output (batch, O) = input (batch, F) · W^T + bias, with W (O, F) as PyTorch keeps it.
void LayerProducts::linear_forward(const LinearShape& shape, const float* input, const float* weight, const float* bias,
                                   bool relu, float* output, const std::string& name) {
  const auto [batch, inputs, outputs] = shape;
  matmul(batch, outputs, inputs, input, false, weight, true, output, name + " forward");
  add_bias(output, bias, batch, outputs, 1, relu, stream_);
}

/// dX = dY · W (batch x F, over O), dW = dY^T · X (O x F, over the batch), db = dY summed over the batch.
void LayerProducts::linear_backward(const LinearShape& shape, const float* input, const float* weight,
                                    const float* grad_output, float* grad_input, float* grad_weight, float* grad_bias,
                                    const std::string& name) {
  const auto [batch, inputs, outputs] = shape;
  matmul(batch, inputs, outputs, grad_output, false, weight, false, grad_input, name + " backward data");
  matmul(outputs, inputs, batch, grad_output, true, input, false, grad_weight, name + " backward weight");
  channel_sums(grad_output, batch, outputs, 1, grad_bias, stream_);
}
// [linear]

/// The filters must fit the problem. In bf16, x and the filters go into channels-last bf16 copies
/// first, and y comes back from one.
void LayerProducts::conv(const ConvProblem& problem, const float* x, const float* filters,
                         const ConvProblem& filters_of, bool flipped, float* y, const std::string& what) {
  const ConvProblem expected = flipped ? backward_data_problem(filters_of) : filters_of;
  require(problem.k == expected.k && problem.c == expected.c && problem.r == expected.r && problem.s == expected.s,
          what + ": " + describe(problem) + " does not use the filters of " + describe(filters_of) +
              (flipped ? ", flipped" : ""));
  if (kernels_.precision == Precision::Bf16) {
    __nv_bfloat16 *x16 = reserved(x16_, problem.input_elements(), what),
                  *y16 = reserved(y16_, problem.output_elements(), what),
                  *w16 = reserved(w16_, filters_of.filter_elements(), what);
    nchw_to_nhwc_bf16(x, problem.n, problem.c, problem.h, problem.w, x16, stream_);
    filters_to_krsc_bf16(filters, filters_of, flipped, w16, stream_);
    run_conv<__nv_bfloat16>(problem, x16, w16, y16, what);
    nhwc_bf16_to_nchw(y16, problem.n, problem.k, problem.p(), problem.q(), y, stream_);
    return;
  }
  if (flipped) {
    float* turned = reserved(flipped_, filters_of.filter_elements(), what);
    flip_filters(filters, filters_of, turned, stream_);
    filters = turned;
  }
  run_conv<float>(problem, x, filters, y, what);
}

}  // namespace ladder::nn::gpu
