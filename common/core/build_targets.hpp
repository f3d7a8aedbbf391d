/// \file common/core/build_targets.hpp
/// \brief Whether this build holds device code for Ampere (sm_80) or newer, which the
/// registries ask before they launch a rung that uses cp.async or bf16 tensor cores.
#pragma once

#include "common/core/rung_kind.hpp"

namespace ladder {

/// Kernels that use cp.async or bf16 `mma.sync`/WMMA compile to traps for targets older than
/// sm_80 (common/gemm/cp_async.cuh). A build whose targets are all older (CUDAARCHS=75, say)
/// still runs on a newer GPU, by JIT-compiling its PTX, and those traps would fire there. So
/// CMake defines LADDER_BUILD_LACKS_SM80 when every entry of CMAKE_CUDA_ARCHITECTURES is a
/// number below 80 (never for native, all or all-major), and such rungs skip with this reason.
#ifdef LADDER_BUILD_LACKS_SM80
inline constexpr const char* kMissingSm80 =
    "built for no target of sm_80 or newer (CMAKE_CUDA_ARCHITECTURES lists none), which cp.async and bf16 "
    "tensor cores need; add 80, 90 or native";
#else
inline constexpr const char* kMissingSm80 = "";
#endif

/// kMissingSm80 for a rung of ours (not the vendor library's, which brings its own code) that
/// needs compute capability 8.0 or more, in a build without such a target; nullptr otherwise.
/// The one rule both registries apply.
constexpr const char* missing_sm80_code(RungKind kind, int min_compute_capability) {
  return kind != RungKind::Vendor && min_compute_capability >= 80 && *kMissingSm80 != '\0' ? kMissingSm80 : nullptr;
}

}  // namespace ladder
