/// \file chapters/12_im2col_conv/test_im2col_conv.cu
/// \brief Chapter 12 on the GPU: the shared conv rung tests for 12a and 12b; and, on any machine, the workspace
/// layout, the lowering's element function against the reference's im2col, and what the rungs declare.
#include <string>

#include "chapters/12_im2col_conv/im2col_conv.cuh"
#include "common/conv/reference.hpp"
#include "common/conv/testing/conv_rung_test.cuh"
#include "common/core/host_matrix.hpp"

LADDER_CONV_RUNG_TESTS(Chapter12, 12, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starter is unfinished on purpose.
LADDER_CONV_RUNG_TESTS(Chapter12Exercises, 12, ladder::RungKind::Exercise);

namespace {

using ladder::ConvProblem;

TEST(Chapter12Model, LoweredValueIsTheReferenceIm2col) {
  // The kernel's element function, run on the CPU over every element, must
  // rebuild the CPU im2col of common/conv/reference.hpp exactly.
  for (const ConvProblem& problem : ladder::testing::ragged_conv_problems()) {
    std::vector<float> x(problem.input_elements());
    ladder::fill_random(x, 5);
    const std::vector<float> expected = ladder::im2col_nchw(problem, x);
    const int taps = problem.gemm_k();
    for (long long row = 0; row < problem.gemm_m(); ++row)
      for (int tap = 0; tap < taps; ++tap)
        ASSERT_EQ(ladder::im2col::lowered_value(problem, x.data(), row, tap), expected[std::size_t(row * taps + tap)])
            << ladder::describe(problem) << " row " << row << " tap " << tap;
  }
}

TEST(Chapter12Model, WorkspaceHoldsThreeAlignedNonOverlappingMatrices) {
  for (const ConvProblem& problem : ladder::testing::ragged_conv_problems()) {
    const ladder::im2col::LoweredLayout layout = ladder::im2col::lowered_layout(problem);
    EXPECT_EQ(layout.lowered_ld % 4, 0);
    EXPECT_EQ(layout.filter_t_ld % 4, 0);
    EXPECT_GE(layout.lowered_ld, problem.gemm_k());
    EXPECT_GE(layout.filter_t_ld, problem.gemm_n());
    for (std::size_t offset : {layout.lowered_offset, layout.filter_t_offset, layout.out_offset})
      EXPECT_EQ(offset % 256, 0u);
    const std::size_t lowered_end = layout.lowered_offset + std::size_t(problem.gemm_m() * layout.lowered_ld) * 4;
    const std::size_t filter_t_end = layout.filter_t_offset + std::size_t(problem.gemm_k()) * layout.filter_t_ld * 4;
    const std::size_t out_end = layout.out_offset + std::size_t(problem.gemm_m() * layout.out_ld) * 4;
    EXPECT_LE(lowered_end, layout.filter_t_offset);
    EXPECT_LE(filter_t_end, layout.out_offset);
    EXPECT_LE(out_end, layout.total_bytes);
  }
}

TEST(Chapter12Model, TheLoweringCostsRTimesSForAStrideOneSameConvolution) {
  // The lesson's memory claim: a 3x3 stride-1 "same" layer lowers to 9 times its input.
  const ConvProblem resnet{32, 64, 56, 56, 64, 3, 3, 1, 1};
  EXPECT_EQ(ladder::im2col_bytes(resnet, 4), 9 * resnet.input_elements() * 4);
  const ConvProblem one_by_one{32, 256, 56, 56, 64, 1, 1, 1, 0};
  EXPECT_EQ(ladder::im2col_bytes(one_by_one, 4), one_by_one.input_elements() * 4) << "1x1: a copy, no growth";
}

TEST(Chapter12Requirements, RungsDeclareTheirWorkspaceAndLimits) {
  const auto simt = ladder::find_conv("12a im2col + 06e GEMM");
  const auto vendor = ladder::find_conv("12b im2col + cuBLAS");
  ASSERT_TRUE(simt.has_value());
  ASSERT_TRUE(vendor.has_value());
  const ConvProblem resnet{32, 128, 28, 28, 128, 3, 3, 1, 1};
  for (const auto& rung : {*simt, *vendor}) {
    EXPECT_EQ(rung.precision(), ladder::ConvPrecision::Fp32Nchw);
    EXPECT_EQ(ladder::workspace_bytes(rung, resnet), ladder::im2col::lowered_workspace_bytes(resnet));
  }
  // One 2048x2048 image of 64 channels: its lowered matrix has 2.4 billion elements, too many
  // for 06e's 32-bit indexing; cuBLAS takes it (its m, n, k and leading dimensions fit an int).
  const ConvProblem big_image{1, 64, 2048, 2048, 8, 3, 3, 1, 1};
  const auto reason = ladder::unsupported_reason(*simt, big_image, 90);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("lowered matrices"), std::string::npos) << *reason;
  EXPECT_FALSE(ladder::unsupported_reason(*vendor, big_image, 90).has_value());
  // 1x1 over one 30000x30000 image: 9e8 rows of one tap fit 32 bits, but
  // padded to 4 floats each (16-byte rows) they are 3.6e9 elements.
  const auto padded = ladder::unsupported_reason(*simt, {1, 1, 30000, 30000, 1, 1, 1, 1, 0}, 90);
  ASSERT_TRUE(padded.has_value()) << "the padded rows were not counted";
  EXPECT_NE(padded->find("rows padded to 16 bytes"), std::string::npos) << *padded;
  // filterᵀ: C*R*S = 1048577 rows of K = 2045 padded to 2048 is 2^31 + 2048 elements, though
  // K*C*R*S itself (2144339965) fits and the N*P*Q-row matrices are small.
  const ConvProblem wide_filter{1, 1048577, 1, 1, 2045, 1, 1, 1, 0};
  ASSERT_FALSE(ladder::invalid_reason(wide_filter).has_value());
  const auto filter_t = ladder::unsupported_reason(*simt, wide_filter, 90);
  ASSERT_TRUE(filter_t.has_value()) << "filterᵀ was not counted";
  EXPECT_NE(filter_t->find("2147485696 elements"), std::string::npos) << *filter_t;
  const auto old_gpu = ladder::unsupported_reason(*simt, resnet, 75);
  ASSERT_TRUE(old_gpu.has_value()) << "06e uses cp.async (sm_80)";
  EXPECT_FALSE(ladder::unsupported_reason(*vendor, resnet, 75).has_value());
}

}  // namespace
