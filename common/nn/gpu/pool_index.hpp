/// \file common/nn/gpu/pool_index.hpp
/// \brief Max pooling's index arithmetic, shared by the GPU kernels and their CPU tests.
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

}  // namespace ladder::nn::gpu
