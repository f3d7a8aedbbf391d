/// \file common/conv/index.hpp
/// \brief Where each element of a convolution lives: tensor offsets in NCHW and NHWC,
/// the GEMM view's rows (output positions) and reduction steps (filter taps), and
/// the input rows and columns (the halo) an output tile reads.
///
/// The conv kernels call these on the device; common/conv/tests/test_conv_index.cpp
/// checks them on the CPU against the reference's plain loops. Offsets are
/// `long long`, so a large batch cannot overflow 32 bits; invalid_reason()
/// bounds each tensor's element count, so a kernel may narrow them to int.
#pragma once

#include "common/conv/problem.hpp"
#include "common/core/host_device.hpp"

namespace ladder::conv {

// ---- Tensor offsets ---------------------------------------------------------

/// Element (n, c, h, w) of an activation stored NCHW: channels are planes.
LADDER_HOST_DEVICE constexpr long long nchw_offset(const ConvProblem& pr, int n, int c, int h, int w) {
  return ((static_cast<long long>(n) * pr.c + c) * pr.h + h) * pr.w + w;
}
/// Element (n, c, h, w) of an activation stored NHWC: a pixel's channels are adjacent.
LADDER_HOST_DEVICE constexpr long long nhwc_offset(const ConvProblem& pr, int n, int c, int h, int w) {
  return ((static_cast<long long>(n) * pr.h + h) * pr.w + w) * pr.c + c;
}
/// Weight (k, c, r, s) of a filter bank stored KCRS (the NCHW rungs' and cuDNN's NCHW order).
LADDER_HOST_DEVICE constexpr long long kcrs_offset(const ConvProblem& pr, int k, int c, int r, int s) {
  return ((static_cast<long long>(k) * pr.c + c) * pr.r + r) * pr.s + s;
}
/// Weight (k, c, r, s) of a filter bank stored KRSC (cuDNN's NHWC filter order).
LADDER_HOST_DEVICE constexpr long long krsc_offset(const ConvProblem& pr, int k, int c, int r, int s) {
  return ((static_cast<long long>(k) * pr.r + r) * pr.s + s) * pr.c + c;
}
/// Output (n, k, p, q) stored NCHW (N×K×P×Q).
LADDER_HOST_DEVICE constexpr long long nkpq_offset(const ConvProblem& pr, int n, int k, int p, int q) {
  return ((static_cast<long long>(n) * pr.k + k) * pr.p() + p) * pr.q() + q;
}
/// Output (n, k, p, q) stored NHWC (N×P×Q×K): row (n, p, q) of the GEMM view, column k.
LADDER_HOST_DEVICE constexpr long long npqk_offset(const ConvProblem& pr, int n, int k, int p, int q) {
  return ((static_cast<long long>(n) * pr.p() + p) * pr.q() + q) * pr.k + k;
}

// ---- The GEMM view: rows are output positions --------------------------------

/// One output position: image n, output row p, output column q.
struct OutputPosition {
  int n = 0, p = 0, q = 0;
  LADDER_HOST_DEVICE constexpr bool operator==(const OutputPosition& o) const {
    return n == o.n && p == o.p && q == o.q;
  }
};

/// The im2col (GEMM) row of output position (n, p, q): q fastest, so adjacent
/// rows are adjacent output pixels and, in NHWC, adjacent output rows in memory.
LADDER_HOST_DEVICE constexpr long long im2col_row(const ConvProblem& pr, int n, int p, int q) {
  return (static_cast<long long>(n) * pr.p() + p) * pr.q() + q;
}
/// The inverse of im2col_row.
LADDER_HOST_DEVICE constexpr OutputPosition output_position(const ConvProblem& pr, long long row) {
  const long long pixels = static_cast<long long>(pr.p()) * pr.q();
  const int n = static_cast<int>(row / pixels);
  const int pixel = static_cast<int>(row - n * pixels);
  return {n, pixel / pr.q(), pixel % pr.q()};
}

// ---- The GEMM view: reduction steps are filter taps ---------------------------

/// One filter tap: input channel c at filter row r, filter column s.
struct FilterTap {
  int c = 0, r = 0, s = 0;
  LADDER_HOST_DEVICE constexpr bool operator==(const FilterTap& o) const { return c == o.c && r == o.r && s == o.s; }
};

/// The reduction index of tap (c, r, s) in KCRS order (c slowest): the im2col
/// column of the NCHW rungs, and the offset of w[k][c][r][s] within filter k.
LADDER_HOST_DEVICE constexpr int tap_index_crs(const ConvProblem& pr, int c, int r, int s) {
  return (c * pr.r + r) * pr.s + s;
}
/// The inverse of tap_index_crs.
LADDER_HOST_DEVICE constexpr FilterTap filter_tap_crs(const ConvProblem& pr, int index) {
  return {index / (pr.r * pr.s), (index / pr.s) % pr.r, index % pr.s};
}
/// The reduction index of tap (c, r, s) in KRSC order (c fastest): the NHWC
/// rungs' order, in which consecutive steps are consecutive channels of one
/// input pixel, contiguous in memory.
LADDER_HOST_DEVICE constexpr int tap_index_rsc(const ConvProblem& pr, int c, int r, int s) {
  return (r * pr.s + s) * pr.c + c;
}
/// The inverse of tap_index_rsc.
LADDER_HOST_DEVICE constexpr FilterTap filter_tap_rsc(const ConvProblem& pr, int index) {
  return {index % pr.c, index / (pr.s * pr.c), (index / pr.c) % pr.s};
}

// ---- Which input element a tap reads ------------------------------------------

/// The input row output row p reads at filter row r (may be in the padding: < 0 or >= H).
LADDER_HOST_DEVICE constexpr int input_row(const ConvProblem& pr, int p, int r) {
  return p * pr.stride - pr.padding + r;
}
/// The input column output column q reads at filter column s.
LADDER_HOST_DEVICE constexpr int input_col(const ConvProblem& pr, int q, int s) {
  return q * pr.stride - pr.padding + s;
}
/// Whether (h, w) is inside the image; outside, the input reads as zero.
LADDER_HOST_DEVICE constexpr bool inside_image(const ConvProblem& pr, int h, int w) {
  return h >= 0 && h < pr.h && w >= 0 && w < pr.w;
}

// ---- Halos: the input an output tile reads --------------------------------------

/// A half-open range [first, first + count) of input rows or columns.
struct InputRange {
  int first = 0, count = 0;
  LADDER_HOST_DEVICE constexpr bool operator==(const InputRange& o) const {
    return first == o.first && count == o.count;
  }
};

/// The input rows that output rows [p0, p0 + rows) read, padding included:
/// the tile's rows stretched by the stride plus the filter's reach beyond one
/// row (its halo). `first` may be negative and the range may run past H: those
/// rows are padding, read as zero.
LADDER_HOST_DEVICE constexpr InputRange input_rows_of_tile(const ConvProblem& pr, int p0, int rows) {
  return {input_row(pr, p0, 0), (rows - 1) * pr.stride + pr.r};
}
/// The same for output columns [q0, q0 + cols).
LADDER_HOST_DEVICE constexpr InputRange input_cols_of_tile(const ConvProblem& pr, int q0, int cols) {
  return {input_col(pr, q0, 0), (cols - 1) * pr.stride + pr.s};
}
/// The part of `range` inside [0, extent): what a tiled kernel must load from
/// memory (the rest it fills with zeros). count is 0 when nothing is inside.
LADDER_HOST_DEVICE constexpr InputRange clip_to_image(InputRange range, int extent) {
  const int first = range.first < 0 ? 0 : range.first;
  const int end = range.first + range.count > extent ? extent : range.first + range.count;
  return {first, end > first ? end - first : 0};
}

}  // namespace ladder::conv
