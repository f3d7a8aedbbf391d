/// \file solutions/06_warp_tiling_gemm/test_solution_models.cu
/// \brief Chapter 06's solutions on the CPU: the 32 × 64 mapping covers the block tile once, the
/// grouped block order is a bijection of the grid, and README.md's predicted numbers follow from the models.
///
///     ctest --test-dir build -R Solutions06Model
#include <gtest/gtest.h>

#include <vector>

#include "chapters/06_warp_tiling_gemm/warp_tiling_model.cuh"
#include "solutions/06_warp_tiling_gemm/ex1_my_tiles.cuh"
#include "solutions/06_warp_tiling_gemm/ex2_block_order.cuh"

namespace {

using namespace ladder::warp_tiling;

TEST(Solutions06Model, Warp32x64CoversTheBlockTileOnce) {
  using solution1::Warp32x64;
  EXPECT_EQ(model::coverage_problem<Warp32x64>(), "");
  for (int warp = 0; warp < 8; ++warp)  // and is the chapter's own mapping for this warp tile
    for (int lane = 0; lane < 32; ++lane) {
      const LanePlace mine = Warp32x64::place(warp, lane), general = Warp32x64::TileConfig::place(warp, lane);
      EXPECT_EQ(mine.row, general.row);
      EXPECT_EQ(mine.col, general.col);
    }
}

// README, exercise 1: A loads now reach 4 rows (64 bytes), B loads 8 float4s
// (128 bytes), still one wavefront each: 16 per 4-wide k-step, as for 64 × 32.
TEST(Solutions06Model, Warp32x64TakesTheSameWavefronts) {
  const model::StepLoads s = model::step_loads<solution1::Warp32x64>(0);
  EXPECT_EQ(s.a_wavefronts, 8);
  EXPECT_EQ(s.b_wavefronts, 8);
  EXPECT_EQ(s.a_passes + s.b_passes, 48);  // with the return path: A's lanes pair, B's do not
  EXPECT_EQ(s.lower_bound, 12);
}

TEST(Solutions06Model, GroupedOrderIsABijectionOfTheGrid) {
  for (int grid_m : {1, 2, 7, 8, 9, 17, 32, 64, 65})
    for (int grid_n : {1, 3, 8, 32, 33, 64}) {
      std::vector<int> hits(grid_m * grid_n, 0);
      for (int by = 0; by < grid_m; ++by)
        for (int bx = 0; bx < grid_n; ++bx) {
          const BlockPlace p = solution2::grouped_block_place<8>(bx, by, grid_n, grid_m);
          ASSERT_TRUE(p.row >= 0 && p.row < grid_m && p.col >= 0 && p.col < grid_n)
              << "grid " << grid_m << " x " << grid_n << ", block (" << bx << ", " << by << ")";
          ++hits[p.row * grid_n + p.col];
        }
      for (int h : hits) ASSERT_EQ(h, 1) << "grid " << grid_m << " x " << grid_n;
    }
}

TEST(Solutions06Model, GroupedOrderWalksDownTheBandFirst) {
  const BlockPlace first = solution2::grouped_block_place<8>(0, 0, 64, 64);
  const BlockPlace second = solution2::grouped_block_place<8>(1, 0, 64, 64);
  const BlockPlace ninth = solution2::grouped_block_place<8>(8, 0, 64, 64);
  EXPECT_EQ(first.row, 0);
  EXPECT_EQ(second.row, 1);
  EXPECT_EQ(second.col, 0);
  EXPECT_EQ(ninth.row, 0);
  EXPECT_EQ(ninth.col, 1);
}

// README, exercise 2: at 8192³ on 132 SMs × 2 blocks, the wave model predicts
// row-major order reads about 4.6 GB of A and B from DRAM, grouped order about
// 2.9 GB; L2 → SM traffic is 34.4 GB either way.
TEST(Solutions06Model, GroupedOrderReadsLessFromDramIn8192Cubed) {
  using Chapter = TileConfig<128, 128, 8, 64, 32, 2>;
  const int slots = 132 * 2;
  const double row_major = solution2::dram_read_bytes<Chapter>(8192, 8192, 8192, slots);
  const double grouped = solution2::dram_read_bytes<solution2::GroupedTiles>(8192, 8192, 8192, slots);
  const double l2_to_sm = model::traffic<Chapter>(8192, 8192, 8192).l2_to_sm_bytes;
  EXPECT_NEAR(l2_to_sm / 1e9, 34.4, 0.05);
  EXPECT_NEAR(row_major / 1e9, 4.62, 0.01);
  EXPECT_NEAR(grouped / 1e9, 2.92, 0.01);
  EXPECT_NEAR(100 * (1 - row_major / l2_to_sm), 86.5, 0.1);  // predicted L2 hit rate, %
  EXPECT_NEAR(100 * (1 - grouped / l2_to_sm), 91.5, 0.1);
}

// README, exercise 3: the predicted Nsight Compute counts of 06c at 4096³.
TEST(Solutions06Model, ProfilePredictionsFor06cAt4096Cubed) {
  using Chapter = TileConfig<128, 128, 8, 64, 32, 2>;
  const model::Traffic t = model::traffic<Chapter>(4096, 4096, 4096);
  EXPECT_NEAR(t.warp_ffma / 1e9, 2.147, 0.001);
  EXPECT_NEAR(t.shared_wavefronts / 1e6, 134.2, 0.1);
  EXPECT_NEAR(t.shared_passes / 1e6, 402.7, 0.1);
  EXPECT_NEAR(t.l2_to_sm_bytes / 1e9, 4.29, 0.01);
  EXPECT_EQ(t.blocks, 1024);
  const ladder::model::Occupancy sm90 =
      ladder::model::occupancy(ladder::model::sm_resources(90), 256, 126, Chapter::kSmemBytes);
  EXPECT_EQ(sm90.by_registers, 2);  // launch__occupancy_limit_registers: 126 → 128 registers × 256 threads
  EXPECT_EQ(sm90.by_shared, 10);    // launch__occupancy_limit_shared_mem: 228 KB / (20 + 1) KB = 10.9
  EXPECT_EQ(sm90.warps, 16);        // 25 % of 64
  EXPECT_NEAR(1024.0 / (132 * 2), 3.88, 0.01);  // waves on a 132-SM GPU
  EXPECT_NEAR(solution2::dram_read_bytes<Chapter>(4096, 4096, 4096, 132 * 2) / 1e9, 0.34, 0.005);
}

}  // namespace
