/// \file hopper_ptx.cuh
/// \brief The PTX behind chapter 09, one short wrapper per instruction: mbarriers, TMA
/// copies, wgmma and its fences, setmaxnreg.
///
/// Each instruction exists only in sm_90a (wgmma, setmaxnreg) or from sm_90 on (TMA,
/// mbarrier transaction counts). Compiled for anything but sm_90a the wrappers are empty,
/// and the kernels that call them are traps the registry never launches.
#pragma once

#include <cuda.h>  // CUtensorMap: the type only; the driver is reached at run time (wgmma_launch.cuh)

#include <cstdint>

// nvcc defines this when it compiles for sm_90a: the only target with wgmma, and the one of
// compute capability 9.0 with setmaxnreg.
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define LADDER_SM90A_DEVICE 1
#endif

namespace ladder::wgmma {

/// The 32-bit shared-memory address of a pointer into shared memory, as PTX wants it.
__device__ __forceinline__ std::uint32_t smem_address(const void* pointer) {
  return static_cast<std::uint32_t>(__cvta_generic_to_shared(pointer));
}

// [mbarrier]
/// An mbarrier completes a phase when `arrivals` threads have arrived and every byte it
/// was told to expect has landed; waiters ask for the phase by its parity (0, 1, 0, ...).
__device__ __forceinline__ void mbarrier_init(std::uint64_t* barrier, unsigned arrivals) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(smem_address(barrier)), "r"(arrivals) : "memory");
#endif
}

/// Makes the initialised barriers visible to TMA, which works in the async proxy.
__device__ __forceinline__ void fence_barrier_init() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("fence.mbarrier_init.release.cluster;\nfence.proxy.async.shared::cta;\n" ::: "memory");
#endif
}

/// Orders this thread's ordinary shared-memory stores before later reads by the async
/// proxy (wgmma, TMA), which does not otherwise see them in order.
__device__ __forceinline__ void fence_proxy_async_smem() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
#endif
}

/// This thread arrives, and tells the barrier to wait for `bytes` more bytes of TMA copies.
__device__ __forceinline__ void mbarrier_arrive_expect_bytes(std::uint64_t* barrier, std::uint32_t bytes) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(smem_address(barrier)), "r"(bytes)
               : "memory");
#endif
}

/// This thread arrives (and expects no bytes): a consumer saying it is done with a stage.
__device__ __forceinline__ void mbarrier_arrive(std::uint64_t* barrier) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(smem_address(barrier)) : "memory");
#endif
}

/// Whether the phase with this parity has completed (a bounded wait in hardware). The wait
/// acquires at CTA scope, the default, even where other CTAs of the cluster arrive (09d):
/// their arrivals carry no data to see, only "done reading" (mbarrier_arrive_cluster).
__device__ __forceinline__ bool mbarrier_try_wait(std::uint64_t* barrier, std::uint32_t parity) {
  std::uint32_t done = 1;
#ifdef LADDER_SM90A_DEVICE
  asm volatile(
      "{\n.reg .pred complete;\n"
      "mbarrier.try_wait.parity.shared::cta.b64 complete, [%1], %2;\n"
      "selp.u32 %0, 1, 0, complete;\n}\n"
      : "=r"(done)
      : "r"(smem_address(barrier)), "r"(parity)
      : "memory");
#endif
  return done != 0;
}

/// Nanoseconds on the GPU's global timer (%globaltimer): a clock for timeouts, not for timing.
__device__ __forceinline__ std::uint64_t global_timer_ns() {
  std::uint64_t now = 0;
#ifdef LADDER_SM90A_DEVICE
  asm volatile("mov.u64 %0, %%globaltimer;\n" : "=l"(now));
#endif
  return now;
}

/// How long a wait may last before it is taken for a deadlock: far beyond any correct
/// wait here (microseconds), even under compute-sanitizer, which slows kernels a hundredfold.
inline constexpr std::uint64_t kDeadlockTimeoutNs = 20'000'000'000ull;

/// Waits until the phase with this parity completes. A mistake in the protocol (a wrong
/// parity, a byte count TMA never delivers, a missing arrival) would otherwise spin for
/// ever and hang the program; after kDeadlockTimeoutNs the kernel traps instead, and its
/// launcher reports a CUDA error. The clock is read only once the first try has failed.
__device__ __forceinline__ void mbarrier_wait(std::uint64_t* barrier, std::uint32_t parity) {
  if (mbarrier_try_wait(barrier, parity)) return;
  const std::uint64_t start = global_timer_ns();
  while (!mbarrier_try_wait(barrier, parity))
    if (global_timer_ns() - start > kDeadlockTimeoutNs) __trap();
}
// [mbarrier]

// [tma]
/// One TMA copy: the box at (inner, outer) of the tensor `map` describes, into shared
/// memory at `dst`, swizzled as the map says; `barrier` counts its bytes when they land.
/// Coordinates are in elements, innermost first; the parts of the box outside the tensor
/// arrive as zeros.
__device__ __forceinline__ void tma_load_2d(void* dst, const CUtensorMap* map, int inner, int outer,
                                            std::uint64_t* barrier) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%2, %3}], [%4];\n" ::"r"(
          smem_address(dst)),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(inner), "r"(outer), "r"(smem_address(barrier))
      : "memory");
#endif
}
// [tma]

// [wgmma]
/// wgmma reads and writes registers asynchronously: these fences order the warpgroup's
/// earlier accesses to its accumulator and fragment registers before the next wgmma
/// (fence), close a batch of wgmma into a group (commit), and wait until at most `Pending`
/// groups are unfinished. Shared memory written by ordinary stores needs fence.proxy.async
/// before a wgmma reads it; TMA's writes need only their mbarrier.
__device__ __forceinline__ void wgmma_fence() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void wgmma_commit() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
#endif
}
template <int Pending>
__device__ __forceinline__ void wgmma_wait() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(Pending) : "memory");
#endif
}

/// Keeps the compiler from moving reads or writes of `acc` across a wgmma: to the
/// compiler the registers are only "read and written here".
template <int N>
__device__ __forceinline__ void fence_accumulators(float (&acc)[N]) {
#pragma unroll
  for (int i = 0; i < N; ++i) asm volatile("" : "+f"(acc[i])::"memory");
}

/// d (64 x 128 fp32, wgmma_accumulator_at's layout) += A (64 x 16, K-major) · B (16 x 128,
/// MN-major), both in shared memory, named by their descriptors. scale-d is a predicate
/// (d = a·b + (scale-d ? d : 0)), always true here since the accumulators start at zero.
/// The immediates after it: scale A by 1, B by 1, transpose-A = 0 (A is K-major),
/// transpose-B = TransposeB: 1 for B MN-major, as the rungs store it; 0 for a K-major B,
/// stored n x k (GemmRung::launch_b_n_by_k).
template <int TransposeB = 1>
__device__ __forceinline__ void wgmma_m64n128k16(float (&d)[64], std::uint64_t a_descriptor,
                                                 std::uint64_t b_descriptor) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile(
      "{\n.reg .pred accumulate;\n"
      "setp.ne.b32 accumulate, %66, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {"
      "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "
      "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, "
      "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, "
      "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63"
      "}, %64, %65, accumulate, 1, 1, 0, %67;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]),
        "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]),
        "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]),
        "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]),
        "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]),
        "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]),
        "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]),
        "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
      : "l"(a_descriptor), "l"(b_descriptor), "r"(1), "n"(TransposeB));
#endif
}

// [wgmma]

/// The same for 64 columns (32 fp32 accumulators per thread): chapter 13's tiles for layers
/// with 64 output channels, where a 128-wide tile would multiply zeros half the time.
template <int TransposeB = 1>
__device__ __forceinline__ void wgmma_m64n64k16(float (&d)[32], std::uint64_t a_descriptor,
                                                std::uint64_t b_descriptor) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile(
      "{\n.reg .pred accumulate;\n"
      "setp.ne.b32 accumulate, %34, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {"
      "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "
      "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31"
      "}, %32, %33, accumulate, 1, 1, 0, %35;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]),
        "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]),
        "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]),
        "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31])
      : "l"(a_descriptor), "l"(b_descriptor), "r"(1), "n"(TransposeB));
#endif
}

/// The same for 256 columns: 128 fp32 accumulators per thread, A read once for twice the width.
template <int TransposeB = 1>
__device__ __forceinline__ void wgmma_m64n256k16(float (&d)[128], std::uint64_t a_descriptor,
                                                 std::uint64_t b_descriptor) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile(
      "{\n.reg .pred accumulate;\n"
      "setp.ne.b32 accumulate, %130, 0;\n"
      "wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16 {"
      "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "
      "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, "
      "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, "
      "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, "
      "%64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, "
      "%80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, "
      "%96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, "
      "%112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127"
      "}, %128, %129, accumulate, 1, 1, 0, %131;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]),
        "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]),
        "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]),
        "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]),
        "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]),
        "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]),
        "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]),
        "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63]), "+f"(d[64]),
        "+f"(d[65]), "+f"(d[66]), "+f"(d[67]), "+f"(d[68]), "+f"(d[69]), "+f"(d[70]), "+f"(d[71]), "+f"(d[72]),
        "+f"(d[73]), "+f"(d[74]), "+f"(d[75]), "+f"(d[76]), "+f"(d[77]), "+f"(d[78]), "+f"(d[79]), "+f"(d[80]),
        "+f"(d[81]), "+f"(d[82]), "+f"(d[83]), "+f"(d[84]), "+f"(d[85]), "+f"(d[86]), "+f"(d[87]), "+f"(d[88]),
        "+f"(d[89]), "+f"(d[90]), "+f"(d[91]), "+f"(d[92]), "+f"(d[93]), "+f"(d[94]), "+f"(d[95]), "+f"(d[96]),
        "+f"(d[97]), "+f"(d[98]), "+f"(d[99]), "+f"(d[100]), "+f"(d[101]), "+f"(d[102]), "+f"(d[103]), "+f"(d[104]),
        "+f"(d[105]), "+f"(d[106]), "+f"(d[107]), "+f"(d[108]), "+f"(d[109]), "+f"(d[110]), "+f"(d[111]), "+f"(d[112]),
        "+f"(d[113]), "+f"(d[114]), "+f"(d[115]), "+f"(d[116]), "+f"(d[117]), "+f"(d[118]), "+f"(d[119]), "+f"(d[120]),
        "+f"(d[121]), "+f"(d[122]), "+f"(d[123]), "+f"(d[124]), "+f"(d[125]), "+f"(d[126]), "+f"(d[127])
      : "l"(a_descriptor), "l"(b_descriptor), "r"(1), "n"(TransposeB));
#endif
}

// [epilogue-ptx]
/// Four 8 x 8 bf16 matrices to shared memory: lanes 8i .. 8i + 7 give the row addresses of
/// matrix i (16 bytes each), and register i of every lane holds its bf16 pair of matrix i
/// (row lane / 4, columns 2 (lane % 4) and + 1), the accumulator layout.
__device__ __forceinline__ void stmatrix_x4(void* row, const std::uint32_t (&pairs)[4]) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("stmatrix.sync.aligned.m8n8.x4.shared.b16 [%0], {%1, %2, %3, %4};\n" ::"r"(smem_address(row)),
               "r"(pairs[0]), "r"(pairs[1]), "r"(pairs[2]), "r"(pairs[3])
               : "memory");
#endif
}

/// One TMA store: the box at `src` in shared memory to (inner, outer) of the tensor `map`
/// describes. Rows of the box below the tensor are not written; columns past its width
/// were, on the H200, up to the next 16 bytes (into a padded row's padding), so 09c
/// stores only boxes whole in the width this way.
__device__ __forceinline__ void tma_store_2d(const CUtensorMap* map, const void* src, int inner, int outer) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("cp.async.bulk.tensor.2d.global.shared::cta.bulk_group [%0, {%1, %2}], [%3];\n" ::"l"(
                   reinterpret_cast<std::uint64_t>(map)),
               "r"(inner), "r"(outer), "r"(smem_address(src))
               : "memory");
#endif
}

/// Closes this thread's TMA stores so far into a bulk group.
__device__ __forceinline__ void tma_store_commit() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("cp.async.bulk.commit_group;\n" ::: "memory");
#endif
}

/// Waits until at most `Pending` of this thread's bulk groups are still reading shared
/// memory: their source may then be overwritten (the writes to global may still be going).
template <int Pending>
__device__ __forceinline__ void tma_store_wait_read() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("cp.async.bulk.wait_group.read %0;\n" ::"n"(Pending) : "memory");
#endif
}

/// Waits until at most `Pending` of this thread's bulk groups are unfinished, writes included.
template <int Pending>
__device__ __forceinline__ void tma_store_wait() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("cp.async.bulk.wait_group %0;\n" ::"n"(Pending) : "memory");
#endif
}

/// A barrier for `threads` threads only (a named barrier, `id` 1 to 15; 0 is __syncthreads):
/// one warpgroup meets itself without stopping the others.
__device__ __forceinline__ void named_barrier(int id, int threads) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("bar.sync %0, %1;\n" ::"r"(id), "r"(threads) : "memory");
#endif
}
// [epilogue-ptx]

// [cluster-ptx]
/// This CTA's rank in its cluster (0 .. cluster size - 1).
__device__ __forceinline__ unsigned cluster_rank() {
  unsigned rank = 0;
#ifdef LADDER_SM90A_DEVICE
  asm volatile("mov.u32 %0, %%cluster_ctarank;\n" : "=r"(rank));
#endif
  return rank;
}

/// Every thread of every CTA of the cluster meets here; what each wrote to shared memory
/// before (barrier initialisations included) is visible to the others after.
__device__ __forceinline__ void cluster_sync() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("barrier.cluster.arrive.release.aligned;\nbarrier.cluster.wait.acquire.aligned;\n" ::: "memory");
#endif
}

/// Arrives on the barrier at the same shared-memory offset in CTA `cta` of the cluster
/// (mapa turns the local address into that CTA's). A consumer says with it that its wgmma
/// have finished reading a stage, so the peer's next multicast may overwrite it: a
/// write-after-read, ordered by wgmma_wait (the reads are done before the arrival). It wrote
/// nothing another CTA must see, so the arrival releases at CTA scope, the default, as
/// CUTLASS's ClusterBarrier does (the PTX memory model itself promises no synchronisation
/// across CTAs at that scope). With .release.cluster, ptxas puts a GPU-wide memory barrier
/// (MEMBAR.ALL.GPU) before every arrival, inside the loop: 09d's slowdown on the first H200
/// run (lesson, 09d).
__device__ __forceinline__ void mbarrier_arrive_cluster(std::uint64_t* barrier, unsigned cta) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile(
      "{\n.reg .b32 remote;\n"
      "mapa.shared::cluster.u32 remote, %0, %1;\n"
      "mbarrier.arrive.shared::cluster.b64 _, [remote];\n}\n" ::"r"(smem_address(barrier)),
      "r"(cta)
      : "memory");
#endif
}

/// tma_load_2d to every CTA of the cluster in `cta_mask` at once: the box lands at the same
/// offset `dst` in each, and each one's barrier at offset `barrier` counts its bytes.
__device__ __forceinline__ void tma_load_2d_multicast(void* dst, const CUtensorMap* map, int inner, int outer,
                                                      std::uint64_t* barrier, std::uint16_t cta_mask) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile(
      "cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::cluster"
      " [%0], [%1, {%2, %3}], [%4], %5;\n" ::"r"(smem_address(dst)),
      "l"(reinterpret_cast<std::uint64_t>(map)), "r"(inner), "r"(outer), "r"(smem_address(barrier)), "h"(cta_mask)
      : "memory");
#endif
}
// [cluster-ptx]

// [setmaxnreg]
/// Warp specialisation's register trade: the warpgroup that executes this gives registers
/// back to the SM's pool (dec) or takes them from it (inc), down or up to `Count` per
/// thread (a multiple of 8, 24 to 256). Every thread of the warpgroup executes it.
template <int Count>
__device__ __forceinline__ void setmaxnreg_dec() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\n" ::"n"(Count));
#endif
}
template <int Count>
__device__ __forceinline__ void setmaxnreg_inc() {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\n" ::"n"(Count));
#endif
}
// [setmaxnreg]

}  // namespace ladder::wgmma
