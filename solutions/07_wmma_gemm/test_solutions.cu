/// \file solutions/07_wmma_gemm/test_solutions.cu
/// \brief The worked solution of chapter 07 passes the same tests as the chapter's rungs.
#include <string>

#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions07, 7, ladder::RungKind::Solution);

namespace {

// No GPU needed: what the solution declares (the lesson's exercise text relies on it).
TEST(Solutions07Requirements, FragmentReuseIsRegisteredWithItsRequirements) {
  const auto rung = ladder::find_gemm("07 sol1 wmma 2x2 fragments per warp");
  ASSERT_TRUE(rung.has_value());
  EXPECT_EQ(rung->precision(), ladder::Precision::Bf16);
  EXPECT_EQ(rung->kind, ladder::RungKind::Solution);
  EXPECT_EQ(rung->requirements.min_compute_capability, 80);
  EXPECT_EQ(rung->requirements.m_multiple, 32);
  EXPECT_EQ(rung->requirements.n_multiple, 32);
  EXPECT_EQ(rung->requirements.k_multiple, 16);
  EXPECT_EQ(rung->requirements.alignment_bytes, 32);
  EXPECT_EQ(rung->instruction, "wmma m16n16k16 bf16");
}

// Of the shared cases the solution takes (multiples of 32), only 96 x 64 x 48 leaves its last
// 64 x 64 block half empty, and only in m. These leave it half empty in n too, so warps with
// col0 >= n return, alone and beside warps with row0 >= m, with scaling and padded rows.
TEST(Solutions07WholeTiles, BlocksHalfPastTheEdge) {
  const std::string rung = "07 sol1 wmma 2x2 fragments per warp";
  ladder::testing::check_gemm_cases(
      {{rung, 96, 96, 48, 1.5f, -0.75f, 16, 16}, {rung, 160, 96, 32, -0.5f, 2.0f, 0, 16}});
}

}  // namespace
