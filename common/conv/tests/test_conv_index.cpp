// The conv index maps (index.hpp) against their definitions, by brute force:
// every offset of every tensor, every row and tap of the GEMM view, and the
// halo of every tile of a few ragged problems.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "common/conv/index.hpp"

namespace ladder {
namespace {

// Every size different, so a swapped pair of extents changes the answer.
// Output: P = 5, Q = 8.
const ConvProblem kRagged = ConvProblem{2, 3, 5, 7, 4, 3, 2, 1, 1};

// ---- Tensor offsets ---------------------------------------------------------------

using Offset4 = std::function<long long(int, int, int, int)>;

// Calls `offset` on every index of a tensor with `extents` (in the function's
// own argument order, e.g. n, c, h, w) and checks that it hits every element
// of [0, count) exactly once.
void expect_bijection(const std::string& name, const int (&extents)[4], const Offset4& offset) {
  const long long count = (long long)extents[0] * extents[1] * extents[2] * extents[3];
  std::vector<int> hits(std::size_t(count), 0);
  for (int a = 0; a < extents[0]; ++a)
    for (int b = 0; b < extents[1]; ++b)
      for (int c = 0; c < extents[2]; ++c)
        for (int d = 0; d < extents[3]; ++d) {
          const long long at = offset(a, b, c, d);
          ASSERT_GE(at, 0) << name << " (" << a << ", " << b << ", " << c << ", " << d << ")";
          ASSERT_LT(at, count) << name << " (" << a << ", " << b << ", " << c << ", " << d << ")";
          ++hits[std::size_t(at)];
        }
  for (long long at = 0; at < count; ++at) EXPECT_EQ(hits[std::size_t(at)], 1) << name << " offset " << at;
}

TEST(ConvOffsets, EachIsABijectionOntoItsTensor) {
  const ConvProblem& pr = kRagged;
  const int activation[4] = {pr.n, pr.c, pr.h, pr.w};
  const int filter[4] = {pr.k, pr.c, pr.r, pr.s};
  const int output[4] = {pr.n, pr.k, pr.p(), pr.q()};
  using namespace conv;
  expect_bijection("nchw", activation, [&](int n, int c, int h, int w) { return nchw_offset(pr, n, c, h, w); });
  expect_bijection("nhwc", activation, [&](int n, int c, int h, int w) { return nhwc_offset(pr, n, c, h, w); });
  expect_bijection("kcrs", filter, [&](int k, int c, int r, int s) { return kcrs_offset(pr, k, c, r, s); });
  expect_bijection("krsc", filter, [&](int k, int c, int r, int s) { return krsc_offset(pr, k, c, r, s); });
  expect_bijection("nkpq", output, [&](int n, int k, int p, int q) { return nkpq_offset(pr, n, k, p, q); });
  expect_bijection("npqk", output, [&](int n, int k, int p, int q) { return npqk_offset(pr, n, k, p, q); });
}

// Each layout's name lists its dimensions slowest first: walking them in that
// nesting order must visit offsets 0, 1, 2, ... in turn.
TEST(ConvOffsets, FollowTheOrderTheirNamesSay) {
  const ConvProblem& pr = kRagged;
  long long next = 0;
  for (int n = 0; n < pr.n; ++n)
    for (int c = 0; c < pr.c; ++c)
      for (int h = 0; h < pr.h; ++h)
        for (int w = 0; w < pr.w; ++w) ASSERT_EQ(conv::nchw_offset(pr, n, c, h, w), next++);
  next = 0;
  for (int n = 0; n < pr.n; ++n)
    for (int h = 0; h < pr.h; ++h)
      for (int w = 0; w < pr.w; ++w)
        for (int c = 0; c < pr.c; ++c) ASSERT_EQ(conv::nhwc_offset(pr, n, c, h, w), next++);  // c fastest
  next = 0;
  for (int k = 0; k < pr.k; ++k)
    for (int c = 0; c < pr.c; ++c)
      for (int r = 0; r < pr.r; ++r)
        for (int s = 0; s < pr.s; ++s) ASSERT_EQ(conv::kcrs_offset(pr, k, c, r, s), next++);
  next = 0;
  for (int k = 0; k < pr.k; ++k)
    for (int r = 0; r < pr.r; ++r)
      for (int s = 0; s < pr.s; ++s)
        for (int c = 0; c < pr.c; ++c) ASSERT_EQ(conv::krsc_offset(pr, k, c, r, s), next++);  // c fastest
  next = 0;
  for (int n = 0; n < pr.n; ++n)
    for (int k = 0; k < pr.k; ++k)
      for (int p = 0; p < pr.p(); ++p)
        for (int q = 0; q < pr.q(); ++q) ASSERT_EQ(conv::nkpq_offset(pr, n, k, p, q), next++);
  next = 0;
  for (int n = 0; n < pr.n; ++n)
    for (int p = 0; p < pr.p(); ++p)
      for (int q = 0; q < pr.q(); ++q)
        for (int k = 0; k < pr.k; ++k) ASSERT_EQ(conv::npqk_offset(pr, n, k, p, q), next++);  // k fastest
}

// The NHWC output is the GEMM view's C matrix: row im2col_row(n, p, q), column k.
TEST(ConvOffsets, NpqkIsTheGemmViewRowMajor) {
  const ConvProblem& pr = kRagged;
  for (int n = 0; n < pr.n; ++n)
    for (int k = 0; k < pr.k; ++k)
      for (int p = 0; p < pr.p(); ++p)
        for (int q = 0; q < pr.q(); ++q)
          ASSERT_EQ(conv::npqk_offset(pr, n, k, p, q), conv::im2col_row(pr, n, p, q) * pr.gemm_n() + k);
}

// ---- The GEMM view's rows and reduction steps --------------------------------------

// Problems whose GEMM view differs in every way that matters: strides, padding,
// 1x1 and 7x7 filters, one and three channels, several images.
std::vector<ConvProblem> gemm_view_problems() {
  return {kRagged,
          ConvProblem{3, 1, 9, 11, 2, 7, 7, 2, 2},   // 7x7, stride 2, pad 2, C = 1
          ConvProblem{2, 3, 13, 10, 5, 7, 7, 2, 3},  // the ResNet stem's shape, small
          ConvProblem{4, 1, 6, 5, 3, 1, 1, 1, 0},    // 1x1, C = 1
          ConvProblem{2, 3, 7, 9, 2, 1, 1, 2, 2},    // 1x1, stride 2, pad 2: outputs read only padding
          ConvProblem{1, 16, 4, 4, 8, 3, 3, 1, 1}};  // many channels
}

TEST(ConvGemmView, RowsAndOutputPositionsAreInverse) {
  for (const ConvProblem& pr : gemm_view_problems()) {
    SCOPED_TRACE(describe(pr));
    long long next_row = 0;  // q fastest, then p, then n
    for (int n = 0; n < pr.n; ++n)
      for (int p = 0; p < pr.p(); ++p)
        for (int q = 0; q < pr.q(); ++q) {
          const long long row = conv::im2col_row(pr, n, p, q);
          ASSERT_EQ(row, next_row++);
          ASSERT_EQ(conv::output_position(pr, row), (conv::OutputPosition{n, p, q})) << "row " << row;
        }
    ASSERT_EQ(next_row, pr.gemm_m());
    for (long long row = 0; row < pr.gemm_m(); ++row) {
      const conv::OutputPosition at = conv::output_position(pr, row);
      ASSERT_EQ(conv::im2col_row(pr, at.n, at.p, at.q), row);
    }
  }
}

TEST(ConvGemmView, CrsTapIndicesAndTapsAreInverse) {
  for (const ConvProblem& pr : gemm_view_problems()) {
    SCOPED_TRACE(describe(pr));
    int next_index = 0;  // c slowest: the order of w[k][c][r][s] within one filter
    for (int c = 0; c < pr.c; ++c)
      for (int r = 0; r < pr.r; ++r)
        for (int s = 0; s < pr.s; ++s) {
          const int index = conv::tap_index_crs(pr, c, r, s);
          ASSERT_EQ(index, next_index++);
          ASSERT_EQ(index, conv::kcrs_offset(pr, 0, c, r, s));  // filter 0 starts at offset 0
          ASSERT_EQ(conv::filter_tap_crs(pr, index), (conv::FilterTap{c, r, s})) << "index " << index;
        }
    ASSERT_EQ(next_index, pr.gemm_k());
    for (int index = 0; index < pr.gemm_k(); ++index) {
      const conv::FilterTap tap = conv::filter_tap_crs(pr, index);
      ASSERT_EQ(conv::tap_index_crs(pr, tap.c, tap.r, tap.s), index);
    }
  }
}

TEST(ConvGemmView, RscTapIndicesAndTapsAreInverse) {
  for (const ConvProblem& pr : gemm_view_problems()) {
    SCOPED_TRACE(describe(pr));
    int next_index = 0;  // c fastest: a pixel's channels are consecutive reduction steps
    for (int r = 0; r < pr.r; ++r)
      for (int s = 0; s < pr.s; ++s)
        for (int c = 0; c < pr.c; ++c) {
          const int index = conv::tap_index_rsc(pr, c, r, s);
          ASSERT_EQ(index, next_index++);
          ASSERT_EQ(index, conv::krsc_offset(pr, 0, c, r, s));
          ASSERT_EQ(conv::filter_tap_rsc(pr, index), (conv::FilterTap{c, r, s})) << "index " << index;
        }
    ASSERT_EQ(next_index, pr.gemm_k());
    for (int index = 0; index < pr.gemm_k(); ++index) {
      const conv::FilterTap tap = conv::filter_tap_rsc(pr, index);
      ASSERT_EQ(conv::tap_index_rsc(pr, tap.c, tap.r, tap.s), index);
    }
  }
}

// The two orders of the same taps differ (unless C = 1 or the filter is 1x1):
// a rung that mixed them up would read the wrong weights.
TEST(ConvGemmView, CrsAndRscOrdersDifferWhenThereIsSomethingToReorder) {
  const ConvProblem& pr = kRagged;
  int differing = 0;
  for (int index = 0; index < pr.gemm_k(); ++index)
    differing += conv::filter_tap_crs(pr, index) == conv::filter_tap_rsc(pr, index) ? 0 : 1;
  EXPECT_GT(differing, 0);
  const ConvProblem one_channel = ConvProblem{1, 1, 5, 5, 1, 3, 3, 1, 0};
  for (int index = 0; index < one_channel.gemm_k(); ++index)
    EXPECT_EQ(conv::filter_tap_crs(one_channel, index), conv::filter_tap_rsc(one_channel, index));
}

TEST(ConvGemmView, InputRowAndColumnFollowTheDefinition) {
  const ConvProblem pr = ConvProblem{1, 1, 9, 11, 1, 3, 5, 2, 2};
  // x[p·stride − pad + r][q·stride − pad + s], problem.hpp's formula, spelt out.
  EXPECT_EQ(conv::input_row(pr, 0, 0), -2);
  EXPECT_EQ(conv::input_row(pr, 3, 2), 6);
  EXPECT_EQ(conv::input_col(pr, 0, 4), 2);
  EXPECT_EQ(conv::input_col(pr, 5, 1), 9);
  EXPECT_TRUE(conv::inside_image(pr, 0, 0));
  EXPECT_TRUE(conv::inside_image(pr, 8, 10));
  EXPECT_FALSE(conv::inside_image(pr, -1, 0));
  EXPECT_FALSE(conv::inside_image(pr, 0, -1));
  EXPECT_FALSE(conv::inside_image(pr, 9, 0));
  EXPECT_FALSE(conv::inside_image(pr, 0, 11));
}

// ---- Halos ---------------------------------------------------------------------------

// The rows (or columns) a tile of outputs reads, found by trying every output
// of the tile with every tap: the lowest and highest index read.
conv::InputRange brute_force_span(int first_output, int outputs, int taps, int stride, int padding) {
  int lowest = 0, highest = 0;
  bool any = false;
  for (int o = first_output; o < first_output + outputs; ++o)
    for (int t = 0; t < taps; ++t) {
      const int index = o * stride - padding + t;
      lowest = any ? std::min(lowest, index) : index;
      highest = any ? std::max(highest, index) : index;
      any = true;
    }
  return {lowest, highest - lowest + 1};
}

// [first, first + count) ∩ [0, extent), element by element.
conv::InputRange brute_force_intersection(conv::InputRange range, int extent) {
  int first = 0, count = 0;
  for (int i = range.first; i < range.first + range.count; ++i) {
    if (i < 0 || i >= extent) continue;
    if (count == 0) first = i;
    ++count;
  }
  return {first, count};
}

// Problems with ragged extents, strides larger and smaller than the filter,
// and padding wider than the filter (whose edge tiles read only padding).
std::vector<ConvProblem> halo_problems() {
  return {kRagged,
          ConvProblem{1, 1, 11, 13, 1, 3, 3, 2, 1},
          ConvProblem{1, 1, 9, 11, 1, 7, 5, 2, 3},
          ConvProblem{1, 1, 7, 9, 1, 1, 1, 2, 2},  // stride > filter: the span skips rows
          ConvProblem{1, 1, 6, 5, 1, 1, 1, 1, 2},  // tiles at the edges read only padding
          ConvProblem{1, 1, 17, 15, 1, 5, 5, 3, 0}};
}

TEST(ConvHalo, TileRangesSpanEveryInputTheirOutputsRead) {
  int tiles = 0;
  for (const ConvProblem& pr : halo_problems()) {
    SCOPED_TRACE(describe(pr));
    // Every tile that fits in the output, of every height and width.
    for (int p0 = 0; p0 < pr.p(); ++p0)
      for (int rows = 1; p0 + rows <= pr.p(); ++rows, ++tiles)
        ASSERT_EQ(conv::input_rows_of_tile(pr, p0, rows), brute_force_span(p0, rows, pr.r, pr.stride, pr.padding))
            << "rows [" << p0 << ", " << p0 + rows << ")";
    for (int q0 = 0; q0 < pr.q(); ++q0)
      for (int cols = 1; q0 + cols <= pr.q(); ++cols, ++tiles)
        ASSERT_EQ(conv::input_cols_of_tile(pr, q0, cols), brute_force_span(q0, cols, pr.s, pr.stride, pr.padding))
            << "cols [" << q0 << ", " << q0 + cols << ")";
  }
  EXPECT_GT(tiles, 100);
}

// Compares a clipped range with the brute-force intersection. An empty range
// has no meaningful start, so only its count is compared.
void expect_clip(conv::InputRange range, int extent, int& empty_ranges) {
  const conv::InputRange clipped = conv::clip_to_image(range, extent);
  const conv::InputRange expected = brute_force_intersection(range, extent);
  if (expected.count == 0) {
    EXPECT_EQ(clipped.count, 0) << "[" << range.first << ", +" << range.count << ") in " << extent;
    ++empty_ranges;
  } else {
    EXPECT_EQ(clipped, expected) << "[" << range.first << ", +" << range.count << ") in " << extent;
  }
}

TEST(ConvHalo, ClippingKeepsExactlyThePartInsideTheImage) {
  int empty_ranges = 0;
  for (const ConvProblem& pr : halo_problems()) {
    SCOPED_TRACE(describe(pr));
    for (int p0 = 0; p0 < pr.p(); ++p0)
      for (int rows = 1; p0 + rows <= pr.p(); ++rows)
        expect_clip(conv::input_rows_of_tile(pr, p0, rows), pr.h, empty_ranges);
    for (int q0 = 0; q0 < pr.q(); ++q0)
      for (int cols = 1; q0 + cols <= pr.q(); ++cols)
        expect_clip(conv::input_cols_of_tile(pr, q0, cols), pr.w, empty_ranges);
  }
  // The 1x1 filter with pad 2 has tiles wholly in the padding, on both sides.
  EXPECT_GT(empty_ranges, 0);
}

TEST(ConvHalo, ClippingByHand) {
  using conv::InputRange;
  EXPECT_EQ(conv::clip_to_image({-1, 5}, 10), (InputRange{0, 4}));  // top padding cut off
  EXPECT_EQ(conv::clip_to_image({7, 5}, 10), (InputRange{7, 3}));   // bottom padding cut off
  EXPECT_EQ(conv::clip_to_image({-2, 14}, 10), (InputRange{0, 10}));
  EXPECT_EQ(conv::clip_to_image({2, 3}, 10), (InputRange{2, 3}));  // inside: unchanged
  EXPECT_EQ(conv::clip_to_image({-3, 3}, 10).count, 0);            // just above the image
  EXPECT_EQ(conv::clip_to_image({10, 2}, 10).count, 0);            // just below it
}

}  // namespace
}  // namespace ladder
