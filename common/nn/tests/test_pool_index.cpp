// Max pooling's window arithmetic (common/nn/gpu/pool_index.hpp), on the CPU: the
// gather in the GPU's backward pass visits exactly the windows that contain an element, and
// one window's maximum, plain or with the conv block's bias and ReLU fused, is what the
// unfused reference layers give.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "common/nn/gpu/pool_index.hpp"
#include "common/nn/layers.hpp"

namespace ladder::nn::gpu {
namespace {

TEST(PoolIndex, OutputExtentIsTheReferences) {
  for (int input = 1; input <= 40; ++input)
    for (int window = 1; window <= 5; ++window)
      for (int stride = 1; stride <= 4; ++stride) {
        EXPECT_EQ(pool_output_extent(input, window, stride), conv_output_size(input, window, stride, 0))
            << input << " " << window << " " << stride;
      }
}

// Against every window, one by one, for overlapping (stride < window), touching and
// gapped (stride > window) windows and inputs that leave a ragged remainder.
TEST(PoolIndex, CoveringWindowsAreExactlyTheWindowsThatContainAPosition) {
  for (int input = 1; input <= 30; ++input)
    for (int window = 1; window <= 5; ++window)
      for (int stride = 1; stride <= 4; ++stride) {
        const int outputs = pool_output_extent(input, window, stride);
        if (outputs == 0) continue;
        for (int at = 0; at < input; ++at) {
          const WindowRange range = covering_windows(at, window, stride, outputs);
          for (int p = 0; p < outputs; ++p) {
            const bool contains = p * stride <= at && at < p * stride + window;
            const bool listed = range.first <= p && p <= range.last;
            EXPECT_EQ(listed, contains) << "input " << input << " window " << window << " stride " << stride
                                        << " position " << at << " window " << p;
          }
        }
      }
}

/// Where the reference layers send window o's gradient: a one-hot upstream gradient through
/// max_pool_backward, then (when `relu`) relu_backward on the activated plane.
std::vector<float> reference_gradient(const Tensor<float>& activated, const Pool2dParams& params, std::size_t o,
                                      bool relu) {
  Tensor<float> upstream(max_pool_forward(activated, params).shape);
  upstream.values[o] = 1.0f;
  const Tensor<float> pooled_grad = max_pool_backward(activated, upstream, params);
  return relu ? relu_backward(activated, pooled_grad).values : pooled_grad.values;
}

// Random planes with ties, for overlapping, touching and gapped windows, plain and fused, and
// a bias that clamps most windows: each window's value is the reference pool's of the
// activated plane, and its argmax is where the reference layers send its gradient (nowhere for
// kNoGradient).
TEST(PoolIndex, PoolWindowIsBiasThenReluThenTheReferencePool) {
  std::mt19937 engine(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (const int height : {4, 7, 9})
    for (const int window : {2, 3})
      for (const int stride : {1, 2, 3})
        for (const float bias : {0.0f, -1.5f, 0.7f})
          for (const bool fused : {false, true}) {
            const int width = height + 1;
            Tensor<float> plane({1, 1, height, width});
            for (std::size_t i = 0; i < plane.size(); ++i) plane.values[i] = i % 5 == 0 ? 0.25f : normal(engine);
            Tensor<float> activated = plane;
            if (fused)
              for (float& v : activated.values) v = std::max(v + bias, 0.0f);
            const Pool2dParams params{window, stride};
            const Tensor<float> pooled = max_pool_forward(activated, params);
            const int out_w = pool_output_extent(width, window, stride);
            for (std::size_t o = 0; o < pooled.size(); ++o) {
              const PooledWindow got = pool_window(plane.values.data(), width, int(o) / out_w, int(o) % out_w, window,
                                                   stride, fused ? &bias : nullptr);
              EXPECT_EQ(got.value, pooled.values[o]) << "window " << o;
              std::vector<float> expected_grad(plane.size(), 0.0f);
              if (got.argmax != kNoGradient) expected_grad[std::size_t(got.argmax)] = 1.0f;
              EXPECT_EQ(reference_gradient(activated, params, o, fused), expected_grad)
                  << height << "x" << width << " window " << window << " stride " << stride << " bias " << bias
                  << (fused ? " fused" : " plain") << ", output " << o;
            }
          }
}

// 1 + 1e8 and 2 + 1e8 round to the same float: the fused window must pick the first, as the
// reference does on the activated values, not the larger input.
TEST(PoolIndex, PoolWindowKeepsTiesThatRoundingMakes) {
  const float plane[4] = {1.0f, 2.0f, 0.0f, 0.0f};
  const float bias = 1e8f;
  ASSERT_EQ(plane[0] + bias, plane[1] + bias);
  const PooledWindow got = pool_window(plane, 2, 0, 0, 2, 2, &bias);
  EXPECT_EQ(got.argmax, 0);
  EXPECT_EQ(got.value, 1e8f);
}

TEST(PoolIndex, BiasThenReluIsTheReferencesArithmetic) {
  EXPECT_EQ(bias_then_relu(1.5f, -2.0f, true), 0.0f);
  EXPECT_EQ(bias_then_relu(1.5f, -2.0f, false), -0.5f);
  EXPECT_EQ(bias_then_relu(-1.0f, 1.0f, true), 0.0f);  // the kink counts as inactive
  EXPECT_EQ(bias_then_relu(0.25f, 0.5f, true), 0.75f);
}

}  // namespace
}  // namespace ladder::nn::gpu
