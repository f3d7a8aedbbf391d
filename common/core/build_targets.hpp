/// \file common/core/build_targets.hpp
/// \brief Whether this build holds device code for Ampere (sm_80) or newer, which the
/// registries ask before they launch a rung that uses cp.async or bf16 tensor cores.
#pragma once

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

}  // namespace ladder
