// The conv oracle (reference.hpp) against an independent plain loop, the
// layout permutations against index.hpp's offsets, and im2col against the
// oracle through a GEMM written out in the test.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/conv/index.hpp"
#include "common/conv/reference.hpp"
#include "common/core/host_matrix.hpp"

namespace ladder {
namespace {

std::vector<float> random_values(std::size_t count, std::uint64_t seed) {
  std::vector<float> values(count);
  fill_random(values, seed);
  return values;
}

// The ragged shapes every conv rung is tested on: one image and several; odd
// and unequal H and W; stride 1 and 2; padding 0, 1, 2 (and 3 for the 7x7
// stem); 1x1, 3x3, 5x5 and 7x7 filters (and a 3x5 one); C = 1 and C = 3; K = 5.
std::vector<ConvProblem> ragged_problems() {
  return {ConvProblem{1, 1, 5, 7, 5, 3, 3, 1, 1},     // N = 1, C = 1, "same" 3x3
          ConvProblem{2, 3, 9, 11, 5, 5, 5, 2, 2},    // 5x5, stride 2, pad 2
          ConvProblem{1, 3, 13, 9, 5, 7, 7, 2, 3},    // the ResNet stem's shape, small
          ConvProblem{2, 3, 7, 5, 5, 1, 1, 1, 0},     // 1x1: a plain GEMM over channels
          ConvProblem{1, 1, 6, 5, 5, 1, 1, 2, 2},     // 1x1 with pad 2: outputs that read only zeros
          ConvProblem{3, 3, 11, 13, 5, 3, 3, 2, 0},   // stride 2, no padding, the last column left over
          ConvProblem{1, 1, 9, 9, 5, 7, 7, 1, 2},     // 7x7, pad 2
          ConvProblem{2, 3, 7, 9, 5, 3, 5, 1, 1},     // a filter that is not square
          ConvProblem{1, 3, 17, 15, 5, 5, 5, 1, 0}};  // 5x5, no padding
}

// y[n][k][p][q] by problem.hpp's formula, one output at a time, with its own
// index arithmetic (nothing from index.hpp or common/nn) and long double sums.
std::vector<double> plain_conv_nchw(const ConvProblem& pr, const std::vector<float>& x, const std::vector<float>& w) {
  const int P = (pr.h + 2 * pr.padding - pr.r) / pr.stride + 1;
  const int Q = (pr.w + 2 * pr.padding - pr.s) / pr.stride + 1;
  std::vector<double> y;
  for (int n = 0; n < pr.n; ++n)
    for (int k = 0; k < pr.k; ++k)
      for (int p = 0; p < P; ++p)
        for (int q = 0; q < Q; ++q) {
          long double sum = 0;
          for (int c = 0; c < pr.c; ++c)
            for (int r = 0; r < pr.r; ++r)
              for (int s = 0; s < pr.s; ++s) {
                const int h = p * pr.stride - pr.padding + r, col = q * pr.stride - pr.padding + s;
                if (h < 0 || h >= pr.h || col < 0 || col >= pr.w) continue;  // padding reads as zero
                sum += (long double)x[((n * pr.c + c) * pr.h + h) * pr.w + col] *
                       w[((k * pr.c + c) * pr.r + r) * pr.s + s];
              }
          y.push_back(double(sum));
        }
  return y;
}

// Element-wise |got - want| <= tolerance · (1 + |want|): products of fp32
// values are exact in double, so the only difference is the order of the sums.
void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tolerance) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tolerance * (1 + std::fabs(want[i]))) << "element " << i;
}

// ---- The reference ------------------------------------------------------------------

TEST(ConvReference, MatchesThePlainLoopOnRaggedShapes) {
  std::uint64_t seed = 100;
  for (const ConvProblem& pr : ragged_problems()) {
    SCOPED_TRACE(describe(pr));
    const std::vector<float> x = random_values(pr.input_elements(), seed++);
    const std::vector<float> w = random_values(pr.filter_elements(), seed++);
    const std::vector<double> y = reference_conv_nchw(pr, x, w);
    ASSERT_EQ(y.size(), pr.output_elements());
    expect_close(y, plain_conv_nchw(pr, x, w), 1e-12);
  }
}

TEST(ConvReference, KnownSmallConvolution) {
  // A 3x3 image 1..9 and a 2x2 filter [[1, 0], [0, -1]]: each output is its
  // window's top-left minus its bottom-right, which is -4 everywhere.
  const ConvProblem pr = ConvProblem{1, 1, 3, 3, 1, 2, 2, 1, 0};
  EXPECT_EQ(reference_conv_nchw(pr, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 0, 0, -1}), (std::vector<double>{-4, -4, -4, -4}));
  // With pad 1 the corners see the zeros: output (0, 0) is 0 - 1 (only the
  // filter's bottom-right tap lands on the image).
  const ConvProblem padded = ConvProblem{1, 1, 3, 3, 1, 2, 2, 1, 1};
  const std::vector<double> y = reference_conv_nchw(padded, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 0, 0, -1});
  ASSERT_EQ(y.size(), 16u);
  EXPECT_EQ(y[0], -1);
  EXPECT_EQ(y[15], 9);  // bottom-right output: only the top-left tap is inside, on 9
}

TEST(ConvReference, SampledImagesEqualSlicesOfTheFullOutput) {
  const ConvProblem pr = ConvProblem{4, 3, 9, 7, 5, 3, 3, 2, 1};
  const std::vector<float> x = random_values(pr.input_elements(), 7), w = random_values(pr.filter_elements(), 8);
  const std::vector<double> full = reference_conv_nchw(pr, x, w);
  const std::vector<int> images = {3, 0, 3, 1};  // any order, repeats allowed
  const std::vector<double> sampled = reference_conv_nchw_images(pr, x, w, images);
  const std::size_t per_image = std::size_t(pr.k) * pr.p() * pr.q();
  ASSERT_EQ(sampled.size(), images.size() * per_image);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const std::vector<double> slice(full.begin() + images[i] * per_image, full.begin() + (images[i] + 1) * per_image);
    const std::vector<double> got(sampled.begin() + i * per_image, sampled.begin() + (i + 1) * per_image);
    EXPECT_EQ(got, slice) << "sample " << i << " (image " << images[i] << ")";
  }
  EXPECT_TRUE(reference_conv_nchw_images(pr, x, w, {}).empty());
}

TEST(ConvReference, RejectsMismatchedOrInvalidArguments) {
  const ConvProblem pr = ConvProblem{2, 3, 5, 7, 4, 3, 3, 1, 1};
  const std::vector<float> x(pr.input_elements(), 1.0f), w(pr.filter_elements(), 1.0f);
  EXPECT_THROW(reference_conv_nchw(pr, std::vector<float>(x.size() - 1), w), std::invalid_argument);
  EXPECT_THROW(reference_conv_nchw(pr, x, std::vector<float>(w.size() + 1)), std::invalid_argument);
  EXPECT_THROW(reference_conv_nchw_images(pr, x, w, {2}), std::invalid_argument);  // N = 2: images 0 and 1
  EXPECT_THROW(reference_conv_nchw_images(pr, x, w, {-1}), std::invalid_argument);
  EXPECT_THROW(im2col_nchw(pr, std::vector<float>(x.size() + 3)), std::invalid_argument);
  ConvProblem no_stride = pr;
  no_stride.stride = 0;
  EXPECT_THROW(reference_conv_nchw(no_stride, x, w), std::invalid_argument);
  // The message says what was expected.
  try {
    reference_conv_nchw(pr, std::vector<float>(5), w);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()),
              "reference_conv_nchw: the input has 5 elements, but N2 C3 5x7 -> K4 3x3 stride 1 pad 1 (output 5x7) "
              "needs N*C*H*W = 210");
  }
}

// ---- Layout permutations ------------------------------------------------------------

TEST(ConvLayouts, NhwcPutsEachElementWhereNhwcOffsetSays) {
  const ConvProblem pr = ConvProblem{2, 3, 5, 7, 4, 3, 2, 1, 1};
  const std::vector<float> nchw = random_values(pr.input_elements(), 21);
  const std::vector<float> nhwc = nchw_to_nhwc(nchw, pr.n, pr.c, pr.h, pr.w);
  ASSERT_EQ(nhwc.size(), nchw.size());
  for (int n = 0; n < pr.n; ++n)
    for (int c = 0; c < pr.c; ++c)
      for (int h = 0; h < pr.h; ++h)
        for (int w = 0; w < pr.w; ++w)
          ASSERT_EQ(nhwc[conv::nhwc_offset(pr, n, c, h, w)], nchw[conv::nchw_offset(pr, n, c, h, w)])
              << "(" << n << ", " << c << ", " << h << ", " << w << ")";
  EXPECT_EQ(nhwc_to_nchw(nhwc, pr.n, pr.c, pr.h, pr.w), nchw);
}

TEST(ConvLayouts, KrscPutsEachWeightWhereKrscOffsetSays) {
  const ConvProblem pr = ConvProblem{2, 3, 5, 7, 4, 3, 2, 1, 1};
  const std::vector<float> kcrs = random_values(pr.filter_elements(), 22);
  const std::vector<float> krsc = kcrs_to_krsc(kcrs, pr.k, pr.c, pr.r, pr.s);
  ASSERT_EQ(krsc.size(), kcrs.size());
  for (int k = 0; k < pr.k; ++k)
    for (int c = 0; c < pr.c; ++c)
      for (int r = 0; r < pr.r; ++r)
        for (int s = 0; s < pr.s; ++s)
          ASSERT_EQ(krsc[conv::krsc_offset(pr, k, c, r, s)], kcrs[conv::kcrs_offset(pr, k, c, r, s)])
              << "(" << k << ", " << c << ", " << r << ", " << s << ")";
  EXPECT_EQ(krsc_to_kcrs(krsc, pr.k, pr.c, pr.r, pr.s), kcrs);
}

TEST(ConvLayouts, RoundTripsForOtherElementTypesAndDegenerateShapes) {
  std::vector<double> values(2 * 3 * 4 * 5);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = double(i) + 0.5;
  EXPECT_EQ(nhwc_to_nchw(nchw_to_nhwc(values, 2, 3, 4, 5), 2, 3, 4, 5), values);
  EXPECT_NE(nchw_to_nhwc(values, 2, 3, 4, 5), values);  // it did move something
  // bf16 tensors travel as their 16-bit patterns.
  std::vector<std::uint16_t> bits(3 * 2 * 7 * 7);
  for (std::size_t i = 0; i < bits.size(); ++i) bits[i] = std::uint16_t(i * 37);
  EXPECT_EQ(krsc_to_kcrs(kcrs_to_krsc(bits, 3, 2, 7, 7), 3, 2, 7, 7), bits);
  // With one channel, or one pixel, NCHW and NHWC are the same order.
  EXPECT_EQ(nchw_to_nhwc(values, 2, 1, 6, 10), values);
  EXPECT_EQ(nchw_to_nhwc(values, 2, 60, 1, 1), values);
  EXPECT_THROW(nchw_to_nhwc(values, 2, 3, 4, 4), std::invalid_argument);
  EXPECT_THROW(krsc_to_kcrs(values, 2, 3, 4, 6), std::invalid_argument);
}

// How a bf16 NHWC rung is checked: permute its inputs to NCHW and KCRS, run the
// one reference, and read the NCHW result at the NHWC output's positions.
TEST(ConvLayouts, NhwcProblemsUseTheSameReferenceThroughPermutations) {
  const ConvProblem pr = ConvProblem{2, 3, 7, 9, 5, 3, 3, 2, 1};
  const std::vector<float> x_nhwc = random_values(pr.input_elements(), 31);
  const std::vector<float> w_krsc = random_values(pr.filter_elements(), 32);
  const std::vector<double> y_nchw = reference_conv_nchw(pr, nhwc_to_nchw(x_nhwc, pr.n, pr.c, pr.h, pr.w),
                                                         krsc_to_kcrs(w_krsc, pr.k, pr.c, pr.r, pr.s));
  const std::vector<double> y_nhwc = nchw_to_nhwc(y_nchw, pr.n, pr.k, pr.p(), pr.q());
  // An NHWC plain loop, written straight from the formula with NHWC and KRSC indexing.
  for (int n = 0; n < pr.n; ++n)
    for (int p = 0; p < pr.p(); ++p)
      for (int q = 0; q < pr.q(); ++q)
        for (int k = 0; k < pr.k; ++k) {
          double sum = 0;
          for (int r = 0; r < pr.r; ++r)
            for (int s = 0; s < pr.s; ++s)
              for (int c = 0; c < pr.c; ++c) {
                const int h = p * pr.stride - pr.padding + r, w = q * pr.stride - pr.padding + s;
                if (h < 0 || h >= pr.h || w < 0 || w >= pr.w) continue;
                sum += double(x_nhwc[((n * pr.h + h) * pr.w + w) * pr.c + c]) *
                       w_krsc[((k * pr.r + r) * pr.s + s) * pr.c + c];
              }
          ASSERT_NEAR(y_nhwc[conv::npqk_offset(pr, n, k, p, q)], sum, 1e-12 * (1 + std::fabs(sum)))
              << "(" << n << ", " << k << ", " << p << ", " << q << ")";
        }
}

// ---- im2col ---------------------------------------------------------------------------

TEST(Im2col, KnownSmallMatrix) {
  // A 3x3 image 1..9 and a 2x2 filter: four windows, each flattened to a row.
  const ConvProblem pr = ConvProblem{1, 1, 3, 3, 1, 2, 2, 1, 0};
  EXPECT_EQ(im2col_nchw(pr, {1, 2, 3, 4, 5, 6, 7, 8, 9}), (std::vector<float>{1, 2, 4, 5,     // output (0, 0)
                                                                              2, 3, 5, 6,     // output (0, 1)
                                                                              4, 5, 7, 8,     // output (1, 0)
                                                                              5, 6, 8, 9}));  // output (1, 1)
  // Two channels of a 2x2 image, pad 1, 2x2 filter, stride 2: output (0, 0)'s
  // window covers padding except its bottom-right tap, on pixel (0, 0).
  const ConvProblem padded = ConvProblem{1, 2, 2, 2, 1, 2, 2, 2, 1};
  ASSERT_EQ(padded.gemm_m(), 4);
  ASSERT_EQ(padded.gemm_k(), 8);
  const std::vector<float> lowered = im2col_nchw(padded, {1, 2, 3, 4, 10, 20, 30, 40});
  EXPECT_EQ(std::vector<float>(lowered.begin(), lowered.begin() + 8), (std::vector<float>{0, 0, 0, 1, 0, 0, 0, 10}));
  EXPECT_EQ(std::vector<float>(lowered.begin() + 24, lowered.end()),  // output (1, 1): top-left taps only
            (std::vector<float>{4, 0, 0, 0, 40, 0, 0, 0}));
}

// y = im2col(x) · Wᵀ: row (n, p, q) of the lowered matrix dotted with filter k
// (a row of the KCRS filters, read as a K × C·R·S matrix) is y[n][k][p][q].
TEST(Im2col, TimesTheFiltersIsTheConvolution) {
  std::uint64_t seed = 200;
  for (const ConvProblem& pr : ragged_problems()) {
    SCOPED_TRACE(describe(pr));
    const std::vector<float> x = random_values(pr.input_elements(), seed++);
    const std::vector<float> w = random_values(pr.filter_elements(), seed++);
    const std::vector<float> lowered = im2col_nchw(pr, x);
    const long long rows = pr.gemm_m();
    const int taps = pr.gemm_k();
    ASSERT_EQ(lowered.size(), std::size_t(rows) * taps);
    const std::vector<double> reference = reference_conv_nchw(pr, x, w);
    const int P = pr.p(), Q = pr.q();
    for (long long row = 0; row < rows; ++row) {
      // Row (n, p, q), decoded here by hand: q fastest.
      const int n = int(row / (P * Q)), p = int(row / Q % P), q = int(row % Q);
      for (int k = 0; k < pr.k; ++k) {
        double dot = 0;
        for (int tap = 0; tap < taps; ++tap)
          dot += double(lowered[std::size_t(row) * taps + tap]) * w[std::size_t(k) * taps + tap];
        const double want = reference[((std::size_t(n) * pr.k + k) * P + p) * Q + q];
        ASSERT_NEAR(dot, want, 1e-12 * (1 + std::fabs(want))) << "row " << row << ", k " << k;
      }
    }
  }
}

TEST(Im2col, BytesAreTheLoweredMatrixSize) {
  const ConvProblem small = ConvProblem{2, 3, 9, 11, 5, 5, 5, 2, 2};
  EXPECT_EQ(im2col_bytes(small, 4), std::size_t(small.gemm_m()) * small.gemm_k() * 4);
  EXPECT_EQ(im2col_bytes(small, 2), im2col_nchw(small, random_values(small.input_elements(), 1)).size() * 2);
  // ResNet-50's first 3x3 layer at batch 32: a stride-1 "same" convolution
  // lowers to R·S = 9 times its input, 231 MB of fp32 beside a 26 MB input.
  ConvProblem resnet = ConvProblem{32, 64, 56, 56, 64, 3, 3, 1, 1};
  EXPECT_EQ(im2col_bytes(resnet, 4), 231211008u);
  EXPECT_EQ(im2col_bytes(resnet, 4), 9 * resnet.input_elements() * 4);
}

}  // namespace
}  // namespace ladder
