/// \file chapters/10_direct_conv/direct_conv.cuh
/// \brief Chapter 10's kernels: one thread per output element, the filter read
/// from global memory (10a) or from constant memory (10b).
///
/// Both kernels walk the definition of the convolution (common/conv/problem.hpp)
/// literally: a thread owns y[n][k][p][q] and sums C·R·S products. They differ
/// only in where the filter comes from, so the timing difference between 10a
/// and 10b is the price of that one choice.
#pragma once

#include "common/conv/conv.cuh"
#include "common/conv/index.hpp"
#include "common/core/cuda_check.cuh"

namespace ladder::direct {

/// Threads per block: 8 warps, enough to hide latency with a few blocks per SM.
inline constexpr int kThreadsPerBlock = 256;

/// Constant memory holds 64 KiB: 16384 fp32 weights for the whole filter bank.
inline constexpr int kConstantFilterCapacity = 16384;

/// The output element thread `index` owns, with q fastest: the 32 threads of a
/// warp own 32 neighbouring output pixels of one output channel, so their
/// stores are coalesced and (for stride 1) so are their input loads.
struct OutputElement {
  int n, k, p, q;
};
LADDER_HOST_DEVICE constexpr OutputElement output_element(const ConvProblem& pr, long long index) {
  const int q = static_cast<int>(index % pr.q());
  index /= pr.q();
  const int p = static_cast<int>(index % pr.p());
  index /= pr.p();
  return {static_cast<int>(index / pr.k), static_cast<int>(index % pr.k), p, q};
}

// [direct-sum]
/// The sum one thread computes. `filter` is wherever the weights live, read
/// as filter[kcrs_offset(k, c, r, s)]: a global pointer in 10a, the constant
/// array in 10b. Taps that land in the padding are skipped: they would
/// multiply by zero.
template <typename FilterPointer>
__device__ float direct_conv_sum(const ConvProblem& pr, const float* __restrict__ x, FilterPointer filter,
                                 OutputElement out) {
  float sum = 0.0f;
  for (int c = 0; c < pr.c; ++c) {
    for (int r = 0; r < pr.r; ++r) {
      const int h = conv::input_row(pr, out.p, r);
      if (h < 0 || h >= pr.h) continue;  // the whole filter row falls in the padding
      for (int s = 0; s < pr.s; ++s) {
        const int w = conv::input_col(pr, out.q, s);
        if (w < 0 || w >= pr.w) continue;
        sum += x[conv::nchw_offset(pr, out.n, c, h, w)] * filter[conv::kcrs_offset(pr, out.k, c, r, s)];
      }
    }
  }
  return sum;
}
// [direct-sum]

}  // namespace ladder::direct
