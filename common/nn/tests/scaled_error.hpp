/// \file common/nn/tests/scaled_error.hpp
/// \brief The error measure of chapter 14's GPU-against-CPU tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace ladder::nn {

/// max |got - expected| over max |expected|: the error relative to the tensor's own scale, so
/// that a gradient whose elements are all small is judged by its own size. NaN anywhere in
/// `got` is infinitely wrong.
inline double scaled_error(const std::vector<float>& got, const std::vector<float>& expected) {
  double worst = 0, scale = 1e-30;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i])) return INFINITY;
    worst = std::max(worst, std::abs(double(got[i]) - double(expected[i])));
    scale = std::max(scale, std::abs(double(expected[i])));
  }
  return worst / scale;
}

/// ||got - expected|| / ||expected|| (Euclidean): an error spread thinly over the whole
/// tensor, which the max-based scaled_error can miss. NaN anywhere is infinitely wrong.
inline double relative_l2_error(const std::vector<float>& got, const std::vector<float>& expected) {
  double diff_squared = 0, scale_squared = 1e-60;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i])) return INFINITY;
    const double diff = double(got[i]) - double(expected[i]);
    diff_squared += diff * diff;
    scale_squared += double(expected[i]) * double(expected[i]);
  }
  return std::sqrt(diff_squared / scale_squared);
}

}  // namespace ladder::nn
