/// \file solutions/10_direct_conv/test_solutions.cu
/// \brief The worked solution of chapter 10 passes the same tests as the chapter's rungs.
#include "common/conv/testing/conv_rung_test.cuh"

LADDER_CONV_RUNG_TESTS(Solutions10, 10, ladder::RungKind::Solution);

namespace {

// No GPU needed: what the solution declares.
TEST(Solutions10Requirements, ChannelFastestIsAnFp32NchwSolutionForAnyProblem) {
  const auto rung = ladder::find_conv("10 sol1 direct, k fastest");
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->precision(), ladder::ConvPrecision::Fp32Nchw);
  EXPECT_EQ(rung->kind, ladder::RungKind::Solution);
  EXPECT_FALSE(ladder::unsupported_reason(*rung, {32, 512, 7, 7, 512, 3, 3, 1, 1}, 90).has_value());
}

}  // namespace
