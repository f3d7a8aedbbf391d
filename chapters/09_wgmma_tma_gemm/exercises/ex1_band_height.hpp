/// \file ex1_band_height.hpp
/// \brief Exercise 1 (starter): how tall should the persistent kernel's bands of tiles be?
///
/// 09c walks its tiles in chapter 08's grouped order with bands of 8 tile rows
/// (HopperTile::kGroupRows), the height 08d chose for square 128 × 128 tiles. 09c's tiles
/// are 128 × 256: a slab of B is twice the bytes of a slab of A. Is 8 still right?
/// wave_model.hpp turns that into a count: the DRAM bytes of A and B when every wave of
/// 132 CTAs (an H100 SXM or H200) reads each slab it touches once.
///
/// Two TODOs:
///  1. wave_footprint(): how many distinct tile rows and tile columns the linear tiles
///     first .. first + count - 1 of hopper::tile_at's order cover, worked out from the
///     order's shape, without visiting the tiles one by one (wave_model.hpp's
///     walked_footprint does that; the test compares yours with it on many shapes).
///  2. kMyGroupRows: the band height, among 1, 2, 4, 8, 16 and 32, with the fewest
///     order_dram_bytes for 09c at 4096³ on 132 CTAs. Work out the first wave of bands of 8
///     by hand first: which tile rows and columns do linear tiles 0 to 131 cover?
///
/// Two tests tell you when it is right (both skip unless LADDER_TEST_EXERCISES=1):
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter09Exercise
///
/// The CPU one checks both TODOs; the GPU one runs 09c with your bands (rung "09 ex1 my
/// band height") on the shared ragged cases. Then predict, before measuring with
/// `build/bin/ch09_wgmma_tma_gemm --exercises` and Nsight Compute's dram__bytes_read.sum:
/// by how much should DRAM reads fall, and should the time follow? (At 4096³, 09c needs
/// 140 µs of tensor work at the datasheet rate; how long do the model's bytes take at
/// 4.8 TB/s, an H200's DRAM bandwidth, or 3.35 TB/s, an H100 SXM's?)
/// CUDA-free on purpose: the CPU test includes it too.
#pragma once

#include "chapters/09_wgmma_tma_gemm/exercises/wave_model.hpp"
#include "chapters/09_wgmma_tma_gemm/hopper_layout.hpp"

namespace ladder::hopper::exercise1 {

using wave::WaveFootprint;

/// The distinct tile rows and tile columns among linear tiles first .. first + count - 1
/// of tile_at(linear, m_tiles, n_tiles, group_rows); first + count <= m_tiles · n_tiles.
inline WaveFootprint wave_footprint(int first, int count, int m_tiles, int n_tiles, int group_rows) {
  // TODO: count them from the bands the run crosses, without a loop over its tiles.
  (void)first, (void)count, (void)m_tiles, (void)n_tiles, (void)group_rows;
  return {0, 0};
}

/// The band height of the rung "09 ex1 my band height": 09c with these bands.
// TODO: the height with the fewest order_dram_bytes for 09c at 4096³ on 132 CTAs.
constexpr int kMyGroupRows = 8;

}  // namespace ladder::hopper::exercise1
