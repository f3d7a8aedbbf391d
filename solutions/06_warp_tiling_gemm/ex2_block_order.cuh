/// \file solutions/06_warp_tiling_gemm/ex2_block_order.cuh
/// \brief Solution to chapter 06, exercise 2: blocks launched in groups of 8 block rows, for L2 reuse.
///
/// The hardware starts blocks roughly in linear order, blockIdx.x fastest. With
/// the chapter's row-major block_place, the blocks running at once span a few
/// whole rows of block tiles: a few slabs of A, but every slab of B. Grouped,
/// consecutive blocks walk down a band of kGroupRows block rows, column by
/// column: the blocks running at once share fewer, squarer slabs of A and B,
/// and more of what they read is still in L2. The README of this folder works
/// out by how much; ex2_dram_model below is the CPU model behind it.
#pragma once

#include <set>

#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"

namespace ladder::warp_tiling::solution2 {

// [grouped-order]
/// Block (bx, by) of a grid_n × grid_m grid → block tile, in groups of
/// kGroupRows block rows: linear index b = by·grid_n + bx walks down the group's
/// rows first, then across its columns. The last group may have fewer rows.
/// A bijection of the grid onto itself (tested on the CPU for many grids).
template <int kGroupRows>
constexpr __host__ __device__ BlockPlace grouped_block_place(int bx, int by, int grid_n, int grid_m) {
  const int linear = by * grid_n + bx;
  const int per_group = kGroupRows * grid_n;  // blocks in one full group
  const int first_row = linear / per_group * kGroupRows;
  const int rows = grid_m - first_row < kGroupRows ? grid_m - first_row : kGroupRows;  // this group's rows
  const int in_group = linear % per_group;
  return {first_row + in_group % rows, in_group / rows};
}

struct GroupedTiles : TileConfig<128, 128, 8, 64, 32, 2> {  // 06c's tiles and pipeline
  static constexpr __host__ __device__ BlockPlace block_place(int bx, int by, int grid_n, int grid_m) {
    return grouped_block_place<8>(bx, by, grid_n, grid_m);
  }
};
// [grouped-order]

/// A model of the DRAM reads of A and B, for predictions (not a measurement):
/// blocks run in waves of `slots` consecutive linear indices (SMs × blocks per
/// SM); within a wave, each slab of A (BM rows × k) and of B (k × BN columns)
/// that some block needs is read from DRAM once, then hits in L2; nothing
/// survives from one wave to the next (a slab of an 8192³ problem is 4 MB, the
/// H200's L2 60 MiB, a wave touches tens of them). Returns bytes. Neither H200
/// run measured DRAM bytes or L2 hit rates for this rung.
template <class Cfg>
double dram_read_bytes(int m, int n, int k, int slots) {
  const int grid_m = ceil_div(m, Cfg::kBM), grid_n = ceil_div(n, Cfg::kBN);
  double bytes = 0;
  for (int first = 0; first < grid_m * grid_n; first += slots) {
    std::set<int> rows, cols;
    for (int b = first; b < first + slots && b < grid_m * grid_n; ++b) {
      const BlockPlace place = Cfg::block_place(b % grid_n, b / grid_n, grid_n, grid_m);
      rows.insert(place.row);
      cols.insert(place.col);
    }
    bytes += (double(rows.size()) * Cfg::kBM + double(cols.size()) * Cfg::kBN) * k * 4;
  }
  return bytes;
}

}  // namespace ladder::warp_tiling::solution2
