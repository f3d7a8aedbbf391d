// A convolution's backward-data pass as the GPU network runs it: the filters flipped
// (conv_backward.hpp), then a forward convolution on the first of the network's conv rungs that
// takes the problem, in fp32 and in bf16, against the CPU reference's conv2d_backward_data in
// double. The network test reaches this pass on LeNet's conv2 only; here it runs on ragged
// shapes: every filter size the conv chapters test, paddings from 0 to R - 1, one and three input
// channels, odd images, a ragged batch. Each test skips, saying why, without a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/conv/conv.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/host_matrix.hpp"
#include "common/core/metrics.hpp"
#include "common/gemm/elements.cuh"
#include "common/gemm/testing/rung_test.cuh"
#include "common/nn/gpu/bf16_layout.cuh"
#include "common/nn/gpu/conv_backward.hpp"
#include "common/nn/gpu/layers.cuh"
#include "common/nn/gpu/network.cuh"
#include "common/nn/layers.hpp"
#include "common/nn/tests/scaled_error.hpp"

namespace ladder::nn::gpu {
namespace {

// Forward problems {N, C, H, W, K, R, S, stride, padding}: stride 1 and square filters, which
// backward data as a convolution needs (backward_data_unsupported_reason).
const ConvProblem kForwardProblems[] = {
    {37, 6, 14, 14, 16, 5, 5, 1, 0},  // LeNet's conv2 on a ragged batch
    {3, 3, 13, 11, 5, 3, 3, 1, 1},    // three input channels, odd image, K not a multiple of 8
    {2, 1, 15, 9, 4, 7, 7, 1, 3},     // one input channel, 7 x 7 with "same" padding
    {2, 8, 9, 9, 16, 5, 5, 1, 2},     // K a multiple of 8: the bf16 list's first rung takes it
    {4, 16, 7, 7, 8, 1, 1, 1, 0},     // 1 x 1
    {1, 2, 6, 5, 3, 3, 3, 1, 2},      // N = 1, padding R - 1: the backward pass pads by 0
};

// fp32: sums of at most K·R·S = 400 products, well inside 1e-5 of their largest value. bf16: the
// operands rounded to 8 bits of mantissa (about 0.4 % each) and the result too; a wrong flip,
// padding or channel order is off by order one.
constexpr double kFp32Error = 1e-5, kBf16Error = 2e-2;

/// The first of `rungs` that takes `problem` here, as LeNetGpu chooses; nullptr when none does.
const ConvRung* first_that_takes(const std::vector<ConvRung>& rungs, const ConvProblem& problem) {
  const int compute_capability = query_device().compute_capability;
  for (const ConvRung& rung : rungs)
    if (!unsupported_reason(rung, problem, compute_capability)) return &rung;
  return nullptr;
}

/// dL/dx (N, C, H, W) fp32 of `forward` from dL/dy and the filters, through `precision`'s rungs.
std::vector<float> backward_data_on_gpu(const ConvProblem& forward, const std::vector<float>& grad_y,
                                        const std::vector<float>& filters, Precision precision,
                                        std::string& rung_name) {
  const ConvProblem backward = backward_data_problem(forward);
  const Kernels kernels = find_kernels(precision);
  const ConvRung* rung = first_that_takes(kernels.convs, backward);
  if (rung == nullptr) {
    ADD_FAILURE() << "no conv rung of the network takes " << describe(backward);
    return {};
  }
  rung_name = rung->name;
  const std::size_t input_elements = std::size_t(forward.n) * forward.c * forward.h * forward.w;
  DeviceBuffer<float> grad_y_d(grad_y), filters_d(filters);
  DeviceBuffer<float> grad_x_d(std::vector<float>(input_elements, poison_value()));
  DeviceBuffer<unsigned char> workspace(std::max<std::size_t>(1, workspace_bytes(*rung, backward)));
  if (precision == Precision::Fp32) {
    DeviceBuffer<float> flipped_d(filters.size());
    flip_filters(filters_d.data(), forward, flipped_d.data(), nullptr);
    rung->launch(
        ConvArgs{backward, grad_y_d.data(), flipped_d.data(), grad_x_d.data(), workspace.data(), workspace.size()},
        nullptr);
  } else {
    DeviceBuffer<__nv_bfloat16> grad_y16(grad_y.size()), flipped16(filters.size());
    DeviceBuffer<__nv_bfloat16> grad_x16(
        to_elements<__nv_bfloat16>(std::vector<float>(input_elements, poison_value())));
    nchw_to_nhwc_bf16(grad_y_d.data(), backward.n, backward.c, backward.h, backward.w, grad_y16.data(), nullptr);
    filters_to_krsc_bf16(filters_d.data(), forward, true, flipped16.data(), nullptr);
    rung->launch(
        Bf16ConvArgs{backward, grad_y16.data(), flipped16.data(), grad_x16.data(), workspace.data(), workspace.size()},
        nullptr);
    nhwc_bf16_to_nchw(grad_x16.data(), forward.n, forward.c, forward.h, forward.w, grad_x_d.data(), nullptr);
  }
  EXPECT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  return grad_x_d.download();
}

void check_backward_data(Precision precision, double bound) {
  for (const ConvProblem& forward : kForwardProblems) {
    ASSERT_EQ(backward_data_unsupported_reason(forward), std::nullopt) << describe(forward);
    Tensor<float> grad_y({forward.n, forward.k, forward.p(), forward.q()}),
        filters({forward.k, forward.c, forward.r, forward.s});
    fill_random(grad_y.values, 31);
    fill_random(filters.values, 32);
    const Tensor<double> expected =
        conv2d_backward_data(tensor_cast<double>(grad_y), tensor_cast<double>(filters),
                             {forward.n, forward.c, forward.h, forward.w}, Conv2dParams{1, forward.padding});
    std::string rung;
    const std::vector<float> got = backward_data_on_gpu(forward, grad_y.values, filters.values, precision, rung);
    ASSERT_EQ(got.size(), expected.size()) << describe(forward);
    EXPECT_LT(scaled_error(got, tensor_cast<float>(expected).values), bound) << describe(forward) << " on " << rung;
  }
}

TEST(GpuBackwardData, Fp32ThroughTheNetworksConvRungsMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  check_backward_data(Precision::Fp32, kFp32Error);
}

TEST(GpuBackwardData, Bf16ThroughTheNetworksConvRungsMatchesTheReference) {
  LADDER_SKIP_WITHOUT_GPU();
  if (query_device().compute_capability < 80) GTEST_SKIP() << "the bf16 conv rungs need compute capability 8.0";
  check_backward_data(Precision::Bf16, kBf16Error);
}

}  // namespace
}  // namespace ladder::nn::gpu
