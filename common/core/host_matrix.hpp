/// \file common/core/host_matrix.hpp
/// \brief Row-major host matrices with seeded random fill.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ladder {

/// A rows × cols row-major float matrix in host memory (leading dimension = cols).
struct HostMatrix {
  int rows = 0;
  int cols = 0;
  std::vector<float> values;  // (rows, cols), element (r, c) at r * cols + c

  HostMatrix() = default;
  HostMatrix(int rows, int cols) : rows(rows), cols(cols), values(std::size_t(rows) * cols) {}

  float& at(int r, int c) { return values[std::size_t(r) * cols + c]; }
  float at(int r, int c) const { return values[std::size_t(r) * cols + c]; }
};

/// Fills with uniform values in [-1, 1) from a seeded generator: the same seed
/// gives the same matrix on every machine. Never zeros, whose products would
/// hide indexing bugs (0 * anything = 0).
void fill_random(std::vector<float>& values, std::uint64_t seed);

/// A rows × cols matrix filled by fill_random(seed).
HostMatrix random_matrix(int rows, int cols, std::uint64_t seed);

/// The cols × rows matrix whose (c, r) is the argument's (r, c).
HostMatrix transposed(const HostMatrix& matrix);

/// The matrix stored with row stride `ld` >= cols, followed by `extra_rows`
/// rows; every element outside the matrix (padding columns, extra rows) holds `fill`.
std::vector<float> with_row_stride(const HostMatrix& matrix, int ld, int extra_rows, float fill);

/// The rows × cols matrix (leading dimension cols) out of values stored with row stride `ld`.
std::vector<float> without_row_stride(const std::vector<float>& values, int rows, int cols, int ld);

}  // namespace ladder
