/// \file solutions/11_tiled_conv/test_solutions.cu
/// \brief The worked solution of chapter 11 passes the same tests as the chapter's rungs.
#include "chapters/11_tiled_conv/tiled_conv.cuh"
#include "common/conv/testing/conv_rung_test.cuh"

LADDER_CONV_RUNG_TESTS(Solutions11, 11, ladder::RungKind::Solution);

namespace {

namespace tiled = ladder::tiled;

// No GPU needed: what the solution declares, and that its taller tile still fits.
TEST(Solutions11Requirements, TwoRowsIsAnFp32NchwSolutionWithTheChaptersLimits) {
  const auto rung = ladder::find_conv("11 sol1 tiled, two output rows per thread");
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->precision(), ladder::ConvPrecision::Fp32Nchw);
  EXPECT_EQ(rung->kind, ladder::RungKind::Solution);
  EXPECT_EQ(rung->requirements.max_filter_extent, tiled::kMaxFilterExtent);
  EXPECT_EQ(rung->requirements.max_stride, tiled::kMaxStride);
  for (const ladder::ConvProblem& problem : ladder::testing::ragged_conv_problems())  // all but stride 3, as 11b
    EXPECT_EQ(ladder::unsupported_reason(*rung, problem, 75).has_value(), problem.stride > tiled::kMaxStride)
        << describe(problem);
  EXPECT_LE(tiled::shared_bytes(tiled::kLargestHalo, 2 * tiled::kTileP, tiled::kChannelBlock),
            tiled::kSharedBytesWithoutOptIn);
}

TEST(Solutions11Requirements, HalfTheBlocksOf11bOnTheDefaultLayer) {
  const ladder::ConvProblem resnet{32, 128, 28, 28, 128, 3, 3, 1, 1};
  EXPECT_EQ(tiled::block_count(resnet, 2 * tiled::kTileP, tiled::kChannelBlock), 1024);
  EXPECT_EQ(tiled::block_count(resnet, tiled::kTileP, tiled::kChannelBlock), 2048);
  EXPECT_EQ(tiled::halo_rows(resnet, 2 * tiled::kTileP), 18) << "18 halo rows for 16 output rows; 11b: 10 for 8";
}

}  // namespace
