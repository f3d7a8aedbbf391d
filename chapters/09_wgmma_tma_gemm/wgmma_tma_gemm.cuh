/// \file wgmma_tma_gemm.cuh
/// \brief Chapter 09's kernel: bf16 GEMM on Hopper's tensor cores. TMA copies whole tiles
/// into shared memory, an mbarrier says when they have landed, and one warpgroup multiplies
/// them with wgmma, straight from shared memory.
///
/// The index arithmetic (swizzle, descriptors, accumulator layout, tile order) is in
/// hopper_layout.hpp, tested on the CPU; this file holds the PTX and the kernel.
/// wgmma_tma_gemm.cu encodes the tensor maps and registers the rung.
///
/// Needs sm_90a: wgmma exists only in the arch-specific target of compute capability 9.0,
/// whose code runs on no other GPU. Compiled for anything else, the kernel is a trap that
/// the registry never launches (the rung says why it skips).
#pragma once

#include <cuda.h>  // CUtensorMap: the type only; the driver is reached at run time (wgmma_tma_gemm.cu)

#include <cstdint>

#include "chapters/08_mma_sync_gemm/mma_sync_gemm.cuh"  // store_pair: chapter 08's epilogue
#include "chapters/09_wgmma_tma_gemm/hopper_layout.hpp"

// nvcc defines this when it compiles for sm_90a, the only target with wgmma and setmaxnreg.
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define LADDER_SM90A_DEVICE 1
#endif

namespace ladder::wgmma {

using bf16 = __nv_bfloat16;

/// The instruction this chapter's rungs issue.
inline constexpr const char* kInstruction = "wgmma m64n128k16 bf16";

// [config]
/// 09a's shape: a 128 x 128 tile of C per CTA, k-tiles of 64, two stages, one warpgroup.
struct Tile09a {
  static constexpr int kBM = 128, kBN = 128, kBK = 64;  // kBK = 64 bf16: one 128-byte swizzle row
  static constexpr int kStages = 2;
  static constexpr int kThreads = 128;                               // one warpgroup: 4 warps
  static constexpr int kWgmmaM = 64, kWgmmaN = 128;                  // m64n128k16
  static constexpr int kMBlocks = kBM / kWgmmaM;                     // 2 wgmma per k-step, one per 64 rows
  static constexpr int kAccumulators = kWgmmaN / 2;                  // 64 fp32 registers per thread per wgmma
  static constexpr int kBBoxes = kBN / hopper::kSw128MnBoxElements;  // B arrives in boxes 64 n wide
  static constexpr int kATileBytes = kBM * kBK * 2;                  // 16 KB
  static constexpr int kBTileBytes = kBK * kBN * 2;                  // 16 KB
  static constexpr int kBBoxBytes = kBTileBytes / kBBoxes;
  static constexpr int kStageBytes = kATileBytes + kBTileBytes;
  // 1 KB more than the stages: the swizzle needs 1024-byte aligned tiles, and the dynamic
  // shared memory is only guaranteed 16-byte aligned, so the kernel rounds its start up.
  static constexpr int kSmemBytes = kStages * kStageBytes + hopper::kSw128AtomBytes;
  static constexpr int kGroupRows = 8;  // grouped tile order, bands of 8 tile rows (as 08d)
  static_assert(kATileBytes % hopper::kSw128AtomBytes == 0 && kBBoxBytes % hopper::kSw128AtomBytes == 0,
                "every tile and box starts on a 1024-byte boundary");
};
// [config]

// The PTX of the chapter, one wrapper each. Outside sm_90a they compile to nothing, and
// the kernel that calls them to a trap.

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

/// This thread arrives, and tells the barrier to wait for `bytes` more bytes of TMA copies.
__device__ __forceinline__ void mbarrier_arrive_expect_bytes(std::uint64_t* barrier, std::uint32_t bytes) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(smem_address(barrier)), "r"(bytes)
               : "memory");
#endif
}

/// Whether the phase with this parity has completed (a bounded wait in hardware).
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

__device__ __forceinline__ void mbarrier_wait(std::uint64_t* barrier, std::uint32_t parity) {
  while (!mbarrier_try_wait(barrier, parity)) {
  }
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
/// wgmma reads registers asynchronously: these fences order the warpgroup's earlier
/// register and shared-memory accesses before the next wgmma (fence), close a batch of
/// wgmma into a group (commit), and wait until at most `Pending` groups are unfinished.
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
/// MN-major), both in shared memory, named by their descriptors. The last two immediates
/// are transpose-A = 0 (A is K-major) and transpose-B = 1 (B is MN-major, as it is stored).
__device__ __forceinline__ void wgmma_m64n128k16(float (&d)[64], std::uint64_t a_descriptor,
                                                 std::uint64_t b_descriptor) {
#ifdef LADDER_SM90A_DEVICE
  asm volatile(
      "{\n.reg .pred accumulate;\n"
      "setp.ne.b32 accumulate, %66, 0;\n"  // scale-d is a predicate: d = a·b + (accumulate ? d : 0)
      "wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {"
      "%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "
      "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, "
      "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, "
      "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63"
      "}, %64, %65, accumulate, 1, 1, 0, 1;\n}\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), "+f"(d[8]),
        "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), "+f"(d[16]),
        "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), "+f"(d[24]),
        "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), "+f"(d[32]),
        "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), "+f"(d[40]),
        "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), "+f"(d[48]),
        "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), "+f"(d[56]),
        "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
      : "l"(a_descriptor), "l"(b_descriptor), "r"(1));
#endif
}
// [wgmma]

// [stage-memory]
/// Stage `s` of the ring, from the kernel's shared memory rounded up to 1024 bytes: an A
/// tile (kBM rows of 64 k, K-major), then B's boxes (each kBK rows of 64 n, MN-major).
template <class Cfg>
struct Stage {
  bf16* a;
  bf16* b;
};

template <class Cfg>
__device__ __forceinline__ Stage<Cfg> stage_at(unsigned char* aligned_smem, int s) {
  unsigned char* stage = aligned_smem + s * Cfg::kStageBytes;
  return {reinterpret_cast<bf16*>(stage), reinterpret_cast<bf16*>(stage + Cfg::kATileBytes)};
}

__device__ __forceinline__ unsigned char* aligned_dynamic_smem() {
  extern __shared__ __align__(16) unsigned char dynamic_smem[];
  const std::uint32_t start = smem_address(dynamic_smem);
  const std::uint32_t aligned = (start + hopper::kSw128AtomBytes - 1) & ~std::uint32_t(hopper::kSw128AtomBytes - 1);
  return dynamic_smem + (aligned - start);
}
// [stage-memory]

// [load-stage]
/// The producer's work for k-tile `t`: tell the stage's barrier how many bytes to expect,
/// then start one TMA copy for A and one per 64-wide box of B. One thread does this; the
/// copies run on their own, and the barrier's phase completes when the last byte lands.
template <class Cfg>
__device__ __forceinline__ void load_stage(const CUtensorMap* a_map, const CUtensorMap* b_map, Stage<Cfg> stage,
                                           std::uint64_t* full, int t, int m0, int n0) {
  mbarrier_arrive_expect_bytes(full, Cfg::kStageBytes);  // the whole box, zero-filled parts included
  const int k0 = t * Cfg::kBK;
  tma_load_2d(stage.a, a_map, k0, m0, full);  // A: (k, m), k innermost
#pragma unroll
  for (int box = 0; box < Cfg::kBBoxes; ++box)  // B: (n, k), n innermost
    tma_load_2d(stage.b + box * Cfg::kBBoxBytes / 2, b_map, n0 + box * hopper::kSw128MnBoxElements, k0, full);
}
// [load-stage]

// [multiply-stage]
/// acc += this stage's A · B: 4 k-steps of 16, and in each one wgmma per 64 rows. The
/// descriptors are all the consumer computes; the hardware reads the swizzled tiles.
template <class Cfg>
__device__ __forceinline__ void multiply_stage(float (&acc)[Cfg::kMBlocks][Cfg::kAccumulators], Stage<Cfg> stage) {
  const std::uint32_t a_start = smem_address(stage.a), b_start = smem_address(stage.b);
  wgmma_fence();
#pragma unroll
  for (int ks = 0; ks < Cfg::kBK / hopper::kWgmmaK; ++ks) {
    const std::uint64_t b_descriptor = hopper::sw128_mn_k_step_descriptor(b_start, ks, Cfg::kBK);
#pragma unroll
    for (int mb = 0; mb < Cfg::kMBlocks; ++mb) {
      const std::uint32_t rows = hopper::sw128_rows_start(a_start, mb * Cfg::kWgmmaM);
      wgmma_m64n128k16(acc[mb], hopper::sw128_k_step_descriptor(rows, ks), b_descriptor);
    }
  }
  wgmma_commit();
  wgmma_wait<0>();  // 09a waits for its own math before the stage is refilled; 09b will not
}
// [multiply-stage]

// [store-tile]
/// Each accumulator to its element of C, in neighbouring pairs, through chapter 08's
/// store_pair (alpha, beta, bf16 rounding, nothing written outside C).
template <class Cfg>
__device__ __forceinline__ void store_tile(const Bf16GemmArgs& args,
                                           const float (&acc)[Cfg::kMBlocks][Cfg::kAccumulators], int m0, int n0) {
  const int thread = int(threadIdx.x);
#pragma unroll
  for (int mb = 0; mb < Cfg::kMBlocks; ++mb)
#pragma unroll
    for (int reg = 0; reg < Cfg::kAccumulators; reg += 2) {
      const mma::RowCol at = hopper::wgmma_accumulator_at(thread, reg);
      mma_sync::store_pair(args, m0 + mb * Cfg::kWgmmaM + at.row, n0 + at.col, acc[mb][reg], acc[mb][reg + 1]);
    }
}
// [store-tile]

// [kernel]
/// 09a: thread 0 is the producer, all 128 threads consume. While k-tile t is multiplied,
/// k-tile t + 1 is in flight; once every warp is done with a stage, thread 0 refills it.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads)
    tma_wgmma_kernel(const __grid_constant__ CUtensorMap a_map, const __grid_constant__ CUtensorMap b_map,
                     Bf16GemmArgs args) {
#ifdef LADDER_SM90A_DEVICE
  __shared__ __align__(8) std::uint64_t full[Cfg::kStages];  // one barrier per stage: "its tiles have landed"
  unsigned char* smem = aligned_dynamic_smem();
  const int m_tiles = ceil_div(args.m, Cfg::kBM), n_tiles = ceil_div(args.n, Cfg::kBN);
  const hopper::ScheduledTile tile = hopper::tile_at(int(blockIdx.x), m_tiles, n_tiles, Cfg::kGroupRows);
  const int m0 = tile.tile_m * Cfg::kBM, n0 = tile.tile_n * Cfg::kBN;
  const int k_tiles = ceil_div(args.k, Cfg::kBK);
  const bool producer = threadIdx.x == 0;

  if (producer) {
    for (int s = 0; s < Cfg::kStages; ++s) mbarrier_init(&full[s], 1);  // 1 arrival: the producer's
    fence_barrier_init();
    for (int t = 0; t < Cfg::kStages && t < k_tiles; ++t)
      load_stage<Cfg>(&a_map, &b_map, stage_at<Cfg>(smem, t), &full[t], t, m0, n0);
  }
  __syncthreads();  // no thread waits on a barrier before it is initialised

  float acc[Cfg::kMBlocks][Cfg::kAccumulators] = {};
  for (int t = 0; t < k_tiles; ++t) {
    const int s = t % Cfg::kStages;
    mbarrier_wait(&full[s], (t / Cfg::kStages) % 2);  // the phase of k-tile t's copy
#pragma unroll
    for (int mb = 0; mb < Cfg::kMBlocks; ++mb) fence_accumulators(acc[mb]);
    multiply_stage<Cfg>(acc, stage_at<Cfg>(smem, s));
#pragma unroll
    for (int mb = 0; mb < Cfg::kMBlocks; ++mb) fence_accumulators(acc[mb]);
    __syncthreads();                             // every warp has finished reading stage s...
    if (producer && t + Cfg::kStages < k_tiles)  // ...so it can take k-tile t + kStages
      load_stage<Cfg>(&a_map, &b_map, stage_at<Cfg>(smem, s), &full[s], t + Cfg::kStages, m0, n0);
  }
  store_tile<Cfg>(args, acc, m0, n0);
#else
  __trap();  // not sm_90a: no wgmma; the registry never launches this (the rung says why)
#endif
}
// [kernel]

}  // namespace ladder::wgmma
