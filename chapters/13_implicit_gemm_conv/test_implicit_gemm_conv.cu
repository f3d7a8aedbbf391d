/// \file chapters/13_implicit_gemm_conv/test_implicit_gemm_conv.cu
/// \brief Chapter 13 on the GPU: the shared conv rung tests for 13a (bf16 NHWC against the
/// reference); and, on any machine, what the rung declares: its precision, sm_80, C a
/// multiple of 8 with the reason for other C, and no workspace.
#include <string>

#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"
#include "common/conv/testing/conv_rung_test.cuh"

LADDER_CONV_RUNG_TESTS(Chapter13, 13, ladder::RungKind::Chapter);

namespace {

using ladder::ConvProblem;

constexpr const char* kRung = "13a implicit GEMM, mma.sync";

TEST(Chapter13Requirements, TheRungIsBf16NhwcOnSm80WithoutWorkspace) {
  const auto rung = ladder::find_conv(kRung);
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->chapter, 13);
  EXPECT_EQ(rung->kind, ladder::RungKind::Chapter);
  EXPECT_EQ(rung->precision(), ladder::ConvPrecision::Bf16Nhwc);
  EXPECT_EQ(rung->requirements.min_compute_capability, 80);
  EXPECT_EQ(rung->requirements.c_multiple, ladder::implicit_gemm::kChunkElements);
  const ConvProblem resnet{32, 128, 28, 28, 128, 3, 3, 1, 1};
  EXPECT_EQ(ladder::workspace_bytes(*rung, resnet), 0u) << "the lowered matrix is never built";
  EXPECT_FALSE(ladder::unsupported_reason(*rung, resnet, 80).has_value());
  EXPECT_FALSE(ladder::unsupported_reason(*rung, resnet, 90).has_value());
  const auto old_gpu = ladder::unsupported_reason(*rung, resnet, 75);
  ASSERT_TRUE(old_gpu.has_value()) << "bf16 mma.sync and cp.async need sm_80";
  EXPECT_NE(old_gpu->find("8.0"), std::string::npos) << *old_gpu;
}

TEST(Chapter13Requirements, ChannelsNotAMultipleOf8AreRejectedWithTheReason) {
  const auto rung = ladder::find_conv(kRung);
  ASSERT_TRUE(rung.has_value());
  const ConvProblem rgb{1, 3, 17, 13, 5, 3, 3, 1, 0};  // an RGB input: C = 3
  const auto reason = ladder::unsupported_reason(*rung, rgb, 90);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("multiple of 8"), std::string::npos) << *reason;
  // The map's own reason, which the launcher throws with, says why and what to do.
  const auto map_reason = ladder::implicit_gemm::implicit_gemm_unsupported_reason(rgb);
  ASSERT_TRUE(map_reason.has_value());
  EXPECT_NE(map_reason->find("C = 3"), std::string::npos) << *map_reason;
  EXPECT_NE(map_reason->find("pad"), std::string::npos) << *map_reason;
  for (int c : {8, 16, 24, 64}) {
    const ConvProblem ok{1, c, 9, 9, 5, 3, 3, 1, 1};
    EXPECT_FALSE(ladder::unsupported_reason(*rung, ok, 80).has_value()) << "C = " << c;
    EXPECT_FALSE(ladder::implicit_gemm::implicit_gemm_unsupported_reason(ok).has_value()) << "C = " << c;
  }
}

TEST(Chapter13Requirements, TheRaggedProblemsTheRungRunsIncludeOddKAndPadding) {
  // The GPU cases above skip C % 8 != 0; enough remain to cover the epilogue's odd-K path
  // (single stores), stride 2 and padding wider than the filter's reach.
  const auto rung = ladder::find_conv(kRung);
  ASSERT_TRUE(rung.has_value());
  bool odd_k = false, stride_2 = false, one_by_one = false;
  for (const ConvProblem& p : ladder::testing::ragged_conv_problems()) {
    if (ladder::unsupported_reason(*rung, p, 90)) continue;
    odd_k = odd_k || p.k % 2 == 1;
    stride_2 = stride_2 || p.stride == 2;
    one_by_one = one_by_one || (p.r == 1 && p.s == 1);
  }
  EXPECT_TRUE(odd_k);
  EXPECT_TRUE(stride_2);
  EXPECT_TRUE(one_by_one);
}

}  // namespace
