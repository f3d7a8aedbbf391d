/// \file solutions/05_vectorized_gemm/ex1_swizzle.hpp
/// \brief Solution to chapter 05, exercise 1: the swizzle, host-callable so that a CPU test checks its banks.
#pragma once

#include "common/core/host_device.hpp"

namespace ladder::sol05 {

/// Where element (k, m) of the A tile lives in row k of a_tile. Without
/// padding, a warp's transposing stores put lanes 2i and 2i+1 (rows ac+j and
/// ac+4+j, same m) in the same bank. XOR-ing bit 4 of m with bit 2 of k moves
/// rows 4..7 by 16 banks; bits 0..1 of m are untouched, so every aligned group
/// of 4 columns stays together and the float4 reads still work.
LADDER_HOST_DEVICE constexpr int swizzle(int k, int m) { return m ^ (((k >> 2) & 1) << 4); }

}  // namespace ladder::sol05
