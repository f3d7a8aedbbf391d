/// \file common/nn/gpu/products.cuh
/// \brief The matrix products and convolutions of chapter 14's layers, each run on the first rung
/// of the network's list that takes it on this device.
///
/// A fully connected layer is three products (linear_forward, linear_backward); a convolution
/// block is one forward convolution and, for its input gradient, one more on flipped filters
/// (conv_backward.hpp). LeNetGpu hands all of them here, and the layer tests call the same
/// functions on shapes LeNet lacks. In fp32 a product reads its operands as they are, writing a
/// transposed operand out first where the rungs need it; in bf16 every operand goes into a
/// padded bf16 copy and the result comes back widened to fp32 (bf16_layout.cuh).
///
/// The scratch those copies live in is allocated by reserve_linear() and reserve_conv(), for the
/// largest problems the caller will run, before the first batch: running allocates nothing, and
/// a problem larger than what was reserved is refused with a reason, never written past a buffer.
/// New scratch is filled with NaN (every byte 0xFF, NaN in fp32 and in bf16), so that a rung that
/// leaves part of its output unwritten shows it.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <string>
#include <utility>
#include <vector>

#include "common/conv/conv.cuh"
#include "common/core/device_buffer.cuh"
#include "common/gemm/gemm.cuh"

namespace ladder::nn::gpu {

/// The precision of the network's products and convolutions, and the rungs that compute them,
/// in order of preference.
struct Kernels {
  /// Fp32: fp32 everywhere. Bf16: bf16 operands and results for the products and convolutions,
  /// fp32 accumulation inside the rungs (the fc weight gradients are such products, rounded to
  /// bf16 like the rest), fp32 for everything else (bf16_layout.cuh).
  Precision precision = Precision::Fp32;
  std::vector<GemmRung> gemms;  ///< of `precision`; e.g. 06e, and a rung without alignment needs after it
  std::vector<ConvRung> convs;  ///< fp32 NCHW rungs, or bf16 NHWC ones
};

/// A fully connected layer on a batch: input (batch, inputs) -> output (batch, outputs), with
/// its weights W (outputs, inputs) as PyTorch keeps them.
struct LinearShape {
  int batch = 0;
  int inputs = 0;
  int outputs = 0;
};

/// Not copyable: it owns its scratch.
class LayerProducts {
 public:
  /// Throws std::invalid_argument when a rung is of another precision than `kernels` says, and
  /// std::runtime_error when no GEMM rung or no conv rung of the lists runs on this GPU.
  LayerProducts(Kernels kernels, cudaStream_t stream);

  /// Scratch for linear_forward and linear_backward of `largest` and every smaller batch.
  void reserve_linear(const LinearShape& largest);
  /// Scratch (and conv workspace) for conv() on `pass`, or on a smaller batch of it.
  void reserve_conv(const ConvProblem& pass);

  /// output = input · W^T + bias, then the ReLU in place when `relu`. `name` ("fc1") names the
  /// product in rung_choices() and in errors.
  void linear_forward(const LinearShape& shape, const float* input, const float* weight, const float* bias, bool relu,
                      float* output, const std::string& name);
  /// From dL/d(output): dL/d(input) = dY · W, dL/dW = dY^T · X, and dL/d(bias) = dY summed over
  /// the batch, each overwritten.
  void linear_backward(const LinearShape& shape, const float* input, const float* weight, const float* grad_output,
                       float* grad_input, float* grad_weight, float* grad_bias, const std::string& name);

  /// y (NCHW fp32) = the convolution `problem` of x (NCHW fp32) with the filters (KCRS fp32) of
  /// `filters_of`, as they are (`problem` is then `filters_of` on some batch), or turned for its
  /// backward-data pass when `flipped` (`problem` is then backward_data_problem(filters_of)).
  void conv(const ConvProblem& problem, const float* x, const float* filters, const ConvProblem& filters_of,
            bool flipped, float* y, const std::string& what);

  /// Each product and convolution run so far, with the rung that ran it: {"fc3 forward", "04
  /// 2-D register tiling"}, in the order first run. A product appears twice when batches of
  /// different sizes ran it on different rungs.
  const std::vector<std::pair<std::string, std::string>>& rung_choices() const { return rung_choices_; }

 private:
  template <typename Args>
  void gemm(const Args& args, const std::string& what);
  template <typename Element>
  void run_conv(const ConvProblem& problem, const Element* x, const Element* w, Element* y, const std::string& what);
  void matmul(int m, int n, int k, const float* a, bool a_transposed, const float* b, bool b_transposed, float* c,
              const std::string& what);
  void note(const std::string& what, const std::string& rung);

  Kernels kernels_;
  cudaStream_t stream_;
  int compute_capability_;
  // fp32: dY^T and W^T, written out for the rungs' row-major operands, and flipped filters.
  DeviceBuffer<float> transposed_a_, transposed_b_, flipped_;
  // bf16: the products' padded operands and result, the convolutions' NHWC and KRSC copies.
  DeviceBuffer<__nv_bfloat16> a16_, b16_, c16_, x16_, y16_, w16_;
  DeviceBuffer<unsigned char> workspace_;
  std::vector<std::pair<std::string, std::string>> rung_choices_;
};

}  // namespace ladder::nn::gpu
