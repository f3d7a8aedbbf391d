/// \file solutions/13_implicit_gemm_conv/ex2_tap_mask.hpp
/// \brief Exercise 2 (worked solution), the tap mask: which taps of an output position land
/// inside the image. No CUDA here, so the CPU tests call it too.
#pragma once

#include <cstdint>

#include "chapters/13_implicit_gemm_conv/implicit_gemm_map.hpp"

namespace ladder::implicit_gemm::solution2 {

// [sol2-tap-mask]
/// Bit r·S + s set when tap (r, s) of output position `row` reads a pixel inside the image;
/// none for a row past M. Tap by tap: R·S bounds checks, once per row before the k-loop.
/// (13i's row_taps builds the same mask from the rectangle the taps inside form.)
LADDER_HOST_DEVICE constexpr std::uint64_t tap_mask(const ConvProblem& pr, long long row) {
  if (row >= pr.gemm_m()) return 0;
  const conv::OutputPosition out = conv::output_position(pr, row);
  std::uint64_t inside = 0;
  for (int r = 0; r < pr.r; ++r)
    for (int s = 0; s < pr.s; ++s)
      if (conv::inside_image(pr, conv::input_row(pr, out.p, r), conv::input_col(pr, out.q, s)))
        inside |= std::uint64_t{1} << (r * pr.s + s);
  return inside;
}
// [sol2-tap-mask]

}  // namespace ladder::implicit_gemm::solution2
