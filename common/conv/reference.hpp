/// \file common/conv/reference.hpp
/// \brief The CPU oracle of the conv chapters, the layout permutations that let
/// every layout use it, and im2col written with the kernels' index maps.
///
/// There is one convolution reference in the project: common/nn's
/// conv2d_forward, run here in double. The fp32 rungs (NCHW, KCRS) are compared
/// with it directly; the bf16 rungs (NHWC, KRSC) permute their inputs to NCHW
/// and KCRS, run the same reference, and permute its output back to NHWC.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/conv/problem.hpp"

namespace ladder {

/// y = conv(x, w) as problem.hpp defines it, every product and sum in double.
///
/// x is NCHW (N, C, H, W) and w is KCRS (K, C, R, S); the result is NCHW
/// (N, K, P, Q) in double, so a comparison measures the rung's rounding and not
/// the reference's. Throws std::invalid_argument when the problem is invalid or
/// a vector's length does not match it. Cost: flops() on one core, so large
/// benchmark problems are checked on a few images (next function).
std::vector<double> reference_conv_nchw(const ConvProblem& problem, const std::vector<float>& x_nchw,
                                        const std::vector<float>& w_kcrs);

/// The reference output of only the batch images listed, in the order listed:
/// for images {5, 2} the result is y[5] (K, P, Q) followed by y[2] (K, P, Q).
/// A rung's full NCHW output is checked against it by slicing the same images
/// out. Throws std::invalid_argument for an image outside [0, N).
std::vector<double> reference_conv_nchw_images(const ConvProblem& problem, const std::vector<float>& x_nchw,
                                               const std::vector<float>& w_kcrs, const std::vector<int>& images);

// ---- Layout permutations --------------------------------------------------------
//
// Element (n, c, h, w) moves from ((n·C + c)·H + h)·W + w in NCHW to
// ((n·H + h)·W + w)·C + c in NHWC. The offsets are spelt out here rather than
// taken from index.hpp, so that the tests, which check these against
// conv::nhwc_offset, compare two independent writings of the layout.

/// An activation (n, c, h, w) stored NCHW, rewritten NHWC (channels last).
template <typename T>
std::vector<T> nchw_to_nhwc(const std::vector<T>& nchw, int n, int c, int h, int w) {
  if (nchw.size() != std::size_t(n) * c * h * w)
    throw std::invalid_argument("nchw_to_nhwc: " + std::to_string(nchw.size()) + " elements is not N*C*H*W");
  std::vector<T> nhwc(nchw.size());
  std::size_t nchw_index = 0;  // walks the source in its own order
  for (int image = 0; image < n; ++image)
    for (int channel = 0; channel < c; ++channel)
      for (int row = 0; row < h; ++row)
        for (int col = 0; col < w; ++col)
          nhwc[((std::size_t(image) * h + row) * w + col) * c + channel] = nchw[nchw_index++];
  return nhwc;
}

/// An activation (n, c, h, w) stored NHWC, rewritten NCHW.
template <typename T>
std::vector<T> nhwc_to_nchw(const std::vector<T>& nhwc, int n, int c, int h, int w) {
  if (nhwc.size() != std::size_t(n) * c * h * w)
    throw std::invalid_argument("nhwc_to_nchw: " + std::to_string(nhwc.size()) + " elements is not N*C*H*W");
  std::vector<T> nchw(nhwc.size());
  std::size_t nhwc_index = 0;
  for (int image = 0; image < n; ++image)
    for (int row = 0; row < h; ++row)
      for (int col = 0; col < w; ++col)
        for (int channel = 0; channel < c; ++channel)
          nchw[((std::size_t(image) * c + channel) * h + row) * w + col] = nhwc[nhwc_index++];
  return nchw;
}

/// A filter bank (k, c, r, s) stored KCRS, rewritten KRSC. It is the same
/// permutation as NCHW to NHWC: K filters of C channels of R×S taps are laid
/// out exactly like N images of C channels of H×W pixels.
template <typename T>
std::vector<T> kcrs_to_krsc(const std::vector<T>& kcrs, int k, int c, int r, int s) {
  return nchw_to_nhwc(kcrs, k, c, r, s);
}

/// A filter bank (k, c, r, s) stored KRSC, rewritten KCRS.
template <typename T>
std::vector<T> krsc_to_kcrs(const std::vector<T>& krsc, int k, int c, int r, int s) {
  return nhwc_to_nchw(krsc, k, c, r, s);
}

// ---- im2col -----------------------------------------------------------------------

/// The input lowered to the GEMM view's A matrix (chapter 12): gemm_m() rows,
/// one per output position (row = conv::im2col_row(n, p, q)), and gemm_k()
/// columns, one per filter tap in KCRS order (column = conv::tap_index_crs(c, r, s)),
/// row-major. Entry (row, column) is the input element that tap reads for that
/// output, or 0 where it falls in the padding. Then y = A · Wᵀ, with W the
/// KCRS filters read as a K × C·R·S matrix. Built with the same index maps as
/// the GPU im2col kernel, so this is also that kernel's oracle.
std::vector<float> im2col_nchw(const ConvProblem& problem, const std::vector<float>& x_nchw);

/// Bytes of the lowered matrix: gemm_m() · gemm_k() · element_bytes. For a
/// stride-1 convolution that keeps the image size, R·S times the input's.
std::size_t im2col_bytes(const ConvProblem& problem, int element_bytes);

}  // namespace ladder
