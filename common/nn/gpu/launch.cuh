/// \file common/nn/gpu/launch.cuh
/// \brief The launch shape and the argument checks every kernel file of common/nn/gpu shares.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace ladder::nn::gpu {

/// Threads per block of the element-wise and reduction kernels.
inline constexpr int kThreads = 256;

/// Enough blocks of kThreads for `count` elements with a grid-stride loop, capped so the grid
/// stays small for huge counts (each thread then takes several elements).
inline unsigned blocks_for(std::size_t count) {
  const std::size_t blocks = (count + kThreads - 1) / kThreads;
  return static_cast<unsigned>(blocks < 65535 ? (blocks > 0 ? blocks : 1) : 65535);
}

/// Throws std::invalid_argument with `message` unless `condition`: the sizes are checked on the
/// host, before anything is launched.
inline void require(bool condition, const std::string& message) {
  if (!condition) throw std::invalid_argument(message);
}

}  // namespace ladder::nn::gpu
