/// \file common/nn/random.hpp
/// \brief A small seeded random generator whose streams are identical on every platform.
#pragma once

#include <cstdint>

namespace ladder::nn {

/// SplitMix64 with hand-written conversions. The standard distributions
/// (uniform_real_distribution, normal_distribution, shuffle) are allowed to
/// differ between library implementations; these are not, so "same seed, same
/// result" holds on any compiler.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  /// 64 uniformly distributed bits.
  std::uint64_t next_bits();
  /// Uniform in [0, 1).
  double uniform();
  /// Uniform in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  /// Uniform integer in [0, bound); bound must be positive.
  std::uint64_t below(std::uint64_t bound);
  /// Standard normal (mean 0, standard deviation 1), by Box-Muller.
  double normal();

 private:
  std::uint64_t state_;
};

/// A seed for an independent stream, derived from a base seed and a purpose
/// (e.g. 1 for training data, 2 for test data), so streams never overlap by accident.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t purpose);

}  // namespace ladder::nn
