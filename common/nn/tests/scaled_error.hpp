/// \file common/nn/tests/scaled_error.hpp
/// \brief The error measure of chapter 14's GPU-against-CPU tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <vector>

namespace ladder::nn {

/// max |got - expected| over max |expected|, with the `outliers` worst elements set aside: the
/// error relative to the tensor's own scale, so that a gradient whose elements are all small is
/// judged by its own size. NaN anywhere in `got` is infinitely wrong.
///
/// The outliers are for Adam. Its step is lr · m̂ / (√v̂ + ε), and at the first step
/// m̂ / √v̂ = g / |g|: as a gradient crosses zero, within ε = 1e-8 of it, the step swings from
/// -lr to +lr. A gradient that is a near-cancelling sum can land within fp32 rounding of zero,
/// and then its weight may move by up to 2 lr more on one path than on the other; the test
/// bounds those few elements by that instead.
inline double scaled_error_but_worst(const std::vector<float>& got, const std::vector<float>& expected,
                                     std::size_t outliers) {
  if (got.size() != expected.size()) return INFINITY;  // a tensor of the wrong size is all wrong
  std::vector<double> errors(got.size());
  double scale = 1e-30;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i])) return INFINITY;
    errors[i] = std::abs(double(got[i]) - double(expected[i]));
    scale = std::max(scale, std::abs(double(expected[i])));
  }
  if (errors.size() <= outliers) return 0;
  std::nth_element(errors.begin(), errors.begin() + std::ptrdiff_t(outliers), errors.end(), std::greater<>());
  return errors[outliers] / scale;
}

/// scaled_error_but_worst with no outlier: every element counts.
inline double scaled_error(const std::vector<float>& got, const std::vector<float>& expected) {
  return scaled_error_but_worst(got, expected, 0);
}

/// ||got - expected|| / ||expected|| (Euclidean): an error spread thinly over the whole
/// tensor, which the max-based scaled_error can miss. NaN anywhere is infinitely wrong.
inline double relative_l2_error(const std::vector<float>& got, const std::vector<float>& expected) {
  if (got.size() != expected.size()) return INFINITY;
  double diff_squared = 0, scale_squared = 1e-60;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i])) return INFINITY;
    const double diff = double(got[i]) - double(expected[i]);
    diff_squared += diff * diff;
    scale_squared += double(expected[i]) * double(expected[i]);
  }
  return std::sqrt(diff_squared / scale_squared);
}

/// max |got - expected|: NaN anywhere is infinitely wrong.
inline double max_abs_error(const std::vector<float>& got, const std::vector<float>& expected) {
  if (got.size() != expected.size()) return INFINITY;
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i])) return INFINITY;
    worst = std::max(worst, std::abs(double(got[i]) - double(expected[i])));
  }
  return worst;
}

}  // namespace ladder::nn
