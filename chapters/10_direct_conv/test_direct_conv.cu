/// \file chapters/10_direct_conv/test_direct_conv.cu
/// \brief Chapter 10 on the GPU: the shared conv rung tests for 10a and 10b; and, on any machine, what they declare.
#include <string>

#include "chapters/10_direct_conv/direct_conv.cuh"
#include "common/conv/testing/conv_rung_test.cuh"

LADDER_CONV_RUNG_TESTS(Chapter10, 10, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starter is unfinished on purpose.
LADDER_CONV_RUNG_TESTS(Chapter10Exercises, 10, ladder::RungKind::Exercise);

namespace {

constexpr const char* kGlobal = "10a direct";
constexpr const char* kConstant = "10b direct, constant-memory filter";

TEST(Chapter10Requirements, RungsAreRegisteredAsFp32Nchw) {
  int chapter_rungs = 0;
  for (const ladder::ConvRung& rung : ladder::conv_registry())
    if (rung.chapter == 10 && rung.kind == ladder::RungKind::Chapter) {
      ++chapter_rungs;
      EXPECT_EQ(rung.precision(), ladder::ConvPrecision::Fp32Nchw) << rung.name;
    }
  EXPECT_EQ(chapter_rungs, 2) << "10a and 10b";
  ASSERT_TRUE(ladder::find_conv(kGlobal).has_value());
  ASSERT_TRUE(ladder::find_conv(kConstant).has_value());
}

TEST(Chapter10Requirements, ConstantMemoryRungRejectsFilterBanksLargerThan64KiB) {
  const auto rung = ladder::find_conv(kConstant);
  ASSERT_TRUE(rung.has_value());
  const ladder::ConvProblem lenet{32, 6, 14, 14, 16, 5, 5, 1, 0};      // 2400 weights: fits
  const ladder::ConvProblem resnet{32, 128, 28, 28, 128, 3, 3, 1, 1};  // 147456 weights: does not
  EXPECT_FALSE(ladder::unsupported_reason(*rung, lenet, 90).has_value());
  const auto reason = ladder::unsupported_reason(*rung, resnet, 90);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("16384 filter weights"), std::string::npos) << *reason;
  EXPECT_FALSE(ladder::unsupported_reason(*ladder::find_conv(kGlobal), resnet, 90).has_value())
      << "10a runs any valid problem";
}

TEST(Chapter10Model, ThreadsOfAWarpShareAnOutputChannelAndWalkQ) {
  // The coalescing claim of the lesson: consecutive thread indices are
  // consecutive q, then p, then k, then n, covering every output exactly once.
  const ladder::ConvProblem problem{2, 3, 9, 7, 4, 3, 3, 2, 1};
  const long long count = static_cast<long long>(problem.output_elements());
  std::vector<int> seen(static_cast<std::size_t>(count), 0);
  for (long long index = 0; index < count; ++index) {
    const auto out = ladder::direct::output_element(problem, index);
    const long long offset = ladder::conv::nkpq_offset(problem, out.n, out.k, out.p, out.q);
    ASSERT_EQ(offset, index) << "thread index and NCHW output offset coincide";
    ++seen[static_cast<std::size_t>(offset)];
  }
  for (int hits : seen) EXPECT_EQ(hits, 1);
}

}  // namespace
