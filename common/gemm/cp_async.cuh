/// \file common/gemm/cp_async.cuh
/// \brief `cp.async`: asynchronous 16-byte copies global → shared with zero fill, taught in
/// chapter 06 and used by every pipelined rung after it (fp32 and bf16 alike: it copies bytes).
#pragma once

#include <cuda_runtime.h>

namespace ladder {

// [cp-async]
/// Copies 16 bytes global → shared without passing through registers; only the
/// first `src_bytes` are read, the rest of the 16 are filled with zeros (the
/// edge tiles' bounds handling, for free). `.cg` caches in L2 only: a GEMM
/// block stages each element once, so L1 would not see it again (chapter 13's
/// gather re-reads pixels across filter taps, and those come from L2).
/// (sm_80+: for older targets these helpers compile to nothing, and the kernels
/// that call them compile to a trap. The registries launch them neither on an older GPU
/// nor from a build whose targets are all older: common/core/build_targets.hpp.)
__device__ __forceinline__ void cp_async_16(void* dst, const void* src, int src_bytes) {
#if __CUDA_ARCH__ >= 800
  const unsigned shared_address = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(shared_address), "l"(src), "r"(src_bytes)
               : "memory");
#endif
}
__device__ __forceinline__ void cp_async_commit() {
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.commit_group;\n" ::: "memory");
#endif
}
/// Waits until at most `kPending` of this thread's committed groups are still in flight.
template <int kPending>
__device__ __forceinline__ void cp_async_wait() {
  static_assert(kPending >= 0, "a count of commit groups");
#if __CUDA_ARCH__ >= 800
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending) : "memory");
#endif
}
// [cp-async]

}  // namespace ladder
