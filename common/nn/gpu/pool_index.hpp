/// \file common/nn/gpu/pool_index.hpp
/// \brief Max pooling's index arithmetic and one window's maximum, shared by the GPU kernels
/// and their CPU tests.
///
/// The backward pass is written as a gather: each input element adds up the gradients of
/// the windows whose maximum it was. Which windows contain row h (or column w) is
/// covering_windows; the CPU tests check it against every window, one by one.
#pragma once

#include "common/core/host_device.hpp"

namespace ladder::nn::gpu {

/// Outputs along one axis of extent `input` with this window and stride (no padding), as
/// the CPU reference computes them: (input - window) / stride + 1, or 0 if the window does
/// not fit.
LADDER_HOST_DEVICE constexpr int pool_output_extent(int input, int window, int stride) {
  return input < window ? 0 : (input - window) / stride + 1;
}

/// The windows along one axis that contain position `at`: first .. last (empty when
/// last < first). Window p covers p * stride .. p * stride + window - 1.
struct WindowRange {
  int first, last;
};

LADDER_HOST_DEVICE constexpr WindowRange covering_windows(int at, int window, int stride, int outputs) {
  // p * stride <= at  and  at <= p * stride + window - 1
  const int last = at / stride < outputs - 1 ? at / stride : outputs - 1;
  const int reach = at - window + 1;  // p * stride >= reach
  const int first = reach <= 0 ? 0 : (reach + stride - 1) / stride;
  return {first, last};
}

/// x + bias, then the ReLU when `relu`, as the CPU reference writes it (the kink at 0 counts
/// as inactive). add_bias and the fused pool both call this, so that they round and compare
/// alike.
LADDER_HOST_DEVICE inline float bias_then_relu(float x, float bias, bool relu) {
  const float value = x + bias;
  return relu && !(value > 0.0f) ? 0.0f : value;
}

/// The argmax of a window that passes no gradient back: the ReLU clamped its maximum to 0.
inline constexpr int kNoGradient = -1;

/// A window's maximum and where it was in its plane (h * width + w).
struct PooledWindow {
  float value;
  int argmax;
};

// [pool-window]
/// The maximum of window (p, q) of one plane `in` (row-major, `width` wide), the first in
/// row-major order on ties, as the CPU reference picks it. With `channel_bias` (the plane's
/// channel's bias; nullptr for a plain pool), each input first goes through bias_then_relu,
/// so that the same comparisons of the same values pick the same element as add_bias
/// followed by the plain pool. Adding the bias to the maximum alone would give the same
/// maximum (x + b and the ReLU never reverse an order) but, where rounding makes two sums
/// equal, could pick another argmax. And a window whose maximum the ReLU clamped to 0 gets
/// kNoGradient: the ReLU's backward pass, decided here, since relu_backward would zero
/// exactly that window's gradient.
LADDER_HOST_DEVICE inline PooledWindow pool_window(const float* in, int width, int p, int q, int window, int stride,
                                                   const float* channel_bias) {
  const auto input = [&](int at) {
    return channel_bias == nullptr ? in[at] : bias_then_relu(in[at], *channel_bias, true);
  };
  PooledWindow best{input(p * stride * width + q * stride), p * stride * width + q * stride};
  for (int i = 0; i < window; ++i)
    for (int j = 0; j < window; ++j) {
      const int at = (p * stride + i) * width + q * stride + j;
      const float value = input(at);
      if (value > best.value) best = {value, at};
    }
  if (channel_bias != nullptr && !(best.value > 0.0f)) best.argmax = kNoGradient;
  return best;
}
// [pool-window]

}  // namespace ladder::nn::gpu
