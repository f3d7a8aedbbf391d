/// \file common/nn/random.hpp
/// \brief A small seeded random generator whose streams are identical on every platform, and
/// on the GPU.
#pragma once

#include <cstdint>

#include "common/core/host_device.hpp"

namespace ladder::nn {

/// SplitMix64 with hand-written conversions. The standard distributions
/// (uniform_real_distribution, normal_distribution, shuffle) are allowed to
/// differ between library implementations; these are not, so "same seed, same
/// result" holds on any compiler.
///
/// SplitMix64 (Steele, Lea, Flood 2014) is a Weyl sequence through a bijective mixer: its state
/// after n draws is seed + n·γ. So a GPU thread can start at any draw of the stream at once
/// (at()), and the GPU path draws exactly what the CPU path draws, in parallel. The methods run
/// on the host and on the device.
class Random {
 public:
  LADDER_HOST_DEVICE explicit Random(std::uint64_t seed) : state_(seed) {}

  /// The stream of Random(seed) after `draws` next_bits() calls, without making them.
  LADDER_HOST_DEVICE static Random at(std::uint64_t seed, std::uint64_t draws) { return Random(seed + draws * kGamma); }

  /// 64 uniformly distributed bits.
  LADDER_HOST_DEVICE std::uint64_t next_bits() {
    std::uint64_t z = (state_ += kGamma);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1): one next_bits() call.
  LADDER_HOST_DEVICE double uniform() { return double(next_bits() >> 11) * 0x1.0p-53; }
  /// Uniform in [low, high).
  LADDER_HOST_DEVICE double uniform(double low, double high) { return low + (high - low) * uniform(); }
  /// Uniform integer in [0, bound); bound must be positive. Rejection removes the modulo bias of
  /// next_bits() % bound, so the number of next_bits() calls varies.
  LADDER_HOST_DEVICE std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t limit = ~std::uint64_t(0) - (~std::uint64_t(0) % bound);
    std::uint64_t bits = next_bits();
    while (bits >= limit) bits = next_bits();
    return bits % bound;
  }
  /// Standard normal (mean 0, standard deviation 1), by Box-Muller. Host only.
  double normal();

 private:
  static constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ULL;  // 2^64 / the golden ratio
  std::uint64_t state_;
};

/// A seed for an independent stream, derived from a base seed and a purpose
/// (e.g. 1 for training data, 2 for test data), so streams never overlap by accident.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t purpose);

}  // namespace ladder::nn
