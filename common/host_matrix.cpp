#include "common/host_matrix.hpp"

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

}  // namespace ladder
