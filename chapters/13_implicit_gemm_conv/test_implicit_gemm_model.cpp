/// \file chapters/13_implicit_gemm_conv/test_implicit_gemm_model.cpp
/// \brief Chapter 13 on the CPU: the implicit GEMM's gather maps (implicit_gemm_map.hpp)
/// against an independently written RSC-ordered im2col, and the whole tile loop
/// (implicit_gemm_model.hpp) against the project's convolution reference.
///
///     ctest --test-dir build -R Chapter13Model
///
/// No CUDA here: the functions under test are the constexpr ones the kernel will call, so
/// this builds and runs anywhere. Each check is also run on a deliberately broken map, to
/// show it can fail.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/13_implicit_gemm_conv/exercises/ex2_tap_mask.hpp"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_map.hpp"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_model.hpp"
#include "common/conv/reference.hpp"
#include "common/core/exercise_tests.hpp"
#include "common/gemm/precision.hpp"

namespace ladder::implicit_gemm {
namespace {

using model::TileShape;

// Ragged problems, all with C % 8 == 0: batch 1 and 3, odd H and W, stride 1 and 2,
// padding 0 to 3, filters 1x1 to 7x7, K from 3 to 70, K_gemm not a multiple of most BK.
const ConvProblem kProblems[] = {
    //  N   C   H   W   K  R  S  stride pad
    {1, 8, 7, 9, 5, 3, 3, 1, 1},      // K_gemm = 72: two whole k-tiles of 32 and a ragged one
    {3, 16, 11, 13, 37, 5, 5, 2, 2},  // 6 x 7 outputs, K_gemm = 400
    {2, 8, 15, 17, 24, 7, 7, 2, 3},   // a ResNet-like stem on 3 channels padded to 8
    {3, 24, 9, 7, 70, 1, 1, 2, 0},    // 1x1, stride 2: a strided copy, K_gemm = 24
    {1, 8, 5, 5, 8, 1, 1, 1, 1},      // 1x1 with padding: the border outputs read only zeros
    {1, 16, 5, 7, 10, 3, 3, 1, 2},    // output larger than input: whole rows of padding
    {3, 32, 9, 11, 65, 3, 3, 2, 0},   // stride 2, no padding, K just past a multiple of 64
    {1, 8, 6, 6, 3, 5, 5, 1, 0},      // 5x5, 2 x 2 outputs: one tile, mostly empty
    {2, 32, 8, 8, 64, 3, 3, 1, 1},    // whole tiles: M = 128, K = 64, K_gemm = 288 = 9 x 32
    {2, 8, 11, 9, 5, 3, 5, 1, 1},     // 3x5: R != S, so a tap mask laid out r·R + s would show
    {1, 16, 13, 12, 9, 5, 8, 1, 3},   // 5x8: taps up to bit 39, 8 columns a filter row
    {2, 16, 13, 12, 20, 8, 8, 1, 3},  // 8x8: all 64 bits of 13i's tap mask
};

// Chapter 08's block tile and a few others: BM, BN not powers of two, BK from 8 to 64.
const TileShape kTiles[] = {{128, 128, 32}, {64, 64, 32}, {32, 16, 16}, {16, 8, 64}, {24, 40, 8}};

std::string describe_case(const ConvProblem& pr, TileShape tile) {
  return describe(pr) + ", tile " + std::to_string(tile.bm) + "x" + std::to_string(tile.bn) + "x" +
         std::to_string(tile.bk);
}

/// 1, 2, 3, ...: every element distinct and nonzero, so an equal value is the same element
/// and a zero is padding.
std::vector<float> distinct_values(std::size_t count) {
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = float(i + 1);
  return values;
}

/// The lowered matrix with the reduction in RSC order, written out from the definition
/// (problem.hpp) with none of index.hpp's functions: row (n, p, q) with q fastest,
/// column (r, s, c) with c fastest, zero in the padding. From NCHW, so that a layout
/// mistake in the NHWC gather cannot cancel against the same mistake here.
std::vector<float> lowered_rsc(const ConvProblem& pr, const std::vector<float>& x_nchw) {
  const int p_out = pr.p(), q_out = pr.q(), k_gemm = pr.r * pr.s * pr.c;
  std::vector<float> lowered;
  lowered.reserve(std::size_t(pr.n) * p_out * q_out * k_gemm);
  for (int n = 0; n < pr.n; ++n)
    for (int p = 0; p < p_out; ++p)
      for (int q = 0; q < q_out; ++q)
        for (int r = 0; r < pr.r; ++r)
          for (int s = 0; s < pr.s; ++s)
            for (int c = 0; c < pr.c; ++c) {
              const int h = p * pr.stride - pr.padding + r, w = q * pr.stride - pr.padding + s;
              const bool inside = h >= 0 && h < pr.h && w >= 0 && w < pr.w;
              lowered.push_back(inside ? x_nchw[((std::size_t(n) * pr.c + c) * pr.h + h) * pr.w + w] : 0.0f);
            }
  return lowered;
}

// ---------------------------------------------------------------------------
// Broken maps: each check below must notice one of these.
// ---------------------------------------------------------------------------

struct CrsOrderA : model::Maps {  // walks the taps c slowest (chapter 12's order) while B walks RSC
  static GatherSource a(const ConvProblem& pr, long long row, int k0) {
    const conv::FilterTap tap = conv::filter_tap_crs(pr, k0);
    return a_chunk_source(pr, row, conv::tap_index_rsc(pr, tap.c, tap.r, tap.s));
  }
};
struct NoPaddingShiftA : model::Maps {  // forgets the "− pad" in h and w
  static GatherSource a(const ConvProblem& pr, long long row, int k0) {
    if (row >= pr.gemm_m() || k0 >= pr.gemm_k()) return {true, 0};
    const conv::OutputPosition out = conv::output_position(pr, row);
    const conv::FilterTap tap = conv::filter_tap_rsc(pr, k0);
    const int h = out.p * pr.stride + tap.r, w = out.q * pr.stride + tap.s;
    if (!conv::inside_image(pr, h, w)) return {true, 0};
    return {false, conv::nhwc_offset(pr, out.n, tap.c, h, w)};
  }
};
struct ShiftedFilterB : model::Maps {  // column k_out reads filter k_out + 1 (a permutation: still once each)
  static GatherSource b(const ConvProblem& pr, int k_out, int k0) {
    return b_chunk_source(pr, (k_out + 1) % pr.gemm_n(), k0);
  }
};
struct NchwC : model::Maps {  // stores y as NCHW, as chapter 12's GEMM output was not
  static long long c(const ConvProblem& pr, long long row, int k_out) {
    const conv::OutputPosition out = conv::output_position(pr, row);
    return conv::nkpq_offset(pr, out.n, k_out, out.p, out.q);
  }
};

// ---------------------------------------------------------------------------
// Requirements and tile counts
// ---------------------------------------------------------------------------

TEST(Chapter13Model, RejectsChannelsNotAMultipleOf8) {
  for (int c : {1, 3, 4, 7, 9, 12, 20}) {
    const auto reason = implicit_gemm_unsupported_reason({1, c, 8, 8, 8, 3, 3, 1, 1});
    ASSERT_TRUE(reason.has_value()) << "C = " << c;
    EXPECT_NE(reason->find("multiple of 8"), std::string::npos) << *reason;
    EXPECT_NE(reason->find("C = " + std::to_string(c)), std::string::npos) << *reason;
  }
  for (int c : {8, 16, 24, 64, 256})
    EXPECT_FALSE(implicit_gemm_unsupported_reason({1, c, 8, 8, 8, 3, 3, 1, 1}).has_value()) << "C = " << c;
  for (const ConvProblem& pr : kProblems) EXPECT_FALSE(implicit_gemm_unsupported_reason(pr).has_value());
  // Not a convolution at all: the problem's own reason comes first.
  const ConvProblem empty{1, 8, 8, 8, 0, 3, 3, 1, 1};
  EXPECT_EQ(implicit_gemm_unsupported_reason(empty), invalid_reason(empty));
  EXPECT_TRUE(implicit_gemm_unsupported_reason(empty).has_value());
  // The model refuses too, rather than gathering chunks that straddle two pixels.
  const ConvProblem rgb{1, 3, 8, 8, 8, 3, 3, 1, 1};
  std::vector<float> x(rgb.input_elements()), w(rgb.filter_elements()), y(rgb.output_elements());
  std::vector<int> writes;
  EXPECT_THROW(model::run_implicit_gemm(rgb, x, w, {64, 64, 32}, y, writes), std::invalid_argument);
}

TEST(Chapter13Model, TileCounts) {
  const ConvProblem pr{1, 8, 7, 9, 5, 3, 3, 1, 1};  // M = 63, N = 5, K_gemm = 72
  EXPECT_EQ(k_tiles(pr, 32), 3);                    // 32 + 32 + 8
  EXPECT_EQ(k_tiles(pr, 8), 9);
  EXPECT_EQ(k_tiles(pr, 72), 1);
  EXPECT_EQ(m_tiles(pr, 64), 1);
  EXPECT_EQ(m_tiles(pr, 16), 4);
  EXPECT_EQ(m_tiles(pr, 63), 1);
  EXPECT_EQ(n_tiles(pr, 128), 1);
  EXPECT_EQ(n_tiles(pr, 2), 3);
  for (const ConvProblem& p : kProblems)
    for (TileShape t : kTiles) {  // enough tiles, and not one too many
      EXPECT_GE(m_tiles(p, t.bm) * t.bm, p.gemm_m());
      EXPECT_LT((m_tiles(p, t.bm) - 1) * t.bm, p.gemm_m());
      EXPECT_GE(n_tiles(p, t.bn) * t.bn, p.gemm_n());
      EXPECT_LT((n_tiles(p, t.bn) - 1) * t.bn, p.gemm_n());
      EXPECT_GE(k_tiles(p, t.bk) * t.bk, p.gemm_k());
      EXPECT_LT((k_tiles(p, t.bk) - 1) * t.bk, p.gemm_k());
    }
}

// ---------------------------------------------------------------------------
// The A gather: the lowered matrix, without building it
// ---------------------------------------------------------------------------

/// "" when gathering every chunk of every A tile of the grid, as the kernel's blocks will,
/// produces each element of the RSC-ordered lowered matrix exactly once and with the value
/// im2col gives it (the input element, or zero in the padding), every chunk real or all
/// zero, 16-byte aligned, and nothing but zeros beyond M rows and K_gemm steps.
template <class Maps>
std::string a_gather_problem(const ConvProblem& pr, TileShape tile) {
  const std::vector<float> x_nchw = distinct_values(pr.input_elements());
  const std::vector<float> x_nhwc = nchw_to_nhwc(x_nchw, pr.n, pr.c, pr.h, pr.w);
  const std::vector<float> lowered = lowered_rsc(pr, x_nchw);
  const long long m = pr.gemm_m();
  const int k_gemm = pr.gemm_k();
  std::vector<int> hits(lowered.size(), 0);
  for (long long block_m = 0; block_m < m_tiles(pr, tile.bm); ++block_m)
    for (int kt = 0; kt < k_tiles(pr, tile.bk); ++kt)
      for (int i = 0; i < tile.bm; ++i)
        for (int j = 0; j < tile.bk / kChunkElements; ++j) {
          const long long row = block_m * tile.bm + i;
          const int k0 = kt * tile.bk + j * kChunkElements;
          const GatherSource source = Maps::a(pr, row, k0);
          const std::string where = "A(" + std::to_string(row) + ", " + std::to_string(k0) + ")";
          if (row >= m || k0 >= k_gemm) {
            if (!source.zero) return where + " lies outside the matrix but is gathered from x";
            continue;
          }
          if (!source.zero && (source.offset % kChunkElements != 0 || source.offset < 0 ||
                               source.offset + kChunkElements > (long long)x_nhwc.size()))
            return where + " is gathered from offset " + std::to_string(source.offset) + ": not an aligned chunk of x";
          for (int e = 0; e < kChunkElements; ++e) {
            const std::size_t at = std::size_t(row) * k_gemm + k0 + e;
            ++hits[at];
            const float got = source.zero ? 0.0f : x_nhwc[std::size_t(source.offset) + e];
            if (got != lowered[at])
              return where + " element " + std::to_string(e) + " is " + std::to_string(got) + ", im2col gives " +
                     std::to_string(lowered[at]);
          }
        }
  for (std::size_t at = 0; at < hits.size(); ++at)
    if (hits[at] != 1)
      return "lowered element (" + std::to_string(at / k_gemm) + ", " + std::to_string(at % k_gemm) + ") gathered " +
             std::to_string(hits[at]) + " times";
  return "";
}

TEST(Chapter13Model, AGatherProducesTheLoweredMatrixOnce) {
  for (const ConvProblem& pr : kProblems)
    for (TileShape tile : kTiles) EXPECT_EQ(a_gather_problem<model::Maps>(pr, tile), "") << describe_case(pr, tile);
}

TEST(Chapter13Model, AGatherCheckFindsBrokenMaps) {
  const ConvProblem pr = kProblems[0];
  EXPECT_NE(a_gather_problem<CrsOrderA>(pr, {64, 64, 32}), "");
  EXPECT_NE(a_gather_problem<NoPaddingShiftA>(pr, {64, 64, 32}), "");
}

// A chunk is one pixel's 8 channels: the same tap (r, s) for all 8 steps, channels c .. c + 7.
TEST(Chapter13Model, AChunkIsOnePixelsChannels) {
  for (const ConvProblem& pr : kProblems)
    for (int k0 = 0; k0 < pr.gemm_k(); k0 += kChunkElements) {
      const conv::FilterTap first = conv::filter_tap_rsc(pr, k0), last = conv::filter_tap_rsc(pr, k0 + 7);
      EXPECT_EQ(last.r, first.r) << describe(pr) << " k0 " << k0;
      EXPECT_EQ(last.s, first.s) << describe(pr) << " k0 " << k0;
      EXPECT_EQ(last.c, first.c + 7) << describe(pr) << " k0 " << k0;
    }
}

// ---------------------------------------------------------------------------
// The B gather and the C store
// ---------------------------------------------------------------------------

/// "" when gathering every chunk of every B tile of the grid reads each weight of w_krsc
/// exactly once, puts it at B(k_gemm, k_out) = w[k_out][c][r][s] with (r, s, c) the RSC
/// step k_gemm, and gives zeros beyond K_gemm steps and K columns.
template <class Maps>
std::string b_gather_problem(const ConvProblem& pr, TileShape tile) {
  const std::vector<float> w_kcrs = distinct_values(pr.filter_elements());
  const std::vector<float> w_krsc = kcrs_to_krsc(w_kcrs, pr.k, pr.c, pr.r, pr.s);
  const int k_gemm = pr.gemm_k();
  std::vector<int> hits(w_krsc.size(), 0);
  for (int block_n = 0; block_n < n_tiles(pr, tile.bn); ++block_n)
    for (int kt = 0; kt < k_tiles(pr, tile.bk); ++kt)
      for (int i = 0; i < tile.bn; ++i)
        for (int j = 0; j < tile.bk / kChunkElements; ++j) {
          const int k_out = block_n * tile.bn + i, k0 = kt * tile.bk + j * kChunkElements;
          const GatherSource source = Maps::b(pr, k_out, k0);
          const std::string where = "B(" + std::to_string(k0) + ", " + std::to_string(k_out) + ")";
          if (k_out >= pr.k || k0 >= k_gemm) {
            if (!source.zero) return where + " lies outside the matrix but is gathered from w";
            continue;
          }
          if (source.zero) return where + " is a real weight but gathered as zeros";
          if (source.offset % kChunkElements != 0 || source.offset < 0 ||
              source.offset + kChunkElements > (long long)w_krsc.size())
            return where + " is gathered from offset " + std::to_string(source.offset) + ": not an aligned chunk of w";
          for (int e = 0; e < kChunkElements; ++e) {
            const int step = k0 + e, c = step % pr.c, s = step / pr.c % pr.s, r = step / (pr.c * pr.s);
            const float want = w_kcrs[((std::size_t(k_out) * pr.c + c) * pr.r + r) * pr.s + s];
            const float got = w_krsc[std::size_t(source.offset) + e];
            ++hits[std::size_t(source.offset) + e];
            if (got != want)
              return where + " element " + std::to_string(e) + " is " + std::to_string(got) + ", the filter holds " +
                     std::to_string(want);
          }
        }
  for (std::size_t at = 0; at < hits.size(); ++at)
    if (hits[at] != 1) return "weight " + std::to_string(at) + " gathered " + std::to_string(hits[at]) + " times";
  return "";
}

TEST(Chapter13Model, BGatherReadsEveryWeightOnce) {
  for (const ConvProblem& pr : kProblems)
    for (TileShape tile : kTiles) EXPECT_EQ(b_gather_problem<model::Maps>(pr, tile), "") << describe_case(pr, tile);
}

TEST(Chapter13Model, BGatherCheckFindsBrokenMaps) {
  // Every weight is still read once: only the values show the wrong filter.
  EXPECT_NE(b_gather_problem<ShiftedFilterB>(kProblems[1], {64, 64, 32}), "");
}

TEST(Chapter13Model, BChunkIsTheKrscOffsetOfItsFirstStep) {
  for (const ConvProblem& pr : kProblems)
    for (int k_out = 0; k_out < pr.k; ++k_out)
      for (int k0 = 0; k0 < pr.gemm_k(); k0 += kChunkElements) {
        const conv::FilterTap tap = conv::filter_tap_rsc(pr, k0);
        EXPECT_EQ(b_chunk_source(pr, k_out, k0),
                  (GatherSource{false, conv::krsc_offset(pr, k_out, tap.c, tap.r, tap.s)}))
            << describe(pr) << " k_out " << k_out << " k0 " << k0;
      }
}

// 13b's hoisted gather is the same map: a cursor advanced by BK from each chunk column
// (k0 = 0, 8, ..., BK - 8) visits the taps filter_tap_rsc names, and every chunk of every
// row and k-tile, past the ends included, has a_chunk_source's source.
TEST(Chapter13Model, TapCursorVisitsTheTapsOfEveryKTile) {
  for (const ConvProblem& pr : kProblems)
    for (int bk : {8, 32, 64})
      for (int k0 = 0; k0 < bk; k0 += kChunkElements) {
        TapCursor tap = tap_cursor(pr, k0);
        for (int kt = 0; kt < k_tiles(pr, bk) + 1; ++kt, advance(pr, tap, bk)) {
          const int step = kt * bk + k0;
          ASSERT_EQ(tap.step, step);
          if (step >= pr.gemm_k()) {
            EXPECT_GE(tap.r, pr.r) << describe(pr) << ": past the reduction the cursor is past the filter";
            continue;
          }
          const conv::FilterTap want = conv::filter_tap_rsc(pr, step);
          ASSERT_EQ((conv::FilterTap{tap.c, tap.r, tap.s}), want) << describe(pr) << " bk " << bk << " step " << step;
        }
      }
}

/// Calls check(step, cursor) for a cursor started at each chunk column of a BK-deep tile (13b's
/// 32, or 64 for the wgmma rungs) and moved a k-tile at a time, as the kernel moves it, on past
/// the end of the reduction; started at k-tile 0, or later, where a split of the k-tiles starts.
template <class Check>
void for_each_cursor_step(const ConvProblem& pr, Check check, int bk = 32) {
  for (int first : {0, 1, 3})
    for (int k0 = first * bk; k0 < (first + 1) * bk; k0 += kChunkElements) {
      TapCursor tap = tap_cursor(pr, k0);
      for (int step = k0; step < pr.gemm_k() + 2 * bk; step += bk, advance(pr, tap, bk)) check(step, tap);
    }
}

TEST(Chapter13Model, HoistedGatherHasTheAnalyticGathersSources) {
  for (const ConvProblem& pr : kProblems)
    for (long long row = 0; row < pr.gemm_m() + 3; ++row) {
      const RowGather decoded = row_gather(pr, row);
      for_each_cursor_step(pr, [&](int step, const TapCursor& tap) {
        EXPECT_EQ(a_chunk_source(pr, decoded, tap), a_chunk_source(pr, row, step))
            << describe(pr) << " row " << row << " step " << step;
      });
    }
}

TEST(Chapter13Model, HoistedBGatherHasTheAnalyticGathersSources) {
  for (const ConvProblem& pr : kProblems)
    for (int k_out = 0; k_out < pr.gemm_n() + 3; ++k_out) {
      const int first_weight = filter_offset(pr, k_out);
      for_each_cursor_step(pr, [&](int step, const TapCursor& tap) {
        EXPECT_EQ(b_chunk_source(pr, first_weight, tap), b_chunk_source(pr, k_out, step))
            << describe(pr) << " k_out " << k_out << " step " << step;
      });
    }
}

TEST(Chapter13Model, HoistedGatherCheckFindsAMissedCarry) {
  // A cursor that forgets to wrap the filter column (s) reads the wrong pixel.
  const ConvProblem& pr = kProblems[1];
  const RowGather decoded = row_gather(pr, 9);
  TapCursor wrong = tap_cursor(pr, 0);
  wrong.c = 0, wrong.r = 0, wrong.s = pr.s;  // should have been (r = 1, s = 0)
  wrong.step = pr.s * pr.c;
  EXPECT_FALSE(a_chunk_source(pr, decoded, wrong) == a_chunk_source(pr, 9, wrong.step));
}

// 13i: a row's origin plus the k-tile's tap offset, where the row's mask has the tap's bit, is
// the chunk a_chunk_source decodes from scratch; every other chunk is zeros. At BK = 64, 13i's.
TEST(Chapter13Model, MaskedGatherHasTheAnalyticGathersSources) {
  for (const ConvProblem& pr : kProblems)
    for (long long row = 0; row < pr.gemm_m() + 3; ++row) {
      const RowTaps taps = row_taps(pr, row);
      for_each_cursor_step(
          pr,
          [&](int step, const TapCursor& tap) {
            const ChunkSource masked = a_chunk_source(taps, tap_step(pr, tap));
            EXPECT_EQ(masked.gather_source(), a_chunk_source(pr, row, step))
                << describe(pr) << " row " << row << " step " << step;
            if (!masked.real) EXPECT_EQ(masked.offset, 0u) << "zeros copy from x's start";
          },
          64);
    }
}

TEST(Chapter13Model, MaskedBGatherHasTheAnalyticGathersSources) {
  for (const ConvProblem& pr : kProblems)
    for (int k_out = 0; k_out < pr.gemm_n() + 3; ++k_out) {
      const int first_weight = filter_offset(pr, k_out);
      for_each_cursor_step(
          pr,
          [&](int step, const TapCursor& tap) {
            const ChunkSource masked = b_chunk_source(first_weight, tap_step(pr, tap));
            EXPECT_EQ(masked.gather_source(), b_chunk_source(pr, k_out, step))
                << describe(pr) << " k_out " << k_out << " step " << step;
            if (!masked.real) EXPECT_EQ(masked.offset, 0u) << "zeros copy from w's start";
          },
          64);
    }
}

// A row in the middle of a large image sees all of its taps: with an 8x8 filter, all 64 bits,
// the most the mask holds. A row in a corner sees only the taps past the padding.
TEST(Chapter13Model, TapMaskHoldsAnEightByEightFilter) {
  const ConvProblem pr{1, 8, 20, 20, 8, 8, 8, 1, 3};  // P = Q = 19
  const long long middle = 9 * pr.q() + 9, corner = 0;
  EXPECT_EQ(row_taps(pr, middle).inside, ~std::uint64_t{0});
  // Output (0, 0) reads input rows and columns -3 .. 4: taps r, s >= 3 are inside.
  std::uint64_t want = 0;
  for (int r = 3; r < 8; ++r)
    for (int s = 3; s < 8; ++s) want |= std::uint64_t{1} << (r * 8 + s);
  EXPECT_EQ(row_taps(pr, corner).inside, want);
  EXPECT_EQ(row_taps(pr, pr.gemm_m()).inside, 0u) << "a row past M reads only zeros";
  EXPECT_FALSE(masked_gather_unsupported_reason(pr).has_value());
  EXPECT_TRUE(masked_gather_unsupported_reason({1, 8, 20, 20, 8, 9, 8, 1, 3}).has_value()) << "81 > 64 taps";
}

// A row whose origin lies 7.5 billion elements before x, of an image 2^27 pixels wide: its
// origin and its far taps' offsets do not fit 32 bits, yet every real chunk's sum is its offset.
TEST(Chapter13Model, MaskedGatherWrapsFarOffsetsToTheRightChunk) {
  const ConvProblem pr{1, 8, 1, 1 << 27, 1, 8, 8, 1, 7};  // x: 2^30 elements; P = 8
  ASSERT_FALSE(masked_gather_unsupported_reason(pr).has_value());
  const long long q = pr.q();
  int real_chunks = 0;
  for (long long row : {0LL, 3 * q + 5, 7 * q + q / 2, pr.gemm_m() - 1}) {
    const RowTaps taps = row_taps(pr, row);
    for (int step = 0; step < pr.gemm_k(); step += kChunkElements) {
      const ChunkSource masked = a_chunk_source(taps, tap_step(pr, tap_cursor(pr, step)));
      EXPECT_EQ(masked.gather_source(), a_chunk_source(pr, row, step)) << "row " << row << " step " << step;
      real_chunks += masked.real;
    }
  }
  EXPECT_GT(real_chunks, 0);
}

// Exercise 2's tap mask (exercises/ex2_tap_mask.hpp) against 13i's, row by row, before a GPU
// runs it: the starter's empty mask fails, so the test skips until asked for.
TEST(Chapter13TapMaskExercise, AgreesWith13isRowTaps) {
  LADDER_SKIP_EXERCISE_STARTER();
  for (const ConvProblem& pr : kProblems)
    for (long long row = 0; row < pr.gemm_m() + 3; ++row)
      ASSERT_EQ(exercise2::tap_mask(pr, row), row_taps(pr, row).inside) << describe(pr) << " row " << row;
}

// The check at work, not a check of the code: a hand-broken tap step is caught.
TEST(Chapter13Model, MaskedGatherCheckFindsAWrongTapOffset) {
  // A tap offset that forgets the channel within the pixel reads channel 0 for every chunk.
  const ConvProblem& pr = kProblems[1];  // C = 16: a k-tile's chunk columns start at channel 0 or 8
  const RowTaps taps = row_taps(pr, 9);
  TapCursor tap = tap_cursor(pr, 8);
  TapStep wrong = tap_step(pr, tap);
  ASSERT_EQ(tap.c, 8);
  wrong.x_offset -= tap.c;
  ASSERT_TRUE(a_chunk_source(taps, tap_step(pr, tap)).real) << "row 9 sees tap (0, 0)";
  EXPECT_FALSE(a_chunk_source(taps, wrong).gather_source() == a_chunk_source(pr, 9, 8));
}

// 13f's split of the k-tiles: the ranges tile [0, tiles) in order, each split within one
// tile of the others, empty ranges only when there are more splits than tiles.
TEST(Chapter13Model, SplitKRangesPartitionTheKTiles) {
  for (int tiles : {1, 2, 3, 7, 36, 144})
    for (int splits : {1, 2, 3, 4, 5}) {
      int next = 0;
      for (int split = 0; split < splits; ++split) {
        const KRange range = split_k_range(tiles, splits, split);
        EXPECT_EQ(range.begin, next) << tiles << " tiles, split " << split << " of " << splits;
        const int size = range.end - range.begin;
        EXPECT_TRUE(size == tiles / splits || size == tiles / splits + 1);
        next = range.end;
      }
      EXPECT_EQ(next, tiles);
    }
}

TEST(Chapter13Model, SplitLimitKeepsThePartialSumsWithinTheBudget) {
  const ConvProblem late{32, 512, 7, 7, 512, 3, 3, 1, 1};  // M = 1568, N = 512, 144 k-tiles of 32
  EXPECT_EQ(max_splits(late), kMaxSplits) << "4 fp32 copies of 1568 x 512 are 12.8 MB";
  EXPECT_EQ(split_limit(late, 144), 4);
  EXPECT_EQ(split_limit(late, 3), 3) << "never more splits than k-tiles";
  EXPECT_EQ(split_limit(late, 0), 1) << "at least the one range";
  const ConvProblem mid{32, 128, 28, 28, 128, 3, 3, 1, 1};  // 12.8 MB per copy: two fit in 32 MiB
  EXPECT_EQ(max_splits(mid), 2);
  EXPECT_EQ(split_limit(mid, 36), 2);
  const ConvProblem layer14{32, 256, 14, 14, 256, 3, 3, 1, 1};  // 6.4 MB per copy: 5 fit, capped at 4
  EXPECT_EQ(split_limit(layer14, 36), 4);
  const ConvProblem early{32, 64, 56, 56, 64, 3, 3, 1, 1};  // 25.7 MB per copy
  EXPECT_EQ(max_splits(early), 1);
  EXPECT_EQ(split_k_workspace_bytes(early), 0u);
  EXPECT_EQ(split_k_workspace_bytes(mid), std::size_t(2) * 25088 * 128 * 4);
}

// C's row-major M x N is y in NHWC: row·K + k_out, each output element once.
TEST(Chapter13Model, COffsetIsRowMajorNhwc) {
  for (const ConvProblem& pr : kProblems) {
    std::vector<int> hits(pr.output_elements(), 0);
    for (long long row = 0; row < pr.gemm_m(); ++row)
      for (int k_out = 0; k_out < pr.k; ++k_out) {
        const long long at = c_offset(pr, row, k_out);
        ASSERT_EQ(at, row * pr.k + k_out) << describe(pr);
        ++hits[std::size_t(at)];
      }
    for (int h : hits) ASSERT_EQ(h, 1) << describe(pr);
  }
}

// ---------------------------------------------------------------------------
// The whole tile loop against the reference
// ---------------------------------------------------------------------------

/// "" when the model, on bf16-rounded random inputs, writes every element of y once and
/// matches reference_conv_nchw (double) within what fp32 accumulation allows: each element
/// within γ(K_gemm) · Σ|x·w| (the classic bound for a sum of K_gemm exact bf16 products,
/// γ(n) = n·u / (1 − n·u), u = 2^-24), and the whole output within 1e-5 relative
/// (Frobenius). A wrong index gives errors of the size of the values themselves.
template <class Maps>
std::string model_problem(const ConvProblem& pr, TileShape tile, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> x_nchw(pr.input_elements()), w_kcrs(pr.filter_elements());
  for (float& v : x_nchw) v = round_to_bf16(value(rng));
  for (float& v : w_kcrs) v = round_to_bf16(value(rng));
  const int p = pr.p(), q = pr.q();
  std::vector<float> y_nhwc(pr.output_elements(), std::numeric_limits<float>::quiet_NaN());  // poison
  std::vector<int> writes;
  try {
    model::run_implicit_gemm<Maps>(pr, nchw_to_nhwc(x_nchw, pr.n, pr.c, pr.h, pr.w),
                                   kcrs_to_krsc(w_kcrs, pr.k, pr.c, pr.r, pr.s), tile, y_nhwc, writes);
  } catch (const std::logic_error& error) {  // a chunk or a store outside its tensor
    return error.what();
  }
  for (std::size_t at = 0; at < writes.size(); ++at)
    if (writes[at] != 1) return "y_nhwc[" + std::to_string(at) + "] written " + std::to_string(writes[at]) + " times";
  const std::vector<float> y = nhwc_to_nchw(y_nhwc, pr.n, pr.k, p, q);
  const std::vector<double> want = reference_conv_nchw(pr, x_nchw, w_kcrs);
  std::vector<float> x_abs = x_nchw, w_abs = w_kcrs;
  for (float& v : x_abs) v = std::fabs(v);
  for (float& v : w_abs) v = std::fabs(v);
  const std::vector<double> magnitude = reference_conv_nchw(pr, x_abs, w_abs);  // Σ|x·w| per output
  const double u = std::ldexp(1.0, -24), n_u = pr.gemm_k() * u, gamma = n_u / (1.0 - n_u);
  double error_sq = 0.0, want_sq = 0.0;
  for (std::size_t at = 0; at < y.size(); ++at) {
    const double error = std::fabs(double(y[at]) - want[at]);
    if (!(error <= gamma * magnitude[at]))  // NaN fails too
      return "y_nchw[" + std::to_string(at) + "] = " + std::to_string(y[at]) + ", reference " +
             std::to_string(want[at]) + " (allowed error " + std::to_string(gamma * magnitude[at]) + ")";
    error_sq += error * error;
    want_sq += want[at] * want[at];
  }
  if (!(std::sqrt(error_sq) <= 1e-5 * std::sqrt(want_sq)))
    return "relative error " + std::to_string(std::sqrt(error_sq / want_sq)) + " above 1e-5";
  return "";
}

TEST(Chapter13Model, TileLoopComputesTheConvolution) {
  unsigned seed = 1;
  for (const ConvProblem& pr : kProblems)
    for (TileShape tile : kTiles)
      EXPECT_EQ(model_problem<model::Maps>(pr, tile, seed++), "") << describe_case(pr, tile);
}

TEST(Chapter13Model, TileLoopCheckFindsBrokenMaps) {
  const ConvProblem pr = kProblems[1];
  EXPECT_NE(model_problem<CrsOrderA>(pr, {64, 64, 32}, 7), "");
  EXPECT_NE(model_problem<NoPaddingShiftA>(pr, {64, 64, 32}, 7), "");
  EXPECT_NE(model_problem<ShiftedFilterB>(pr, {64, 64, 32}, 7), "");
  EXPECT_NE(model_problem<NchwC>(pr, {64, 64, 32}, 7), "");
}

}  // namespace
}  // namespace ladder::implicit_gemm
