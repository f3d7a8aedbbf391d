/// \file solutions/01_naive_gemm/test_solutions.cu
/// \brief The worked solutions of chapter 01 pass the same tests as the chapter's rung.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions01, 1, ladder::RungKind::Solution);

namespace {

// No GPU needed: the launcher refuses before it launches. 16 columns per
// block put n = 2^20 on 65,536 blocks of grid.y, one more than it holds.
TEST(Solutions01Launch, GridYPastItsLimitIsRefusedWithTheReason) {
  const auto rung = ladder::find_gemm("01 sol3 block 16x16");
  ASSERT_TRUE(rung.has_value());
  static float storage[1];
  const int n = 1 << 20;
  const ladder::GemmArgs args{1, n, 1, 1.0f, 0.0f, storage, 1, storage, n, storage, n};
  try {
    rung->launch(args, nullptr);
    FAIL() << "launched 65,536 blocks on grid.y";
  } catch (const std::invalid_argument& refusal) {
    EXPECT_NE(std::string(refusal.what()).find("65536 column tiles"), std::string::npos) << refusal.what();
  }
}

}  // namespace
