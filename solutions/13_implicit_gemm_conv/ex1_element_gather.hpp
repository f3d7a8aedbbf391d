/// \file solutions/13_implicit_gemm_conv/ex1_element_gather.hpp
/// \brief Exercise 1 (worked solution), the index arithmetic: which element of x fills
/// element (row, step) of the implicit lowered matrix, for any C. No CUDA here, so the
/// CPU tests call it too.
#pragma once

#include "chapters/13_implicit_gemm_conv/implicit_gemm_map.hpp"

namespace ladder::implicit_gemm::solution1 {

// [sol1-element-map]
/// A(row, step) in x_nhwc, or -1 for a zero (the padding, a row past M, a step past K_gemm).
/// Unlike a_chunk_source this decodes every step on its own: with C not a multiple of 8,
/// the 8 steps of one chunk can span several taps (up to 8 at C = 1), so as many input pixels.
LADDER_HOST_DEVICE constexpr long long a_element_offset(const ConvProblem& pr, long long row, int step) {
  if (row >= pr.gemm_m() || step >= pr.gemm_k()) return -1;
  const conv::OutputPosition out = conv::output_position(pr, row);
  const conv::FilterTap tap = conv::filter_tap_rsc(pr, step);
  const int h = conv::input_row(pr, out.p, tap.r), w = conv::input_col(pr, out.q, tap.s);
  return conv::inside_image(pr, h, w) ? conv::nhwc_offset(pr, out.n, tap.c, h, w) : -1;
}
// [sol1-element-map]

}  // namespace ladder::implicit_gemm::solution1
