/// \file common/nn/gpu/bf16_index.hpp
/// \brief The index arithmetic of the bf16 operands (bf16_layout.cuh), shared by its kernels and
/// their CPU tests.
#pragma once

#include <cstddef>

#include "common/conv/problem.hpp"
#include "common/core/host_device.hpp"

namespace ladder::nn::gpu {

/// `columns` rounded up to a multiple of 8: a bf16 row of that many values spans whole 16-byte
/// chunks, as the tensor-core rungs' copies need.
LADDER_HOST_DEVICE constexpr int bf16_leading_dimension(int columns) { return (columns + 7) / 8 * 8; }

/// Where tap w[k][c][r][s] of `forward` lands in filters_to_krsc_bf16's output: KRSC, or, when
/// `flipped`, the backward-data bank (conv_backward.hpp) in the same layout, (C, R, S, K) with
/// each filter turned 180 degrees.
LADDER_HOST_DEVICE constexpr std::size_t krsc_index(const ConvProblem& forward, bool flipped, int k, int c, int r,
                                                    int s) {
  return flipped
             ? ((std::size_t(c) * forward.r + (forward.r - 1 - r)) * forward.s + (forward.s - 1 - s)) * forward.k + k
             : ((std::size_t(k) * forward.r + r) * forward.s + s) * forward.c + c;
}

}  // namespace ladder::nn::gpu
