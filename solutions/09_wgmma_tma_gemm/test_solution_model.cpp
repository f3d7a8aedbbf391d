/// \file solutions/09_wgmma_tma_gemm/test_solution_model.cpp
/// \brief The solution's closed-form footprint against the walk, and the predictions of
/// README.md, on the CPU.
///
///     ctest --test-dir build -R Solutions09Model
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "solutions/09_wgmma_tma_gemm/ex1_band_height.hpp"

namespace ladder::hopper {
namespace {

using wave::order_dram_bytes;
using wave::walked_footprint;
using wave::WaveFootprint;

constexpr int kCtas = 132;  // SMs of an H100 SXM or an H200: 09c's persistent CTAs

// Every wave of every band height on grids from 1 x 1 to 09c's at 16384 x 14336 (128 x 56),
// with short last bands and bands taller than the grid, waves of one tile and of many bands.
TEST(Solutions09Model, FootprintMatchesTheWalk) {
  const int grids[][2] = {{1, 1}, {1, 40}, {3, 5}, {9, 7}, {17, 3}, {32, 16}, {33, 16}, {64, 32}, {128, 56}};
  for (const auto& grid : grids)
    for (int group_rows : {1, 2, 3, 4, 8, 16, 32, 100})
      for (int ctas : {1, 5, 20, kCtas, 1000}) {
        const int tiles = grid[0] * grid[1];
        for (int first = 0; first < tiles; first += ctas) {
          const int count = std::min(ctas, tiles - first);
          ASSERT_EQ(solution1::wave_footprint(first, count, grid[0], grid[1], group_rows),
                    walked_footprint(first, count, grid[0], grid[1], group_rows))
              << grid[0] << " x " << grid[1] << " tiles, bands of " << group_rows << ", tiles " << first << " to "
              << first + count - 1;
        }
      }
}

/// The model's DRAM bytes (MB) of A and B for 09c's 128 x 256 tiles on 132 CTAs.
double model_mb(long long m, long long n, long long k, int group_rows) {
  return order_dram_bytes(solution1::wave_footprint, m, n, k, 128, 256, group_rows, kCtas) / 1e6;
}

// README: bands of 16 move the fewest bytes at 4096^3, 8192^3 and both training shapes.
TEST(Solutions09Model, BandsOf16AreTheBestOnEveryBenchmarkShape) {
  const long long shapes[][3] = {{4096, 4096, 4096}, {8192, 8192, 8192}, {16384, 14336, 4096}, {16384, 4096, 14336}};
  for (const auto& s : shapes)
    for (int group_rows : {1, 2, 4, 8, 32})
      EXPECT_LT(model_mb(s[0], s[1], s[2], solution1::kBandRows), model_mb(s[0], s[1], s[2], group_rows))
          << s[0] << " x " << s[1] << " x " << s[2] << ", bands of " << group_rows;
  // At 2048^3 there are 128 tiles, fewer than the CTAs: one wave, every order the same.
  for (int group_rows : {1, 2, 4, 8, 32})
    EXPECT_DOUBLE_EQ(model_mb(2048, 2048, 2048, 16), model_mb(2048, 2048, 2048, group_rows));
}

// README's table, to the 0.1 MB it prints.
TEST(Solutions09Model, TheTablesNumbers) {
  const auto near = [](double mb, double printed) { return std::abs(mb - printed) < 0.05; };
  const double at_4096[] = {170.9, 174.1, 180.4, 186.6, 148.9, 174.1};
  const double at_8192[] = {2311.1, 2344.6, 2344.6, 1493.2, 1224.7, 1468.0};
  const double at_mlp_up[] = {6613.4, 6629.1, 4118.8, 2518.7, 2057.3, 2504.0};
  const double at_mlp_down[] = {2392.9, 2451.6, 2569.0, 2723.2, 2348.8, 2745.2};
  const int heights[] = {1, 2, 4, 8, 16, 32};
  for (int i = 0; i < 6; ++i) {
    EXPECT_PRED2(near, model_mb(4096, 4096, 4096, heights[i]), at_4096[i]) << heights[i];
    EXPECT_PRED2(near, model_mb(8192, 8192, 8192, heights[i]), at_8192[i]) << heights[i];
    EXPECT_PRED2(near, model_mb(16384, 14336, 4096, heights[i]), at_mlp_up[i]) << heights[i];
    EXPECT_PRED2(near, model_mb(16384, 4096, 14336, heights[i]), at_mlp_down[i]) << heights[i];
  }
  // The first wave at 4096^3: 12 rows by 16 columns in bands of 8, 16 by 9 in bands of 16.
  EXPECT_EQ(solution1::wave_footprint(0, kCtas, 32, 16, 8), (WaveFootprint{12, 16}));
  EXPECT_EQ(solution1::wave_footprint(0, kCtas, 32, 16, 16), (WaveFootprint{16, 9}));
}

}  // namespace
}  // namespace ladder::hopper
