/// \file solutions/09_wgmma_tma_gemm/test_solution_model.cpp
/// \brief The solution's closed-form footprint against the walk, and the predictions of
/// README.md, on the CPU.
///
///     ctest --test-dir build -R Solutions09Model
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>
#include <vector>

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

/// Point `d` of the Hilbert curve through a side × side grid (side a power of 2), as (row,
/// column). Each level of the loop places the point in one quadrant of a square twice the
/// size, turned so that the curve leaves one quadrant where the next begins: the curve
/// finishes a quadrant before it enters the next.
std::pair<int, int> hilbert_point(int side, int d) {
  int row = 0, col = 0;
  for (int half = 1; half < side; half *= 2, d /= 4) {
    const int lower = 1 & (d / 2), right = 1 & (d ^ lower);  // the quadrant: lower half? right half?
    if (right == 0) {  // the left quadrants are turned: transposed, and the lower one also mirrored
      if (lower == 1) row = half - 1 - row, col = half - 1 - col;
      std::swap(row, col);
    }
    row += half * lower;
    col += half * right;
  }
  return {row, col};
}

/// The model's MB for fast.cu's order: its clusters (`clusters` at once) walk the Hilbert
/// curve over units of two vertically adjacent 128 × 256 tiles, one point each per wave.
double hilbert_mb(int m, int n, int k, int clusters) {
  const int unit_rows = m / 256, unit_cols = n / 256, side = std::max(unit_rows, unit_cols);
  std::vector<std::pair<int, int>> units;
  for (int d = 0; d < side * side; ++d)
    if (const auto [row, col] = hilbert_point(side, d); row < unit_rows && col < unit_cols) units.push_back({row, col});
  double bytes = 0;
  for (std::size_t first = 0; first < units.size(); first += clusters) {
    std::set<int> rows, cols;
    for (std::size_t u = first; u < std::min(units.size(), first + clusters); ++u) {
      rows.insert(units[u].first);
      cols.insert(units[u].second);
    }
    bytes += (2.0 * rows.size() * 128 + cols.size() * 256.0) * k * 2;  // two tile rows per unit row
  }
  return bytes / 1e6;
}

// Chapter 09's lesson, beside the public anchor: the Hilbert order on 128 CTAs (64 clusters)
// moves what bands of 16 move on 128 CTAs; on 132 CTAs the waves straddle the bands.
TEST(Solutions09Model, TheAnchorsOrderAndCtaCount) {
  const auto near = [](double mb, double printed) { return std::abs(mb - printed) < 0.05; };
  // A wave of fast.cu's at 4096^3 is a quadrant of the 16 x 16 units: 16 tile rows, 8 columns.
  std::set<int> rows, cols;
  for (int d = 0; d < 64; ++d) {
    rows.insert(hilbert_point(16, d).first);
    cols.insert(hilbert_point(16, d).second);
  }
  EXPECT_EQ(rows.size(), 8u);
  EXPECT_EQ(cols.size(), 8u);
  EXPECT_EQ(wave::walked_footprint(0, 128, 32, 16, 16), (WaveFootprint{16, 8})) << "half a band of 16";
  const auto bands_mb = [](long long size, int ctas) {
    return order_dram_bytes(wave::walked_footprint, size, size, size, 128, 256, 16, ctas) / 1e6;
  };
  EXPECT_PRED2(near, hilbert_mb(4096, 4096, 4096, 64), 134.2);
  EXPECT_PRED2(near, bands_mb(4096, 128), 134.2);
  EXPECT_PRED2(near, bands_mb(4096, kCtas), 148.9);
  EXPECT_PRED2(near, hilbert_mb(8192, 8192, 8192, 64), 1073.7);
  EXPECT_PRED2(near, bands_mb(8192, 128), 1073.7);
  EXPECT_PRED2(near, bands_mb(8192, kCtas), 1224.7);
}

}  // namespace
}  // namespace ladder::hopper
