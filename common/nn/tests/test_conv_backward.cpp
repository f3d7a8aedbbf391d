// The backward-data pass as a forward convolution (common/nn/gpu/conv_backward.hpp), on the
// CPU: the CPU reference's forward convolution, run on the problem and the flipped filters
// that conv_backward.hpp gives, must equal the CPU reference's backward-data pass. The GPU
// network runs the same two functions with a conv rung in place of the CPU loop.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "common/nn/gpu/bf16_index.hpp"
#include "common/nn/gpu/conv_backward.hpp"
#include "common/nn/layers.hpp"
#include "common/nn/random.hpp"

namespace ladder::nn::gpu {
namespace {

Tensor<double> random_tensor(std::vector<int> shape, Random& random) {
  Tensor<double> tensor(std::move(shape));
  for (double& value : tensor.values) value = random.uniform(-1, 1);
  return tensor;
}

Tensor<double> flipped(const Tensor<double>& filters, const ConvProblem& forward) {
  Tensor<double> result({forward.c, forward.k, forward.r, forward.s});
  std::size_t i = 0;
  for (int k = 0; k < forward.k; ++k)
    for (int c = 0; c < forward.c; ++c)
      for (int r = 0; r < forward.r; ++r)
        for (int s = 0; s < forward.s; ++s)
          result.values[flipped_filter_index(forward, k, c, r, s)] = filters.values[i++];
  return result;
}

TEST(ConvBackward, FlippedFilterIndexIsABijection) {
  const ConvProblem forward{2, 3, 9, 9, 4, 5, 5, 1, 2};
  std::set<std::size_t> seen;
  for (int k = 0; k < forward.k; ++k)
    for (int c = 0; c < forward.c; ++c)
      for (int r = 0; r < forward.r; ++r)
        for (int s = 0; s < forward.s; ++s) {
          const std::size_t at = flipped_filter_index(forward, k, c, r, s);
          EXPECT_LT(at, forward.filter_elements());
          seen.insert(at);
        }
  EXPECT_EQ(seen.size(), forward.filter_elements());
  // Tap (k, c, 0, 0) lands at the far corner of filter (c, k).
  EXPECT_EQ(flipped_filter_index(forward, 1, 2, 0, 0), ((2u * 4 + 1) * 5 + 4) * 5 + 4);
}

// Filters 1x1 to 5x5, every padding from 0 to R - 1, odd image sizes; LeNet's conv2 among them.
TEST(ConvBackward, BackwardDataIsAForwardConvolutionWithFlippedFilters) {
  Random random(11);
  for (const int side : {1, 2, 3, 4, 5})
    for (int padding = 0; padding < side; ++padding) {
      const ConvProblem forward{3, 2, 7 + side, 9, 4, side, side, 1, padding};
      ASSERT_FALSE(backward_data_unsupported_reason(forward));
      const Tensor<double> filters = random_tensor({forward.k, forward.c, forward.r, forward.s}, random);
      const Tensor<double> grad_y = random_tensor({forward.n, forward.k, forward.p(), forward.q()}, random);
      const Tensor<double> expected =
          conv2d_backward_data(grad_y, filters, {forward.n, forward.c, forward.h, forward.w}, Conv2dParams{1, padding});
      const ConvProblem backward = backward_data_problem(forward);
      EXPECT_EQ(backward.p(), forward.h);
      EXPECT_EQ(backward.q(), forward.w);
      const Tensor<double> got = conv2d_forward(grad_y, flipped(filters, forward), Tensor<double>({forward.c}),
                                                Conv2dParams{1, backward.padding});
      ASSERT_EQ(got.shape, expected.shape);
      for (std::size_t i = 0; i < got.size(); ++i)
        ASSERT_NEAR(got.values[i], expected.values[i], 1e-12) << side << "x" << side << " padding " << padding;
    }
  const ConvProblem lenet_conv2{8, 6, 14, 14, 16, 5, 5, 1, 0};
  EXPECT_EQ(backward_data_problem(lenet_conv2).padding, 4);
}

// The bf16 filter layouts: KRSC is a bijection, and its flipped form holds the same bank as
// flipped_filter_index's (C, K, R, S), only with K innermost: (C, R, S, K).
TEST(Bf16Index, KrscIsABijectionAndItsFlipIsTheBackwardDataBank) {
  const ConvProblem forward{2, 6, 14, 14, 16, 5, 5, 1, 0};
  for (const bool flipped : {false, true}) {
    std::set<std::size_t> seen;
    for (int k = 0; k < forward.k; ++k)
      for (int c = 0; c < forward.c; ++c)
        for (int r = 0; r < forward.r; ++r)
          for (int s = 0; s < forward.s; ++s) {
            seen.insert(krsc_index(forward, flipped, k, c, r, s));
            if (!flipped) continue;
            // flipped_filter_index's bank (C, K, R, S): the same tap, the same filter, K moved innermost.
            const std::size_t ckrs = flipped_filter_index(forward, k, c, r, s);
            const int s2 = int(ckrs % 5), r2 = int(ckrs / 5 % 5), k2 = int(ckrs / 25 % 16), c2 = int(ckrs / 400);
            EXPECT_EQ(krsc_index(forward, true, k, c, r, s), ((std::size_t(c2) * 5 + r2) * 5 + s2) * 16 + k2);
          }
    EXPECT_EQ(seen.size(), forward.filter_elements());
    EXPECT_LT(*seen.rbegin(), forward.filter_elements());
  }
  EXPECT_EQ(krsc_index(forward, false, 1, 2, 3, 4), ((1u * 5 + 3) * 5 + 4) * 6 + 2);
}

TEST(Bf16Index, LeadingDimensionsSpanWhole16ByteChunks) {
  for (int columns = 1; columns <= 200; ++columns) {
    const int ld = bf16_leading_dimension(columns);
    EXPECT_GE(ld, columns);
    EXPECT_LT(ld, columns + 8);
    EXPECT_EQ(ld * 2 % 16, 0) << columns;
  }
}

TEST(ConvBackward, WhatItCannotDoIsSaid) {
  EXPECT_NE(backward_data_unsupported_reason({1, 1, 9, 9, 1, 3, 3, 2, 1})->find("stride 1"), std::string::npos);
  EXPECT_NE(backward_data_unsupported_reason({1, 1, 9, 9, 1, 3, 5, 1, 1})->find("square"), std::string::npos);
  EXPECT_NE(backward_data_unsupported_reason({1, 1, 9, 9, 1, 3, 3, 1, 3})->find("padding"), std::string::npos);
}

}  // namespace
}  // namespace ladder::nn::gpu
