/// \file common/core/capability.hpp
/// \brief Why a rung cannot run on a device of some compute capability: the one message both
/// registries (GEMM and convolution) give.
#pragma once

#include <string>

namespace ladder {

/// "9.0" for 90.
inline std::string capability_version(int capability) {
  return std::to_string(capability / 10) + "." + std::to_string(capability % 10);
}

/// Why code that needs compute capability `min_capability` to `max_capability` (0: any newer
/// one too) cannot run on a device of `device_capability`, or "" when it can. Arch-specific code
/// (sm_90a: wgmma) has a maximum: it runs on its own compute capability only.
inline std::string capability_mismatch(int min_capability, int max_capability, int device_capability) {
  if (device_capability < min_capability)
    return "needs compute capability " + capability_version(min_capability) + ", device has " +
           capability_version(device_capability);
  if (max_capability > 0 && device_capability > max_capability)
    return "runs on compute capability " + capability_version(min_capability) +
           (max_capability != min_capability ? " to " + capability_version(max_capability) : std::string(" only")) +
           " (arch-specific code), device has " + capability_version(device_capability);
  return "";
}

}  // namespace ladder
