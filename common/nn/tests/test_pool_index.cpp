// Max pooling's window arithmetic (common/nn/gpu/pool_index.hpp), on the CPU: the
// gather in the GPU's backward pass visits exactly the windows that contain an element.
#include <gtest/gtest.h>

#include "common/nn/gpu/pool_index.hpp"
#include "common/nn/layers.hpp"

namespace ladder::nn::gpu {
namespace {

TEST(PoolIndex, OutputExtentIsTheReferences) {
  for (int input = 1; input <= 40; ++input)
    for (int window = 1; window <= 5; ++window)
      for (int stride = 1; stride <= 4; ++stride) {
        const int expected = input < window ? 0 : conv_output_size(input, window, stride, 0);
        EXPECT_EQ(pool_output_extent(input, window, stride), expected) << input << " " << window << " " << stride;
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

}  // namespace
}  // namespace ladder::nn::gpu
