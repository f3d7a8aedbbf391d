/// \file solutions/08_mma_sync_gemm/test_solution_model.cpp
/// \brief The solution's warp mapping and the predictions of README.md, on the CPU.
///
///     ctest --test-dir build -R Solutions08Model
#include <gtest/gtest.h>

#include "chapters/08_mma_sync_gemm/mma_sync_configs.hpp"
#include "chapters/08_mma_sync_gemm/mma_sync_model.hpp"
#include "common/core/occupancy_model.hpp"
#include "solutions/08_mma_sync_gemm/ex1_warp_tile.hpp"

namespace ladder::mma_sync {
namespace {

using solution1::Warp64x32;

TEST(Solutions08Model, WarpTilesHoldTheBlockTileOnce) {
  EXPECT_EQ(model::accumulator_coverage_problem<Warp64x32>(), "");
  EXPECT_EQ(model::copy_coverage_problem<Warp64x32>(), "");
  EXPECT_EQ(model::ldmatrix_step_problem<Warp64x32>(), "");
  EXPECT_EQ(model::worst_ldmatrix_conflict<Warp64x32>(), 1);
}

TEST(Solutions08Model, KernelModelMatchesTheTripleLoop) {
  model::Matrix a{150, 70, 75, {}}, b{70, 200, 205, {}}, c{150, 200, 200, {}};
  a.values.assign(150 * 75, 0.0f);
  b.values.assign(70 * 205, 0.0f);
  c.values.assign(150 * 200, 0.0f);
  for (int r = 0; r < 150; ++r)
    for (int col = 0; col < 70; ++col) a.values[r * 75 + col] = float((r * 7 + col * 3) % 9 - 4);
  for (int r = 0; r < 70; ++r)
    for (int col = 0; col < 200; ++col) b.values[r * 205 + col] = float((r * 5 + col * 11) % 7 - 3);
  std::vector<int> writes;
  model::run_kernel<Warp64x32>(a, b, c, 1.0f, 0.0f, writes);
  for (int r = 0; r < 150; ++r)
    for (int col = 0; col < 200; ++col) {
      float want = 0.0f;
      for (int i = 0; i < 70; ++i) want += a.at(r, i) * b.at(i, col);
      ASSERT_EQ(c.at(r, col), want) << "(" << r << ", " << col << ")";
      ASSERT_EQ(writes[r * 200 + col], 1) << "(" << r << ", " << col << ")";
    }
}

// README: per mma.sync the 64 x 32 warp tile reads 6 ldmatrix.x4 per 16 mma (24 wavefronts)
// where 64 x 64 reads 8 per 32 (32 wavefronts); with the copies, 2 wavefronts per mma.sync
// instead of 1.5.
TEST(Solutions08Model, SharedWavefrontsPerMma) {
  EXPECT_EQ(Warp64x32::kThreads, 256);
  EXPECT_EQ(Warp64x32::kMmaTilesM * Warp64x32::kMmaTilesN, 16);
  EXPECT_DOUBLE_EQ(model::shared_wavefronts_per_mma<Warp64x32>(), 2.0);
  EXPECT_DOUBLE_EQ(model::shared_wavefronts_per_mma<Sweep128x128x32s4>(), 1.5);
}

// README: 128 registers (ptxas, nvcc 13.0) x 256 threads: 2 blocks, 16 warps per SM where
// 64 KB of shared memory allows two (sm_80, sm_90), one on sm_86 and sm_89.
TEST(Solutions08Model, BlocksPerSm) {
  using ladder::model::occupancy;
  using ladder::model::sm_resources;
  for (int cc : {80, 90}) EXPECT_EQ(occupancy(sm_resources(cc), 256, 128, Warp64x32::kSmemBytes).blocks, 2) << cc;
  for (int cc : {86, 89}) EXPECT_EQ(occupancy(sm_resources(cc), 256, 128, Warp64x32::kSmemBytes).blocks, 1) << cc;
  for (int cc : {80, 90})  // the chapter's 4 warps of 64 x 64 at 228 registers: 8 warps per SM
    EXPECT_EQ(occupancy(sm_resources(cc), 128, 228, Sweep128x128x32s4::kSmemBytes).warps, 8) << cc;
}

}  // namespace
}  // namespace ladder::mma_sync
