#include "common/nn/random.hpp"

#include <cmath>

namespace ladder::nn {

std::uint64_t Random::next_bits() {
  // SplitMix64 (Steele, Lea, Flood 2014): a Weyl sequence through a bijective mixer.
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Random::uniform() { return double(next_bits() >> 11) * 0x1.0p-53; }

std::uint64_t Random::below(std::uint64_t bound) {
  // Rejection removes the modulo bias of next_bits() % bound.
  const std::uint64_t limit = ~std::uint64_t(0) - (~std::uint64_t(0) % bound);
  std::uint64_t bits = next_bits();
  while (bits >= limit) bits = next_bits();
  return bits % bound;
}

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
