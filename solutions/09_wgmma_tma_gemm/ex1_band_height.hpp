/// \file solutions/09_wgmma_tma_gemm/ex1_band_height.hpp
/// \brief Solution to chapter 09, exercise 1: a wave's footprint from the bands it crosses,
/// and bands of 16 tile rows for 09c's 128 × 256 tiles.
#pragma once

#include <algorithm>

#include "chapters/09_wgmma_tma_gemm/exercises/wave_model.hpp"
#include "chapters/09_wgmma_tma_gemm/hopper_layout.hpp"

namespace ladder::hopper::solution1 {

using wave::WaveFootprint;

// [sol1-footprint]
/// Inside a band of `rows` tile rows, the order walks down one column, then the next: band
/// tiles lo .. hi lie in columns lo / rows .. hi / rows, and cover min(rows, hi - lo + 1)
/// distinct rows. Bands own disjoint rows, so their rows add up. Their columns overlap:
/// a band crossed whole covers every column; of two bands, the first covers from its
/// starting column to the right edge and the second from the left edge to its last one.
inline WaveFootprint wave_footprint(int first, int count, int m_tiles, int n_tiles, int group_rows) {
  const int last = first + count - 1, band_tiles = group_rows * n_tiles;
  const int first_band = first / band_tiles, last_band = last / band_tiles;
  int tile_rows = 0, first_col = 0, last_col = 0;
  for (int band = first_band; band <= last_band; ++band) {
    const int start = band * band_tiles;
    const int rows = std::min(group_rows, m_tiles - band * group_rows);  // the last band may be short
    const int lo = std::max(first, start) - start, hi = std::min(last, start + rows * n_tiles - 1) - start;
    tile_rows += std::min(rows, hi - lo + 1);
    if (band == first_band) first_col = lo / rows;
    if (band == last_band) last_col = hi / rows;
  }
  const int bands = last_band - first_band + 1;
  const int tile_cols = bands == 1   ? last_col - first_col + 1
                        : bands == 2 ? std::min(n_tiles, (n_tiles - first_col) + (last_col + 1))
                                     : n_tiles;
  return {tile_rows, tile_cols};
}
// [sol1-footprint]

/// Bands of 16 tile rows: a wave of 132 tiles is then about 16 rows by 8 or 9 columns, 2048
/// rows of A against about 2200 columns of B, instead of 12 or 16 rows by 16 columns.
constexpr int kBandRows = 16;

}  // namespace ladder::hopper::solution1
