/// \file common/nn/gpu/warp_reduce.cuh
/// \brief Butterfly reductions over the 32 lanes of a warp, for chapter 14's kernels.
///
/// Every lane does the same shuffles in the same order and ends with the same result, so a
/// reduction gives the same bits on every run: the training loop stays deterministic.
#pragma once

namespace ladder::nn::gpu {

inline constexpr int kWarp = 32;

/// The sum of `value` over the warp, in every lane. All 32 lanes must call it.
__device__ inline float warp_sum(float value) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2) value += __shfl_xor_sync(0xffffffffu, value, offset);
  return value;
}

/// The largest `value` of the warp, in every lane. All 32 lanes must call it.
__device__ inline float warp_max(float value) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2)
    value = fmaxf(value, __shfl_xor_sync(0xffffffffu, value, offset));
  return value;
}

}  // namespace ladder::nn::gpu
