/// \file test_warp_tiling_model.cu
/// \brief Chapter 06 on the CPU: the kernels' index mapping covers the block tile once, and the
/// predictions of the lesson (wavefronts, occupancy per architecture, traffic) follow from the code.
///
///     ctest --test-dir build -R Chapter06Model
#include <gtest/gtest.h>

#include "chapters/06_warp_tiling_gemm/exercises/ex1_my_tiles.cuh"
#include "chapters/06_warp_tiling_gemm/warp_tiling_configs.cuh"
#include "chapters/06_warp_tiling_gemm/warp_tiling_model.cuh"
#include "common/core/exercise_tests.hpp"

namespace {

using namespace ladder::warp_tiling;

// The chapter's configurations are warp_tiling_configs.cuh's, the very types the rungs
// register; beside them, the other warp tile and block shape the asserts allow.
using Warp32x64 = TileConfig<128, 128, 8, 32, 64, 2>;
using FourWarps = TileConfig<64, 128, 8, 64, 32, 2>;

TEST(Chapter06Model, EveryThreadTileCoversTheBlockTileOnce) {
  EXPECT_EQ(model::coverage_problem<OneStage>(), "");
  EXPECT_EQ(model::coverage_problem<TwoStagesK16>(), "");
  EXPECT_EQ(model::coverage_problem<Warp32x64>(), "");
  EXPECT_EQ(model::coverage_problem<FourWarps>(), "");
}

TEST(Chapter06Model, CoverageCheckFindsAWrongMapping) {
  struct Overlapping : TwoStages {  // every warp on the first warp tile
    static constexpr LanePlace place(int, int lane) { return {lane / kLanesN, lane % kLanesN * 4}; }
  };
  EXPECT_NE(model::coverage_problem<Overlapping>().find("owners"), std::string::npos);
}

TEST(Chapter06Model, Load128WavefrontsFollowTheBankGroups) {
  std::vector<int> offsets(32);
  for (int lane = 0; lane < 32; ++lane) offsets[lane] = lane % 4 * 4;  // 4 distinct float4s, 64 bytes
  EXPECT_EQ(model::load128_wavefronts(offsets), 1);
  for (int lane = 0; lane < 32; ++lane) offsets[lane] = lane * 4;  // 512 contiguous bytes
  EXPECT_EQ(model::load128_wavefronts(offsets), 4);
  for (int lane = 0; lane < 32; ++lane) offsets[lane] = lane % 8 * 32;  // 8 rows of 128 bytes: one bank group
  EXPECT_EQ(model::load128_wavefronts(offsets), 8);
}

// The return path: 4 registers a lane, one register of the warp a pass, halved
// when neighbouring lanes pair up on addresses.
TEST(Chapter06Model, Load128PassesCountTheReturnPath) {
  std::vector<int> offsets(32);
  for (int lane = 0; lane < 32; ++lane) offsets[lane] = lane % 4 * 4;  // 06a's B: neighbours differ
  EXPECT_EQ(model::load128_passes(offsets), 4);
  for (int lane = 0; lane < 32; ++lane) offsets[lane] = lane / 4 * 36;  // four lanes to a row, rows 36 floats apart
  EXPECT_EQ(model::load128_wavefronts(offsets), 1);
  EXPECT_EQ(model::load128_passes(offsets), 2);
  // 8 rows of 128 bytes clash 8 ways inside every 8-lane phase, times 4 return passes: 32
  // (the rule chapter 04's measurement chose; the banks alone would say 8).
  for (int lane = 0; lane < 32; ++lane) offsets[lane] = lane % 8 * 32;
  EXPECT_EQ(model::load128_passes(offsets), 32);
}

// The lesson's count: per 4-wide k-step (4 × 64 warp-FFMAs) a warp issues 8
// float4 loads of A and 8 of B, one wavefront each: 16, where the bytes alone
// would need 12. The same for every warp, and for the 32 × 64 warp tile. With
// the return path, A's loads pair (2 passes each) and B's do not (4): 48.
TEST(Chapter06Model, SharedLoadsTakeOneWavefrontEach) {
  for (int warp = 0; warp < TwoStages::kThreads / 32; ++warp) {
    const model::StepLoads s = model::step_loads<TwoStages>(warp);
    EXPECT_EQ(s.a_loads, 8);
    EXPECT_EQ(s.a_wavefronts, 8) << "warp " << warp;
    EXPECT_EQ(s.b_loads, 8);
    EXPECT_EQ(s.b_wavefronts, 8) << "warp " << warp;
    EXPECT_EQ(s.a_passes, 16) << "warp " << warp;
    EXPECT_EQ(s.b_passes, 32) << "warp " << warp;
    EXPECT_EQ(s.lower_bound, 12);
  }
  const model::StepLoads k16 = model::step_loads<TwoStagesK16>(3), other = model::step_loads<Warp32x64>(5);
  EXPECT_EQ(k16.a_wavefronts + k16.b_wavefronts, 16);
  EXPECT_EQ(other.a_wavefronts + other.b_wavefronts, 16);
  EXPECT_EQ(k16.a_passes + k16.b_passes, 48);
  EXPECT_EQ(other.a_passes + other.b_passes, 48);
  EXPECT_EQ(other.lower_bound, 12);
}

// Blocks per SM for the chapter's steps, per architecture. The cp.async steps
// are capped at 128 registers (__launch_bounds__(256, 2)) on every target; 06b
// took 155 on sm_90 (the lesson's ptxas table), 137 on sm_75 and sm_80, 147 on
// sm_86 (nvcc 13.0): over 128, so one block per SM everywhere.
TEST(Chapter06Model, BlocksPerSmPerArchitecture) {
  using model::blocks_per_sm;
  for (int cc : {75, 80, 86, 89, 90}) {
    EXPECT_EQ(blocks_per_sm(cc, 256, 128, OneStage::kSmemBytes), 2) << "sm_" << cc;
    EXPECT_EQ(blocks_per_sm(cc, 256, 128, TwoStages::kSmemBytes), 2) << "sm_" << cc;
    for (int registers : {137, 147, 155}) EXPECT_EQ(blocks_per_sm(cc, 256, registers, TwoStages::kSmemBytes), 1);
  }
  EXPECT_EQ(ThreeStagesK16::kSmemBytes, 55296);
  for (int cc : {80, 90}) EXPECT_EQ(blocks_per_sm(cc, 256, 128, ThreeStagesK16::kSmemBytes), 2) << "sm_" << cc;
  for (int cc : {86, 89})  // 2 × (54 + 1) KB > 100 KB
    EXPECT_EQ(blocks_per_sm(cc, 256, 128, ThreeStagesK16::kSmemBytes), 1) << "sm_" << cc;
  for (int cc : {86, 89, 90}) EXPECT_EQ(blocks_per_sm(cc, 256, 128, TwoStagesK16::kSmemBytes), 2) << "sm_" << cc;
}

TEST(Chapter06Model, TrafficOfA4096CubedGemm) {
  const model::Traffic t = model::traffic<TwoStages>(4096, 4096, 4096);
  EXPECT_EQ(t.blocks, 1024);
  EXPECT_DOUBLE_EQ(t.ffma, 4096.0 * 4096 * 4096);
  EXPECT_DOUBLE_EQ(t.l2_to_sm_bytes, 4096.0 * 4096 * 4096 * 4 * (1.0 / 128 + 1.0 / 128));  // 4.3 GB
  EXPECT_DOUBLE_EQ(t.shared_wavefronts, t.warp_ffma / 64 * 4);  // 4 wavefronts per 64 warp-FFMAs
  EXPECT_DOUBLE_EQ(t.shared_passes, t.warp_ffma / 64 * 12);     // 12 with the return path
}

// Exercise 1: skipped unless LADDER_TEST_EXERCISES=1, like the GPU test of the starter.
TEST(Chapter06ExerciseModel, MyWarpTileCoversTheBlockTileOnce) {
  LADDER_SKIP_EXERCISE_STARTER();
  using exercise1::MyTiles;
  EXPECT_EQ(model::coverage_problem<MyTiles>(), "");
  for (int warp = 0; warp < MyTiles::kThreads / 32; ++warp) {
    const model::StepLoads s = model::step_loads<MyTiles>(warp);
    EXPECT_EQ(s.a_wavefronts, s.a_loads) << "warp " << warp << ": a load of A takes more than one wavefront";
    EXPECT_EQ(s.b_wavefronts, s.b_loads) << "warp " << warp << ": a load of B takes more than one wavefront";
  }
}

}  // namespace
