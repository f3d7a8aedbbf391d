/// \file chapters/13_implicit_gemm_conv/exercises/ex2_tap_mask.hpp
/// \brief Exercise 2 (starter): the tap mask, host-callable so that a CPU test checks it
/// against 13i's row_taps before a GPU runs it (Chapter13TapMaskExercise).
#pragma once

#include <cstdint>

#include "chapters/13_implicit_gemm_conv/implicit_gemm_map.hpp"

namespace ladder::implicit_gemm::exercise2 {

/// The taps of output position `row` that land inside the image: bit r·S + s for tap (r, s),
/// no other bit set (a bit in the padding makes its chunk read outside x: on the GPU an
/// illegal-address error, not a wrong answer), and no bit for a row past M. Keep the
/// signature: WithTapMask takes exactly this type of function.
// TODO: build it (conv::output_position, conv::input_row and input_col, conv::inside_image).
LADDER_HOST_DEVICE constexpr std::uint64_t tap_mask(const ConvProblem& pr, long long row) { return 0 * pr.r * row; }

}  // namespace ladder::implicit_gemm::exercise2
