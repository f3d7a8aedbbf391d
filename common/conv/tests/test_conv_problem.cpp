// ConvProblem's arithmetic, its validity checks and its description.
#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <vector>

#include "common/conv/problem.hpp"
#include "common/nn/layers.hpp"

namespace ladder {
namespace {

// The four 3x3 stages of ResNet-50 at batch 32: the headline conv problems.
std::vector<ConvProblem> resnet50_3x3_layers() {
  return {ConvProblem{32, 64, 56, 56, 64, 3, 3, 1, 1}, ConvProblem{32, 128, 28, 28, 128, 3, 3, 1, 1},
          ConvProblem{32, 256, 14, 14, 256, 3, 3, 1, 1}, ConvProblem{32, 512, 7, 7, 512, 3, 3, 1, 1}};
}

// ---- Output extent, GEMM view, FLOPs ------------------------------------------------

TEST(ConvProblem, OutputExtentMatchesTheCnnReference) {
  int checked = 0;
  for (int extent = 1; extent <= 12; ++extent)
    for (int filter = 1; filter <= 7; ++filter)
      for (int stride = 1; stride <= 3; ++stride)
        for (int padding = 0; padding <= 3; ++padding) {
          if (filter > extent + 2 * padding) continue;
          // Height and width get different extents, so a p()/q() mix-up shows.
          const ConvProblem pr = ConvProblem{1, 1, extent, extent + 3, 1, filter, filter + 1, stride, padding};
          if (pr.s > pr.w + 2 * padding) continue;
          ASSERT_EQ(pr.p(), nn::conv_output_size(pr.h, pr.r, stride, padding)) << describe(pr);
          ASSERT_EQ(pr.q(), nn::conv_output_size(pr.w, pr.s, stride, padding)) << describe(pr);
          ++checked;
        }
  EXPECT_GT(checked, 500);
}

TEST(ConvProblem, OutputExtentByHand) {
  EXPECT_EQ((ConvProblem{1, 3, 224, 224, 64, 7, 7, 2, 3}).p(), 112);  // the ResNet stem halves the image
  EXPECT_EQ((ConvProblem{1, 1, 56, 56, 1, 3, 3, 1, 1}).q(), 56);      // "same" padding keeps it
  EXPECT_EQ((ConvProblem{1, 1, 5, 7, 1, 3, 3, 1, 0}).p(), 3);         // no padding loses R - 1 rows
  EXPECT_EQ((ConvProblem{1, 1, 5, 7, 1, 3, 3, 1, 0}).q(), 5);
  EXPECT_EQ((ConvProblem{1, 1, 8, 8, 1, 3, 3, 2, 0}).p(), 3);  // (8 - 3) / 2 + 1: the last row is left over
}

TEST(ConvProblem, GemmViewAndElementCounts) {
  const ConvProblem pr = ConvProblem{2, 3, 5, 7, 4, 3, 2, 2, 1};  // P = 3, Q = 4
  ASSERT_EQ(pr.p(), 3);
  ASSERT_EQ(pr.q(), 4);
  EXPECT_EQ(pr.gemm_m(), 2 * 3 * 4);
  EXPECT_EQ(pr.gemm_n(), 4);
  EXPECT_EQ(pr.gemm_k(), 3 * 3 * 2);
  EXPECT_EQ(pr.input_elements(), 2u * 3 * 5 * 7);
  EXPECT_EQ(pr.filter_elements(), 4u * 3 * 3 * 2);
  EXPECT_EQ(pr.output_elements(), 2u * 4 * 3 * 4);
  EXPECT_EQ(pr.min_bytes(4), 4.0 * (210 + 72 + 96));
}

TEST(ConvProblem, GemmMDoesNotOverflowInt) {
  // 1024 images of 512x512 outputs: 2^28 rows, fine; 8192 of them: 2^31, past INT_MAX.
  const ConvProblem pr = ConvProblem{8192, 1, 512, 512, 1, 1, 1, 1, 0};
  EXPECT_EQ(pr.gemm_m(), 8192LL * 512 * 512);
}

TEST(ConvProblem, FlopsCountEveryTapOfEveryOutput) {
  // One 3x3 filter on a 3x3 image: one output, nine multiply-adds.
  EXPECT_EQ((ConvProblem{1, 1, 3, 3, 1, 3, 3, 1, 0}).flops(), 18.0);
  // Padding taps are counted too: a 3x3 "same" convolution of a 2x2 image has
  // 4 outputs of 9 taps each, although only 4 taps of the corner ones read the image.
  EXPECT_EQ((ConvProblem{1, 1, 2, 2, 1, 3, 3, 1, 1}).flops(), 2.0 * 4 * 9);
  // Each ResNet-50 stage halves the image and doubles the channels, so every
  // 3x3 stage costs the same: 2·32·56·56·64·64·9 = 7.4 GFLOP.
  for (const ConvProblem& layer : resnet50_3x3_layers()) EXPECT_EQ(layer.flops(), 7398752256.0) << describe(layer);
}

// ---- invalid_reason -----------------------------------------------------------------

// The reason, or "" when the problem is valid (so a failure prints it).
std::string reason(const ConvProblem& problem) { return invalid_reason(problem).value_or(""); }

TEST(ConvProblemValidity, RealLayersAreValid) {
  for (const ConvProblem& layer : resnet50_3x3_layers()) EXPECT_EQ(reason(layer), "") << describe(layer);
  EXPECT_EQ(reason((ConvProblem{32, 64, 56, 56, 256, 1, 1, 1, 0})), "");   // 1x1 expansion
  EXPECT_EQ(reason((ConvProblem{32, 128, 56, 56, 128, 3, 3, 2, 1})), "");  // stride-2 downsampling
  EXPECT_EQ(reason((ConvProblem{32, 3, 224, 224, 64, 7, 7, 2, 3})), "");   // the stem
  EXPECT_EQ(reason((ConvProblem{1, 1, 1, 1, 1, 1, 1, 1, 0})), "");         // the smallest
  EXPECT_EQ(reason((ConvProblem{1, 1, 3, 3, 1, 5, 5, 1, 1})), "");         // filter exactly the padded input
  EXPECT_EQ(reason((ConvProblem{1, 1, 6, 5, 1, 1, 1, 1, 2})), "");         // padding wider than the filter
  EXPECT_EQ(reason((ConvProblem{INT_MAX, 1, 1, 1, 1, 1, 1, 1, 0})), "");   // exactly INT32_MAX elements
}

TEST(ConvProblemValidity, EachSizeMustBeAtLeastOne) {
  const ConvProblem valid = ConvProblem{2, 3, 5, 7, 4, 3, 2, 1, 1};
  const std::vector<std::pair<std::string, int ConvProblem::*>> sizes = {
      {"N", &ConvProblem::n}, {"C", &ConvProblem::c}, {"H", &ConvProblem::h}, {"W", &ConvProblem::w},
      {"K", &ConvProblem::k}, {"R", &ConvProblem::r}, {"S", &ConvProblem::s}};
  for (const auto& [name, member] : sizes) {
    ConvProblem zero = valid;
    zero.*member = 0;
    EXPECT_EQ(reason(zero), name + " is 0: every size must be at least 1");
    ConvProblem negative = valid;
    negative.*member = -3;
    EXPECT_EQ(reason(negative), name + " is -3: every size must be at least 1");
  }
}

TEST(ConvProblemValidity, StrideAndPadding) {
  EXPECT_EQ(reason((ConvProblem{1, 1, 5, 5, 1, 3, 3, 0, 1})), "stride is 0: it must be at least 1");
  EXPECT_EQ(reason((ConvProblem{1, 1, 5, 5, 1, 3, 3, -2, 1})), "stride is -2: it must be at least 1");
  EXPECT_EQ(reason((ConvProblem{1, 1, 5, 5, 1, 3, 3, 1, -1})), "padding is -1: it must be 0 or more");
}

TEST(ConvProblemValidity, FilterLargerThanThePaddedInput) {
  EXPECT_EQ(reason((ConvProblem{1, 1, 3, 3, 1, 7, 7, 1, 1})),
            "the 7x7 filter is larger than the padded 5x5 input (3x3 with pad 1)");
  // Either axis alone is enough.
  EXPECT_EQ(reason((ConvProblem{1, 1, 9, 4, 1, 3, 5, 1, 0})),
            "the 3x5 filter is larger than the padded 9x4 input (9x4 with pad 0)");
  EXPECT_EQ(reason((ConvProblem{1, 1, 2, 9, 1, 5, 3, 2, 1})),
            "the 5x3 filter is larger than the padded 4x11 input (2x9 with pad 1)");
}

TEST(ConvProblemValidity, PaddedExtentMustFitInAnInt) {
  EXPECT_EQ(reason((ConvProblem{1, 1, 1 << 30, 1, 1, 1, 1, 1, 1 << 30})),
            "the padded input, 3221225472x2147483649 (1073741824x1 with pad 1073741824), has an extent that does not "
            "fit in an int");
}

TEST(ConvProblemValidity, EachTensorMustHaveAtMostInt32MaxElements) {
  // Input: 2^32 elements; output the same size, but the input is named first.
  EXPECT_EQ(reason((ConvProblem{1, 65536, 256, 256, 1, 1, 1, 1, 0})),
            "the input tensor (N, C, H, W) = (1, 65536, 256, 256) has more than INT32_MAX elements");
  // Just past the limit: 2^31 elements.
  EXPECT_EQ(reason((ConvProblem{2, 1 << 30, 1, 1, 1, 1, 1, 1, 0})),
            "the input tensor (N, C, H, W) = (2, 1073741824, 1, 1) has more than INT32_MAX elements");
  // One filter of 2^20 channels of 64x64 taps: a small input (padding makes
  // room for the filter) but a reduction of 2^32 steps.
  EXPECT_EQ(reason((ConvProblem{1, 1 << 20, 1, 1, 1, 64, 64, 1, 32})),
            "one filter (C, R, S) = (1048576, 64, 64) has more than INT32_MAX elements: the GEMM view's reduction "
            "length C*R*S overflows int");
  // Filters: 65536 x 65536 x 1 x 1.
  EXPECT_EQ(reason((ConvProblem{1, 65536, 1, 1, 65536, 1, 1, 1, 0})),
            "the filter tensor (K, C, R, S) = (65536, 65536, 1, 1) has more than INT32_MAX elements");
  // Output: a one-pixel image padded to 60001x60001 outputs.
  EXPECT_EQ(reason((ConvProblem{1, 1, 1, 1, 1, 1, 1, 1, 30000})),
            "the output tensor (N, K, P, Q) = (1, 1, 60001, 60001) has more than INT32_MAX elements");
  // Sizes near 2^31 each, whose product overflows even long long, are still caught.
  EXPECT_EQ(reason((ConvProblem{INT_MAX, INT_MAX, INT_MAX, INT_MAX, 1, 1, 1, 1, 0})),
            "the input tensor (N, C, H, W) = (2147483647, 2147483647, 2147483647, 2147483647) has more than "
            "INT32_MAX elements");
}

// ---- describe -----------------------------------------------------------------------

TEST(ConvProblemDescribe, NamesSizesLayoutAndOutput) {
  EXPECT_EQ(describe((ConvProblem{32, 64, 56, 56, 64, 3, 3, 1, 1})),
            "N32 C64 56x56 -> K64 3x3 stride 1 pad 1 (output 56x56)");
  EXPECT_EQ(describe((ConvProblem{1, 3, 224, 224, 64, 7, 7, 2, 3})),
            "N1 C3 224x224 -> K64 7x7 stride 2 pad 3 (output 112x112)");
  // Height before width, for the image, the filter and the output alike.
  EXPECT_EQ(describe((ConvProblem{2, 3, 5, 7, 4, 3, 2, 1, 1})), "N2 C3 5x7 -> K4 3x2 stride 1 pad 1 (output 5x8)");
  // An invalid problem is described without the output it does not have
  // (and without dividing by its zero stride).
  EXPECT_EQ(describe((ConvProblem{1, 1, 5, 5, 1, 3, 3, 0, 1})), "N1 C1 5x5 -> K1 3x3 stride 0 pad 1");
}

// ---- nchw_output_namer -----------------------------------------------------------

TEST(ConvProblemNamer, NamesImageChannelRowAndColumnOfAnNchwOutput) {
  const ConvProblem problem{4, 3, 5, 7, 6, 3, 3, 1, 1};  // output 4 x 6 x 5 x 7
  const ElementNamer name = nchw_output_namer(problem);
  EXPECT_EQ(name(0), "image 0, channel 0, row 0, col 0");
  EXPECT_EQ(name(6), "image 0, channel 0, row 0, col 6");
  EXPECT_EQ(name(7), "image 0, channel 0, row 1, col 0");
  EXPECT_EQ(name(35), "image 0, channel 1, row 0, col 0");
  EXPECT_EQ(name(3 * 6 * 35 + 2 * 35 + 4 * 7 + 6), "image 3, channel 2, row 4, col 6");
}

TEST(ConvProblemNamer, CountsImagesThroughTheCheckedList) {
  // The runner compares the first and the last image only: slot 1 is image 3.
  const ConvProblem problem{4, 3, 5, 7, 6, 3, 3, 1, 1};
  const ElementNamer name = nchw_output_namer(problem, {0, 3});
  EXPECT_EQ(name(6 * 35 + 35 + 8), "image 3, channel 1, row 1, col 1");
  EXPECT_EQ(name(5), "image 0, channel 0, row 0, col 5");
}

}  // namespace
}  // namespace ladder
