/// \file test_vectorized_gemm.cu
/// \brief Chapter 05 on the GPU: the shared rung tests, aligned ragged shapes, and the alignment requirement.
///
/// The shared cases with odd leading dimensions (1×1×1, 17×33×65, 1000×1234×777, ...)
/// skip for this rung with the registry's reason; these cases keep every
/// leading dimension a multiple of 4 floats while m, n and k stay ragged, so
/// the edge paths (zero-filled element loads, element-wise stores) are tested.
#include <vector>

#include "common/testing/gemm_rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter05, 5, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starters are unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter05Exercises, 5, ladder::RungKind::Exercise);

namespace {

using ladder::testing::GemmCase;

/// Shapes the float4 rungs accept (lda = k + pad, ldb = ldc = n + pad: multiples of 4).
std::vector<GemmCase> aligned_ragged_cases(const char* rung) {
  return {
      {rung, 1000, 1236, 780},                   // m ragged; n, k multiples of 4 but not of the tiles
      {rung, 1000, 1233, 777, 1.5f, -0.75f, 3},  // n, k not multiples of 4: partial float4 at the edges
      {rung, 129, 129, 9, 1.0f, 0.0f, 3},        // one more than a tile; k one more than BK
      {rung, 127, 127, 7, -0.5f, 2.0f, 1},       // one less than a tile; k shorter than BK
      {rung, 1, 1, 1, 1.0f, 0.0f, 3},            // a single element
  };
}

class Chapter05AlignedRagged : public ::testing::TestWithParam<GemmCase> {};
TEST_P(Chapter05AlignedRagged, MatchesReference) { ladder::testing::check_gemm_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Shapes, Chapter05AlignedRagged, ::testing::ValuesIn(aligned_ragged_cases("05 vectorized")),
                         ladder::testing::gemm_case_name);

// No GPU needed: the registry turns away problems the float4 path cannot address.
TEST(Chapter05Requirements, RejectsUnalignedLeadingDimensionsWithAReason) {
  const auto rung = ladder::find_gemm("05 vectorized");
  ASSERT_TRUE(rung.has_value());
  alignas(16) static float storage[64];
  ladder::GemmArgs args{8, 8, 7, 1.0f, 0.0f, storage, 7, storage, 8, storage, 8};
  const auto reason = ladder::unsupported_reason(*rung, args, 90);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("16-byte"), std::string::npos) << *reason;
  args.lda = 8;  // k = 7 with a padded row stride of 8 floats is fine
  EXPECT_FALSE(ladder::unsupported_reason(*rung, args, 90).has_value());
  args.b = storage + 1;  // a pointer 4 bytes off
  EXPECT_TRUE(ladder::unsupported_reason(*rung, args, 90).has_value());
}

}  // namespace
