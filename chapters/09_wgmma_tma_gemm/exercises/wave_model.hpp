/// \file wave_model.hpp
/// \brief Exercise 1's model, given: the DRAM traffic a tile order costs, wave by wave.
///
/// The persistent kernel (09c) runs `ctas` CTAs, about one per SM, and CTA c takes linear
/// tiles c, c + ctas, c + 2·ctas, ... (hopper::persistent_tile). They all finish a tile in
/// about the same time, so at any moment they work on `ctas` consecutive linear tiles: a
/// wave. Every tile row that a wave touches needs its slab of A (bm rows by k), every tile
/// column its slab of B (k by bn), and the wave's CTAs walk k side by side. If each wave
/// reads each of its slabs from DRAM once and leaves none of them in L2 for the next wave,
/// the order costs, summed over the waves,
///
///     (tile rows · bm + tile columns · bn) · k · 2 bytes  (bf16)
///
/// That is an upper bound: L2 (50 MB on an H100) may still hold slabs when the next wave
/// needs them. The lower bound is A and B read once. CUDA-free: the CPU tests include it.
#pragma once

#include <algorithm>
#include <ostream>
#include <vector>

#include "chapters/09_wgmma_tma_gemm/hopper_layout.hpp"

namespace ladder::hopper::wave {

/// How many distinct tile rows (slabs of A) and tile columns (slabs of B) a wave touches.
struct WaveFootprint {
  int tile_rows, tile_cols;
  constexpr bool operator==(const WaveFootprint& other) const {
    return tile_rows == other.tile_rows && tile_cols == other.tile_cols;
  }
};

inline std::ostream& operator<<(std::ostream& out, const WaveFootprint& wave) {
  return out << wave.tile_rows << " tile rows by " << wave.tile_cols << " tile columns";
}

/// The slow, plainly right count: walk the tiles first .. first + count - 1 of tile_at's
/// order and mark their rows and columns. The tests compare wave_footprint with it.
inline WaveFootprint walked_footprint(int first, int count, int m_tiles, int n_tiles, int group_rows) {
  std::vector<bool> row_seen(m_tiles, false), col_seen(n_tiles, false);
  WaveFootprint wave{0, 0};
  for (int linear = first; linear < first + count; ++linear) {
    const ScheduledTile tile = tile_at(linear, m_tiles, n_tiles, group_rows);
    wave.tile_rows += !row_seen[tile.tile_m];
    wave.tile_cols += !col_seen[tile.tile_n];
    row_seen[tile.tile_m] = col_seen[tile.tile_n] = true;
  }
  return wave;
}

/// The order's DRAM bytes of A and B for an m × n × k bf16 GEMM in bm × bn tiles, bands of
/// `group_rows` tile rows, on `ctas` persistent CTAs. `footprint(first, count, m_tiles,
/// n_tiles, group_rows)` is the WaveFootprint of linear tiles first .. first + count - 1.
template <class Footprint>
double order_dram_bytes(Footprint footprint, long long m, long long n, long long k, int bm, int bn, int group_rows,
                        int ctas) {
  const int m_tiles = int((m + bm - 1) / bm), n_tiles = int((n + bn - 1) / bn), tiles = m_tiles * n_tiles;
  double bytes = 0.0;
  for (int first = 0; first < tiles; first += ctas) {
    const WaveFootprint wave = footprint(first, std::min(ctas, tiles - first), m_tiles, n_tiles, group_rows);
    bytes += (double(wave.tile_rows) * bm + double(wave.tile_cols) * bn) * double(k) * 2.0;
  }
  return bytes;
}

}  // namespace ladder::hopper::wave
