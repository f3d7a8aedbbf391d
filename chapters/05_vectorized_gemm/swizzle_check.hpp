/// \file chapters/05_vectorized_gemm/swizzle_check.hpp
/// \brief What exercise 1's swizzle must do, checked on the CPU for the starter and the solution.
///
/// The kernel of exercise 1 keeps A's 128 × 8 tile transposed in rows of 128 floats, no padding:
/// element (k, m) at a_tile[k][swizzle(k, m)]. Thread t stages row ar = t / 2, columns
/// ac = t % 2 · 4 .. + 3 of A, and stores them one at a time, to a_tile[ac + c][swizzle(ac + c, ar)];
/// then reads float4s, a_tile[p][swizzle(p, 4 i) .. + 3]. So a swizzle must keep every row a
/// permutation, keep each aligned group of 4 together and in order, and give each of the warp's
/// four stores one wavefront.
#pragma once

#include <string>

#include "common/core/warp_access_model.hpp"

namespace ladder::ch05 {

inline constexpr int kSwizzleRows = 8, kSwizzleRowFloats = 128;

/// The first thing `swizzle(k, m)` gets wrong, or "" when nothing.
template <class Swizzle>
std::string swizzle_problem(Swizzle swizzle) {
  for (int k = 0; k < kSwizzleRows; ++k) {
    bool taken[kSwizzleRowFloats] = {};
    for (int m = 0; m < kSwizzleRowFloats; ++m) {
      const int column = swizzle(k, m);
      const std::string where =
          "swizzle(" + std::to_string(k) + ", " + std::to_string(m) + ") = " + std::to_string(column);
      if (column < 0 || column >= kSwizzleRowFloats) return where + ": outside the row";
      if (taken[column]) return where + ": a column another m of row " + std::to_string(k) + " has too";
      taken[column] = true;
      if (column % 4 != m % 4 || column - m % 4 != swizzle(k, m - m % 4))
        return where + ": splits the aligned group of 4 that a float4 read takes";
    }
  }
  for (int warp = 0; warp < 8; ++warp)
    for (int c = 0; c < 4; ++c) {
      const int wavefronts = model::shared_wavefronts(warp, [&](int t) {
        const int row = t % 2 * 4 + c;
        return row * kSwizzleRowFloats + swizzle(row, t / 2);
      });
      if (wavefronts != 1) {
        return "warp " + std::to_string(warp) + "'s store of element " + std::to_string(c) + " takes " +
               std::to_string(wavefronts) + " wavefronts: its lanes share banks";
      }
    }
  return "";
}

}  // namespace ladder::ch05
