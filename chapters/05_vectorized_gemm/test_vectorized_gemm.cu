/// \file test_vectorized_gemm.cu
/// \brief Chapter 05 on the GPU: the shared rung tests, and the alignment requirement.
///
/// The shared cases round every leading dimension up to this rung's 16 bytes
/// (4 floats) while m, n and k stay ragged, so the edge paths (zero-filled
/// element loads, element-wise stores) run on every ragged shape; the CPU test
/// below checks that misaligned problems are turned away with a reason.
#include <string>

#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter05, 5, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starters are unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter05Exercises, 5, ladder::RungKind::Exercise);

namespace {

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
