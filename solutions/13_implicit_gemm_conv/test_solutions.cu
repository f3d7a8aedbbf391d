/// \file solutions/13_implicit_gemm_conv/test_solutions.cu
/// \brief The worked solutions of chapter 13 pass the same tests as the chapter's rungs
/// (solution 1 with C = 1, 2, 3, 4, 5 and 6 included); on the CPU, solution 1's element map
/// agrees with the chapter's chunk map, and solution 2's tap mask with 13i's row_taps.
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"
#include "common/conv/testing/conv_rung_test.cuh"
#include "solutions/13_implicit_gemm_conv/ex1_element_gather.hpp"
#include "solutions/13_implicit_gemm_conv/ex2_tap_mask.hpp"

LADDER_CONV_RUNG_TESTS(Solutions13, 13, ladder::RungKind::Solution);

namespace {

using ladder::ConvProblem;
using ladder::implicit_gemm::solution1::a_element_offset;

// No GPU needed. Where C is a multiple of 8, element j of a chunk is the chunk's source + j.
TEST(Solutions13ElementMap, AgreesWithTheChunkMapWhenChannelsFillChunks) {
  for (const ConvProblem& pr : {ConvProblem{2, 8, 7, 9, 5, 3, 3, 1, 1}, ConvProblem{1, 16, 11, 13, 3, 5, 5, 2, 2}})
    for (long long row = 0; row < pr.gemm_m() + 2; ++row)
      for (int k0 = 0; k0 < pr.gemm_k() + 16; k0 += ladder::implicit_gemm::kChunkElements) {
        const ladder::implicit_gemm::GatherSource chunk = ladder::implicit_gemm::a_chunk_source(pr, row, k0);
        for (int j = 0; j < ladder::implicit_gemm::kChunkElements; ++j)
          ASSERT_EQ(a_element_offset(pr, row, k0 + j), chunk.zero ? -1 : chunk.offset + j)
              << describe(pr) << " row " << row << " step " << k0 + j;
      }
}

// For C = 3 a chunk spans three taps: each element reads its own pixel.
TEST(Solutions13ElementMap, EachStepReadsItsOwnTapWhenCIsThree) {
  const ConvProblem rgb{1, 3, 5, 6, 4, 3, 3, 1, 1};
  const long long row = ladder::conv::im2col_row(rgb, 0, 2, 3);  // an interior output: no padding
  for (int step = 0; step < rgb.gemm_k(); ++step) {
    const int c = step % 3, s = step / 3 % 3, r = step / 9;
    EXPECT_EQ(a_element_offset(rgb, row, step), ladder::conv::nhwc_offset(rgb, 0, c, 2 - 1 + r, 3 - 1 + s))
        << "step " << step;
  }
  EXPECT_EQ(a_element_offset(rgb, row, rgb.gemm_k()), -1) << "past K_gemm";
  EXPECT_EQ(a_element_offset(rgb, 0, 0), -1) << "output (0, 0), tap (0, 0) reads the padding";
}

TEST(Solutions13Requirements, TheSolutionTakesAnyCWithoutWorkspace) {
  const auto rung = ladder::find_conv("13 sol1 element gather, any C");
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->kind, ladder::RungKind::Solution);
  for (const ConvProblem& p : {ConvProblem{1, 1, 28, 28, 6, 5, 5, 1, 2}, ConvProblem{2, 3, 9, 9, 5, 3, 3, 2, 1}}) {
    EXPECT_FALSE(ladder::unsupported_reason(*rung, p, 80).has_value()) << describe(p);
    EXPECT_EQ(ladder::workspace_bytes(*rung, p), 0u);
  }
}

// No GPU needed. The mask built tap by tap is the one 13i builds from the rectangle of taps.
TEST(Solutions13TapMask, AgreesWith13isRowTaps) {
  int rows = 0;
  for (const ConvProblem& pr : {ConvProblem{2, 8, 7, 9, 5, 3, 3, 1, 1}, ConvProblem{1, 16, 11, 13, 3, 5, 5, 2, 2},
                                ConvProblem{2, 8, 11, 9, 5, 3, 5, 1, 1}, ConvProblem{1, 8, 6, 7, 4, 8, 8, 1, 3},
                                ConvProblem{1, 8, 5, 5, 8, 1, 1, 1, 1}})
    for (long long row = 0; row < pr.gemm_m() + 2; ++row, ++rows)
      ASSERT_EQ(ladder::implicit_gemm::solution2::tap_mask(pr, row), ladder::implicit_gemm::row_taps(pr, row).inside)
          << describe(pr) << " row " << row;
  EXPECT_GT(rows, 100);
}

TEST(Solutions13Requirements, TheTapMaskSolutionTakesFiltersUpTo8x8OnSm80) {
  const auto rung = ladder::find_conv("13 sol2 tap mask on mma.sync");
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->kind, ladder::RungKind::Solution);
  EXPECT_EQ(rung->requirements.min_compute_capability, 80);
  EXPECT_EQ(rung->requirements.max_filter_extent, 8);
  EXPECT_EQ(rung->requirements.c_multiple, 8);
}

}  // namespace
