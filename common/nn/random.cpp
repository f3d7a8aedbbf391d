#include "common/nn/random.hpp"

#include <cmath>

namespace ladder::nn {

double Random::normal() {
  const double u1 = 1.0 - uniform();  // (0, 1]: log(0) impossible
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t purpose) {
  Random mixer(seed ^ (purpose * 0xd1b54a32d192ed03ULL));
  return mixer.next_bits();
}

}  // namespace ladder::nn
