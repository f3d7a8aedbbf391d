/// \file test_warp_tiling_gemm.cu
/// \brief Chapter 06 on the GPU: the shared rung tests for every step, and the requirements.
///
/// The shared cases round leading dimensions up to these rungs' 16 bytes while
/// m, n and k stay ragged, so the zero-filling cp.async copies and the
/// element-wise edge stores are tested, as are k-tile counts below the
/// pipeline depth (k = 4 and 7 < BK: one partial k-tile).
#include <stdexcept>
#include <string>

#include "chapters/06_warp_tiling_gemm/exercises/ex1_my_tiles.cuh"
#include "chapters/06_warp_tiling_gemm/warp_tiling_model.cuh"
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter06, 6, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starters are unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter06Exercises, 6, ladder::RungKind::Exercise);

namespace {

// No GPU needed: what each step declares.
TEST(Chapter06Requirements, StepsAreRegisteredWithTheirRequirements) {
  int async_rungs = 0, any_gpu_rungs = 0;
  for (const ladder::GemmRung& rung : ladder::gemm_registry()) {
    if (rung.chapter != 6 || rung.kind != ladder::RungKind::Chapter) continue;
    EXPECT_EQ(rung.requirements.alignment_bytes, 16) << rung.name;
    (rung.requirements.min_compute_capability == 80 ? async_rungs : any_gpu_rungs)++;
  }
  EXPECT_EQ(async_rungs, 3) << "06c, 06d and 06e use cp.async";
  EXPECT_EQ(any_gpu_rungs, 2) << "06a and 06b run on any GPU the ladder supports";
  for (const char* name : {"06a warp tiling 128x128x8", "06b register prefetch 128x128x8"}) {
    const auto rung = ladder::find_gemm(name);
    ASSERT_TRUE(rung.has_value()) << name;
    EXPECT_EQ(rung->requirements.min_compute_capability, 0) << name;
  }
  const auto rung = ladder::find_gemm("06c cp.async 128x128x8");
  ASSERT_TRUE(rung.has_value());
  alignas(16) static float storage[64];
  const ladder::GemmArgs args{8, 8, 8, 1.0f, 0.0f, storage, 8, storage, 8, storage, 8};
  EXPECT_FALSE(ladder::unsupported_reason(*rung, args, 90).has_value());
  const auto too_old = ladder::unsupported_reason(*rung, args, 75);
  ASSERT_TRUE(too_old.has_value());
  EXPECT_NE(too_old->find("compute capability 8.0"), std::string::npos) << *too_old;
}

// No GPU needed: the exercise rung checks place() on the host before it
// launches, so an unfinished mapping is refused with its reason, not a fault.
TEST(Chapter06Requirements, ExerciseRungRefusesAMappingThatLeavesTheBlockTile) {
  const std::string mapping_problem =
      ladder::warp_tiling::model::coverage_problem<ladder::warp_tiling::exercise1::MyTiles>();
  if (mapping_problem.empty()) GTEST_SKIP() << "place() in ex1_my_tiles.cuh is complete: there is nothing to refuse";
  const auto rung = ladder::find_gemm("06 ex1 my warp tile");
  ASSERT_TRUE(rung.has_value());
  alignas(16) static float storage[64];
  const ladder::GemmArgs args{8, 8, 8, 1.0f, 0.0f, storage, 8, storage, 8, storage, 8};
  try {
    rung->launch(args, nullptr);
    FAIL() << "the rung launched although " << mapping_problem;
  } catch (const std::invalid_argument& refusal) {
    EXPECT_NE(std::string(refusal.what()).find(mapping_problem), std::string::npos) << refusal.what();
  }
}

}  // namespace
