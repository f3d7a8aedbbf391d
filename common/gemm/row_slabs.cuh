/// \file common/gemm/row_slabs.cuh
/// \brief Runs a launcher on horizontal slabs of C, for rungs whose row tiles on
/// grid.y would exceed its limit of 65,535 blocks.
///
/// With tiles of 16 rows, 65,535 blocks cover m ≤ 1,048,560: 16 rows, one tile,
/// short of the tallest problem the tests and executables allow (2^20). Each slab is an
/// ordinary GEMM on a sub-matrix: A and C start `first_row` rows further on,
/// B is shared; so a rung needs no change to run in slabs.
#pragma once

#include <algorithm>

#include "common/core/grid_stride.cuh"  // kMaxGridY
#include "common/gemm/gemm.cuh"

namespace ladder {

/// Calls `launch(slab)` for consecutive slabs of at most kMaxGridY × tile_rows rows of C.
template <class Launch>
void launch_in_row_slabs(const GemmArgs& args, int tile_rows, Launch launch) {
  const int slab_rows = kMaxGridY * tile_rows;
  for (int first_row = 0; first_row < args.m; first_row += slab_rows) {
    GemmArgs slab = args;
    slab.m = std::min(slab_rows, args.m - first_row);
    slab.a += static_cast<long long>(first_row) * args.lda;
    slab.c += static_cast<long long>(first_row) * args.ldc;
    launch(slab);
  }
}

}  // namespace ladder
