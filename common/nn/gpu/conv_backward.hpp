/// \file common/nn/gpu/conv_backward.hpp
/// \brief A convolution's backward-data pass as another forward convolution, so the conv
/// chapters' rungs compute it: the index arithmetic, shared by the GPU kernels and their CPU
/// tests.
///
/// With stride 1, input x (N, C, H, W), filters w (K, C, R, S) and padding pad, the forward pass
/// sends x[n][c][h][w] into y[n][k][h - r + pad][w - s + pad] through w[k][c][r][s]. Read
/// backwards, dL/dx[n][c][h][w] gathers dL/dy[n][k][h - r + pad][w - s + pad] · w[k][c][r][s]
/// over k, r, s. Substitute r' = R - 1 - r: that is a forward convolution of dL/dy (N, K, P, Q),
/// padded by R - 1 - pad, with filters w'[c][k][r'][s'] = w[k][c][R - 1 - r'][S - 1 - s']: the
/// filter bank transposed (input and output channels swap) and each filter turned 180°.
/// cuDNN calls this pass "backward data"; deconvolution layers are the same computation.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "common/conv/problem.hpp"
#include "common/core/host_device.hpp"

namespace ladder::nn::gpu {

/// Where filter tap w[k][c][r][s] of `forward` lands in the flipped bank w' (C, K, R, S).
LADDER_HOST_DEVICE constexpr std::size_t flipped_filter_index(const ConvProblem& forward, int k, int c, int r, int s) {
  return ((std::size_t(c) * forward.k + k) * forward.r + (forward.r - 1 - r)) * forward.s + (forward.s - 1 - s);
}

/// The forward convolution whose output is dL/dx of `forward`: input dL/dy (N, K, P, Q), the
/// flipped filters (C, K, R, S), padding R - 1 - pad. Its output extent is H x W again.
LADDER_HOST_DEVICE constexpr ConvProblem backward_data_problem(const ConvProblem& forward) {
  return {forward.n,   forward.k, forward.p(),
          forward.q(), forward.c, forward.r,
          forward.s,   1,         forward.r - 1 - forward.padding};
}

/// Why backward_data_problem does not give `forward`'s input gradient, or nothing when it does:
/// with a stride above 1 the gradient needs zeros between dL/dy's elements (or a scatter), and
/// with R != S the two axes would need different paddings, which ConvProblem cannot express.
inline std::optional<std::string> backward_data_unsupported_reason(const ConvProblem& forward) {
  if (forward.stride != 1)
    return "backward data as a convolution needs stride 1, not " + std::to_string(forward.stride);
  if (forward.r != forward.s) return "backward data as a convolution needs square filters";
  if (forward.padding > forward.r - 1) return "backward data as a convolution needs padding <= R - 1";
  return std::nullopt;
}

}  // namespace ladder::nn::gpu
