#include "common/core/host_matrix.hpp"

#include <algorithm>
#include <random>

namespace ladder {

void fill_random(std::vector<float>& values, std::uint64_t seed) {
  // mt19937_64 and the explicit conversion below are fully specified by the
  // standard, unlike uniform_real_distribution, so results match across compilers.
  std::mt19937_64 generator(seed);
  for (float& value : values) {
    const double unit = double(generator() >> 11) * 0x1.0p-53;  // [0, 1)
    value = float(2.0 * unit - 1.0);
  }
}

HostMatrix random_matrix(int rows, int cols, std::uint64_t seed) {
  HostMatrix matrix(rows, cols);
  fill_random(matrix.values, seed);
  return matrix;
}

HostMatrix transposed(const HostMatrix& matrix) {
  HostMatrix result(matrix.cols, matrix.rows);
  for (int r = 0; r < matrix.rows; ++r)
    for (int c = 0; c < matrix.cols; ++c) result.at(c, r) = matrix.at(r, c);
  return result;
}

std::vector<float> with_row_stride(const HostMatrix& matrix, int ld, int extra_rows, float fill) {
  std::vector<float> values(std::size_t(matrix.rows + extra_rows) * ld, fill);
  for (int r = 0; r < matrix.rows; ++r)
    std::copy_n(&matrix.values[std::size_t(r) * matrix.cols], matrix.cols, &values[std::size_t(r) * ld]);
  return values;
}

std::vector<float> without_row_stride(const std::vector<float>& values, int rows, int cols, int ld) {
  std::vector<float> result(std::size_t(rows) * cols);
  for (int r = 0; r < rows; ++r) std::copy_n(&values[std::size_t(r) * ld], cols, &result[std::size_t(r) * cols]);
  return result;
}

}  // namespace ladder
