/// \file common/nn/tensor.hpp
/// \brief The dense host tensor the CPU reference network is written in.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ladder::nn {

/// A dense row-major tensor in host memory. Activations are NCHW
/// (batch, channels, height, width): element (n, c, h, w) lies at
/// ((n * C + c) * H + h) * W + w. Fully connected layers see (batch, features).
template <typename T>
struct Tensor {
  std::vector<int> shape;  ///< extent of every dimension, outermost first
  std::vector<T> values;   ///< shape[0] * shape[1] * ... elements

  Tensor() = default;
  /// A zero-filled tensor of the given shape.
  explicit Tensor(std::vector<int> dims) : shape(std::move(dims)), values(element_count(shape), T(0)) {}

  /// Extent of dimension `axis`.
  int dim(int axis) const { return shape[std::size_t(axis)]; }
  /// Number of elements.
  std::size_t size() const { return values.size(); }
  T* data() { return values.data(); }
  const T* data() const { return values.data(); }

  /// Number of elements of a tensor with this shape.
  static std::size_t element_count(const std::vector<int>& dims) {
    std::size_t count = 1;
    for (int extent : dims) count *= std::size_t(extent);
    return count;
  }
};

/// "6x1x5x5": a shape as people write it, for messages and checkpoint headers.
std::string shape_to_string(const std::vector<int>& shape);

/// A copy of `source` with every value converted to `To` (e.g. float weights
/// into a double network for gradient checks).
template <typename To, typename From>
Tensor<To> tensor_cast(const Tensor<From>& source) {
  Tensor<To> result;
  result.shape = source.shape;
  result.values.assign(source.values.begin(), source.values.end());
  return result;
}

}  // namespace ladder::nn
