/// \file common/conv/problem.hpp
/// \brief One 2-D convolution: its sizes, its output extent, its FLOPs, and its GEMM view.
///
/// Every conv rung, cuDNN included, computes the forward pass as deep-learning
/// frameworks define it (cross-correlation: the filter is not flipped):
///
///     y[n][k][p][q] = sum over c, r, s of  x[n][c][p·stride − pad + r][q·stride − pad + s] · w[k][c][r][s]
///
/// with x read as zero outside the image, and dilation 1. Seen as a GEMM
/// (chapters 12 and 13), each output position (n, p, q) is a row, each output
/// channel k a column, and each filter tap (c, r, s) a step of the reduction:
/// M = N·P·Q, N = K, K = C·R·S.
///
/// The members are constexpr and host-and-device, so kernels and CPU tests use
/// the same arithmetic.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/core/host_device.hpp"
#include "common/core/metrics.hpp"

namespace ladder {

/// The sizes of one convolution. Activations are N×C×H×W, filters K×C×R×S,
/// outputs N×K×P×Q (the memory order of each is the rung's layout: NCHW and
/// KCRS for the fp32 rungs, NHWC and KRSC for the bf16 tensor-core rungs).
struct ConvProblem {
  int n = 1;        ///< images in the batch
  int c = 1;        ///< input channels
  int h = 1;        ///< input height
  int w = 1;        ///< input width
  int k = 1;        ///< output channels (filters)
  int r = 1;        ///< filter height
  int s = 1;        ///< filter width
  int stride = 1;   ///< the same along both axes
  int padding = 0;  ///< zeros added on every side of the input

  /// Output height: how many filter positions fit down the padded input.
  LADDER_HOST_DEVICE constexpr int p() const { return (h + 2 * padding - r) / stride + 1; }
  /// Output width.
  LADDER_HOST_DEVICE constexpr int q() const { return (w + 2 * padding - s) / stride + 1; }

  /// Rows of the GEMM view: one per output position (n, p, q).
  LADDER_HOST_DEVICE constexpr long long gemm_m() const { return (long long)n * p() * q(); }
  /// Columns of the GEMM view: one per output channel.
  LADDER_HOST_DEVICE constexpr int gemm_n() const { return k; }
  /// Reduction length of the GEMM view: one step per filter tap (c, r, s).
  LADDER_HOST_DEVICE constexpr int gemm_k() const { return c * r * s; }

  LADDER_HOST_DEVICE constexpr std::size_t input_elements() const { return std::size_t(n) * c * h * w; }
  LADDER_HOST_DEVICE constexpr std::size_t filter_elements() const { return std::size_t(k) * c * r * s; }
  LADDER_HOST_DEVICE constexpr std::size_t output_elements() const { return std::size_t(n) * k * p() * q(); }

  /// 2·N·K·P·Q·C·R·S: one multiply and one add per tap per output, padding
  /// taps included (every rung, and cuDNN, is credited with the same count).
  double flops() const { return 2.0 * double(gemm_m()) * gemm_n() * gemm_k(); }

  /// The least traffic any rung can have: read x and w once, write y once.
  double min_bytes(int element_bytes) const {
    return double(element_bytes) * double(input_elements() + filter_elements() + output_elements());
  }

  bool operator==(const ConvProblem& other) const {
    return n == other.n && c == other.c && h == other.h && w == other.w && k == other.k && r == other.r &&
           s == other.s && stride == other.stride && padding == other.padding;
  }
};

/// Why `problem` is not a convolution at all (a zero or negative size, a
/// negative padding, a filter larger than the padded input, an index that
/// overflows 32 bits), or nothing when it is one. Every rung's index arithmetic
/// relies on this having been checked.
std::optional<std::string> invalid_reason(const ConvProblem& problem);

/// "N32 C64 56x56 -> K64 3x3 stride 1 pad 1 (output 56x56)", for tables and messages.
std::string describe(const ConvProblem& problem);

/// Names element `index` of NCHW outputs that hold the images `images`, in that order (the
/// whole batch when empty), for error reports: "image 31, channel 5, row 0, col 13".
ElementNamer nchw_output_namer(const ConvProblem& problem, std::vector<int> images = {});

}  // namespace ladder
