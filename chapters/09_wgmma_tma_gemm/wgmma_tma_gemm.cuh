/// \file wgmma_tma_gemm.cuh
/// \brief Chapter 09's kernels: bf16 GEMM on Hopper's tensor cores. TMA copies whole tiles
/// into shared memory, mbarriers say when they have landed (and when they are free again),
/// and warpgroups multiply them with wgmma, straight from shared memory.
///
/// - 09a (tma_wgmma_kernel): one warpgroup does everything, two stages.
/// - 09b (warp_specialized_kernel): a producer warpgroup only copies, two consumer
///   warpgroups only multiply, a ring of four stages between them.
///
/// The index arithmetic (swizzle, descriptors, accumulator layout, tile order) is in
/// hopper_layout.hpp, tested on the CPU; the PTX wrappers in hopper_ptx.cuh.
/// wgmma_launch.cuh encodes the tensor maps and launches the kernels; wgmma_tma_gemm.cu
/// registers the rungs.
///
/// Needs sm_90a: wgmma exists only in the arch-specific target of compute capability 9.0,
/// whose code runs on no other GPU. Compiled for anything else, the kernel is a trap that
/// the registry never launches (the rung says why it skips).
#pragma once

#include <cstdint>

#include "chapters/08_mma_sync_gemm/mma_sync_gemm.cuh"  // store_pair: chapter 08's epilogue
#include "chapters/09_wgmma_tma_gemm/hopper_layout.hpp"
#include "chapters/09_wgmma_tma_gemm/hopper_ptx.cuh"

namespace ladder::wgmma {

using bf16 = __nv_bfloat16;

// [config]
/// A CTA's shape: a kBM x kBN tile of C, k-tiles of 64 (one 128-byte swizzle row of bf16),
/// a ring of kStages stages, kConsumers warpgroups that multiply, and with kProducer one
/// more warpgroup that only copies. Every wgmma spans the tile's full width (n = kBN), and
/// each consumer owns kBM / kConsumers rows, 64 per wgmma.
template <int BM, int BN, int Stages, int Consumers, bool Producer, bool Persistent = false, int Cluster = 1>
struct HopperTile {
  static constexpr int kBM = BM, kBN = BN, kBK = hopper::kBoxWidth, kStages = Stages;
  static constexpr int kConsumers = Consumers;
  static constexpr bool kProducer = Producer;
  static constexpr bool kPersistent = Persistent;      // 09c: loops over tiles, C leaves through shared memory
  static constexpr int kCluster = Cluster;             // 09d: CTAs on vertically adjacent tiles, sharing B
  static constexpr int kMmaInFlight = 0;               // 09e: k-tiles of wgmma left running when a stage is released
  static constexpr bool kReleasePerWarpgroup = false;  // 09c-09e: each consumer warp hands a stage back
  static constexpr int kMaxCtas = 0;                   // 09c-09e: as many persistent CTAs as fit (0: no cap)
  static constexpr bool kBStoredNByK = false;          // B k x n (MN-major), as every rung takes it
  static constexpr int kWarpgroupThreads = 128;
  static constexpr int kThreads = kWarpgroupThreads * (kConsumers + (kProducer ? 1 : 0));
  static constexpr int kConsumerWarps = kConsumers * kWarpgroupThreads / 32;  // each arrives on empty[s]
  static constexpr int kWgmmaM = 64, kWgmmaN = kBN;
  static constexpr int kMBlocks = kBM / kConsumers / kWgmmaM;        // wgmma per k-step per consumer
  static constexpr int kAccumulators = kWgmmaN / 2;                  // fp32 registers per thread per wgmma
  static constexpr int kBBoxes = kBN / hopper::kSw128MnBoxElements;  // B arrives in boxes 64 n wide
  static constexpr int kATileBytes = kBM * kBK * 2;
  static constexpr int kBBoxBytes = kBK * hopper::kSw128MnBoxElements * 2;  // 8 KB
  static constexpr int kBBoxesPerCta = kBBoxes / kCluster;  // each CTA of a cluster loads its share of B
  static constexpr int kStageBytes = kATileBytes + kBBoxes * kBBoxBytes;
  static constexpr int kStagingBytes = kPersistent ? kBM * kBN * 2 : 0;  // 09c: C's tile, bf16
  // 1 KB more than the stages: the swizzle needs 1024-byte aligned tiles, and the dynamic
  // shared memory is only guaranteed 16-byte aligned, so the kernel rounds its start up.
  static constexpr int kSmemBytes = kStages * kStageBytes + kStagingBytes + hopper::kSw128AtomBytes;
  static constexpr int kGroupRows = 8;  // grouped tile order, bands of 8 tile rows (as 08d)
  // setmaxnreg's split (09b): the producer drops to 40 registers per thread, each consumer
  // takes 232; 128 x 40 + 2 x 128 x 232 = 64,512 of the SM's 65,536.
  static constexpr int kProducerRegisters = 40, kConsumerRegisters = 232;
  static_assert(!kProducer || kWarpgroupThreads * (kProducerRegisters + kConsumers * kConsumerRegisters) <= 65536,
                "the register file holds 64K 32-bit registers");
  static_assert(kMBlocks >= 1 && kBM % (kConsumers * kWgmmaM) == 0, "64 rows per wgmma, whole per consumer");
  static_assert(kBN == 128 || kBN == 256, "wgmma_tile below issues m64n128k16 or m64n256k16");
  static_assert(kATileBytes % hopper::kSw128AtomBytes == 0, "every tile and box starts on a 1024-byte boundary");
  static_assert(kSmemBytes <= 227 * 1024, "sm_90 gives a CTA at most 227 KB of shared memory");
  static_assert(kCluster == 1 || (kPersistent && kBBoxes % kCluster == 0), "clusters: persistent, B split evenly");
};

/// 09a: 128 x 128, 2 stages of 32 KB, one warpgroup that copies and multiplies: 65 KB.
using Tile09a = HopperTile<128, 128, 2, 1, false>;
/// 09b: 128 x 256, 4 stages of 48 KB, two consumer warpgroups and a producer: 193 KB.
using Tile09b = HopperTile<128, 256, 4, 2, true>;
/// 09c: 09b's CTA made persistent, with C staged in shared memory: 3 stages and 64 KB of
/// staging, 209 KB (a fourth stage would not fit beside the staging tile).
using Tile09c = HopperTile<128, 256, 3, 2, true, true>;
/// 09d: 09c in clusters of 2 CTAs on vertically adjacent tiles, each loading half of the
/// B tile they share and multicasting it to both.
using Tile09d = HopperTile<128, 256, 3, 2, true, true, 2>;
/// 09e: 09c whose consumers keep one k-tile of wgmma running while they wait for the next
/// stage, and release each stage one k-tile later.
struct Tile09e : Tile09c {
  static constexpr int kMmaInFlight = 1;
};
// [config]

/// Cfg reading B stored n x k instead (k contiguous: K-major, like A), the layout cuBLAS and
/// fast.cu are usually timed in. B then arrives in one box per CTA, laid out as A's tile, and
/// wgmma reads it with transpose-B off; in a cluster (09d) each CTA loads its half of the n rows
/// and multicasts it. No rung takes B this way: bench_gemm times 09c and 09d in it beside
/// themselves (GemmRung::launch_b_n_by_k), to measure what the layout costs our kernel.
template <class Cfg>
struct BStoredNByK : Cfg {
  static constexpr bool kBStoredNByK = true;
  static_assert(Cfg::kBN / Cfg::kCluster <= 256, "a TMA box spans at most 256 rows");
};

/// The instruction each rung issues, the name its peak would be registered under.
template <class Cfg>
inline constexpr const char* kInstruction = Cfg::kBN == 256 ? "wgmma m64n256k16 bf16" : "wgmma m64n128k16 bf16";

// [stage-memory]
/// Stage `s` of the ring: an A tile (kBM rows of 64 k, K-major), then B's boxes (each 64
/// rows of k by 64 n, MN-major; or with kBStoredNByK, kBN rows of n by 64 k, K-major).
struct Stage {
  bf16* a;
  bf16* b;
};

/// The kernel's dynamic shared memory, its start rounded up to 1024 bytes.
__device__ __forceinline__ unsigned char* aligned_dynamic_smem() {
  extern __shared__ __align__(16) unsigned char dynamic_smem[];
  const std::uint32_t start = smem_address(dynamic_smem);
  const std::uint32_t aligned = (start + hopper::kSw128AtomBytes - 1) & ~std::uint32_t(hopper::kSw128AtomBytes - 1);
  return dynamic_smem + (aligned - start);
}

template <class Cfg>
__device__ __forceinline__ Stage stage_at(unsigned char* aligned_smem, int s) {
  unsigned char* stage = aligned_smem + s * Cfg::kStageBytes;
  return {reinterpret_cast<bf16*>(stage), reinterpret_cast<bf16*>(stage + Cfg::kATileBytes)};
}

/// Where tile `linear` of C starts, in the grouped order of chapter 08d.
template <class Cfg>
__device__ __forceinline__ mma::RowCol tile_origin(const Bf16GemmArgs& args, int linear) {
  const int m_tiles = ceil_div(args.m, Cfg::kBM), n_tiles = ceil_div(args.n, Cfg::kBN);
  const hopper::ScheduledTile tile = hopper::tile_at(linear, m_tiles, n_tiles, Cfg::kGroupRows);
  return {tile.tile_m * Cfg::kBM, tile.tile_n * Cfg::kBN};
}
// [stage-memory]

// [load-stage]
/// The producer's work for k-tile `t`: tell the stage's barrier how many bytes to expect,
/// then start one TMA copy for A and one per 64-wide box of B. One thread does this; the
/// copies run on their own, and the barrier's phase completes when the last byte lands.
/// In a cluster (09d) CTA `rank` copies only its share of B's boxes, to every CTA of the
/// cluster at once; the others' shares arrive from them, and the barrier counts those too.
template <class Cfg>
__device__ __forceinline__ void load_stage(const CUtensorMap* a_map, const CUtensorMap* b_map, Stage stage,
                                           std::uint64_t* full, int t, mma::RowCol origin, int rank = 0) {
  mbarrier_arrive_expect_bytes(full, Cfg::kStageBytes);  // whole boxes: the zero-filled parts count too
  const hopper::BoxAt a = hopper::a_box_at(t, origin.row);
  tma_load_2d(stage.a, a_map, a.inner, a.outer, full);
  const auto load_b = [&](void* dst, hopper::BoxAt b) {
    if constexpr (Cfg::kCluster > 1)
      tma_load_2d_multicast(dst, b_map, b.inner, b.outer, full, (1u << Cfg::kCluster) - 1);
    else
      tma_load_2d(dst, b_map, b.inner, b.outer, full);
  };
  if constexpr (Cfg::kBStoredNByK) {  // one box of this CTA's share of the tile's n, 64 k wide, as A's
    constexpr int share = Cfg::kBN / Cfg::kCluster;
    load_b(stage.b + rank * share * Cfg::kBK, hopper::a_box_at(t, origin.col + rank * share));
  } else {
#pragma unroll
    for (int box = rank * Cfg::kBBoxesPerCta; box < (rank + 1) * Cfg::kBBoxesPerCta; ++box)
      load_b(reinterpret_cast<unsigned char*>(stage.b) + box * Cfg::kBBoxBytes, hopper::b_box_at(t, origin.col, box));
  }
}
// [load-stage]

// [multiply-stage]
template <class Cfg>
using Accumulators = float[Cfg::kMBlocks][Cfg::kAccumulators];

/// One wgmma of the tile's width, B transposed as it is stored. (Chapter 13's 13g multiplies
/// through this and start_stage too, at widths of 64, 128 and 256.)
template <class Cfg>
__device__ __forceinline__ void wgmma_tile(float (&d)[Cfg::kAccumulators], std::uint64_t a, std::uint64_t b) {
  constexpr int transpose_b = Cfg::kBStoredNByK ? 0 : 1;
  if constexpr (Cfg::kWgmmaN == 256)
    wgmma_m64n256k16<transpose_b>(d, a, b);
  else if constexpr (Cfg::kWgmmaN == 128)
    wgmma_m64n128k16<transpose_b>(d, a, b);
  else
    wgmma_m64n64k16<transpose_b>(d, a, b);  // chapter 13's 64-wide tiles
}

/// Starts acc += this stage's A · B for the rows of `consumer`: 4 k-steps of 16, each one
/// wgmma per 64 rows, committed as one group. The descriptors are all the consumer
/// computes: the hardware reads the swizzled tiles itself. Returns at once, the wgmma still
/// running: the stage may be reused only after a wgmma_wait that covers this group.
template <class Cfg>
__device__ __forceinline__ void start_stage(Accumulators<Cfg>& acc, Stage stage, int consumer) {
  const std::uint32_t a_start = smem_address(stage.a), b_start = smem_address(stage.b);
#pragma unroll
  for (int mb = 0; mb < Cfg::kMBlocks; ++mb) fence_accumulators(acc[mb]);
  __syncwarp();  // the lanes left mbarrier_wait's loop one by one; .sync.aligned wants the warp together
  wgmma_fence();
#pragma unroll
  for (int ks = 0; ks < Cfg::kBK / hopper::kWgmmaK; ++ks) {
    const std::uint64_t b_descriptor = Cfg::kBStoredNByK ? hopper::sw128_k_step_descriptor(b_start, ks)
                                                         : hopper::sw128_mn_k_step_descriptor(b_start, ks, Cfg::kBK);
#pragma unroll
    for (int mb = 0; mb < Cfg::kMBlocks; ++mb) {
      const std::uint32_t rows = hopper::sw128_rows_start(a_start, (consumer * Cfg::kMBlocks + mb) * Cfg::kWgmmaM);
      wgmma_tile<Cfg>(acc[mb], hopper::sw128_k_step_descriptor(rows, ks), b_descriptor);
    }
  }
  wgmma_commit();
}

/// Waits until at most `Pending` of this warpgroup's wgmma groups are unfinished. With 0,
/// acc holds every product so far and may be read; otherwise a group still writes it. Either
/// way the fence keeps the compiler from moving acc's uses across the wait.
template <int Pending, class Cfg>
__device__ __forceinline__ void finish_stages(Accumulators<Cfg>& acc) {
  wgmma_wait<Pending>();
#pragma unroll
  for (int mb = 0; mb < Cfg::kMBlocks; ++mb) fence_accumulators(acc[mb]);
}

/// acc += this stage's A · B for the rows of `consumer`, and returns once the wgmma are
/// done, so the stage can be reused.
template <class Cfg>
__device__ __forceinline__ void multiply_stage(Accumulators<Cfg>& acc, Stage stage, int consumer) {
  start_stage<Cfg>(acc, stage, consumer);
  finish_stages<0, Cfg>(acc);
}
// [multiply-stage]

// [store-tile]
/// Each accumulator of `consumer` to its element of C, in neighbouring pairs, through
/// chapter 08's store_pair (alpha, beta, bf16 rounding, nothing written outside C).
template <class Cfg>
__device__ __forceinline__ void store_tile(const Bf16GemmArgs& args, const Accumulators<Cfg>& acc, mma::RowCol origin,
                                           int consumer) {
  const int thread = int(threadIdx.x) % Cfg::kWarpgroupThreads;
#pragma unroll
  for (int mb = 0; mb < Cfg::kMBlocks; ++mb)
#pragma unroll
    for (int reg = 0; reg < Cfg::kAccumulators; reg += 2) {
      const mma::RowCol at = hopper::wgmma_accumulator_at(thread, reg);
      const int row = origin.row + (consumer * Cfg::kMBlocks + mb) * Cfg::kWgmmaM + at.row;
      mma_sync::store_pair(args, row, origin.col + at.col, acc[mb][reg], acc[mb][reg + 1]);
    }
}
// [store-tile]

// [kernel-09a]
/// 09a: thread 0 copies, all 128 threads multiply. While k-tile t is multiplied, k-tile
/// t + 1 is in flight; once every warp is done with a stage, thread 0 refills it.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads)
    tma_wgmma_kernel(const __grid_constant__ CUtensorMap a_map, const __grid_constant__ CUtensorMap b_map,
                     Bf16GemmArgs args) {
  static_assert(!Cfg::kProducer && Cfg::kConsumers == 1, "one warpgroup does both jobs");
#ifdef LADDER_SM90A_DEVICE
  __shared__ __align__(8) std::uint64_t full[Cfg::kStages];  // per stage: "its tiles have landed"
  unsigned char* smem = aligned_dynamic_smem();
  const mma::RowCol origin = tile_origin<Cfg>(args, int(blockIdx.x));
  const int k_tiles = ceil_div(args.k, Cfg::kBK);
  const bool copier = threadIdx.x == 0;
  if (copier) {
    for (int s = 0; s < Cfg::kStages; ++s) mbarrier_init(&full[s], 1);  // 1 arrival: the copier's
    fence_barrier_init();
    for (int t = 0; t < Cfg::kStages && t < k_tiles; ++t)
      load_stage<Cfg>(&a_map, &b_map, stage_at<Cfg>(smem, t), &full[t], t, origin);
  }
  __syncthreads();  // no thread waits on a barrier before it is initialised

  Accumulators<Cfg> acc = {};
  for (int t = 0; t < k_tiles; ++t) {
    const int s = t % Cfg::kStages;
    mbarrier_wait(&full[s], (t / Cfg::kStages) % 2);  // the parity of k-tile t's phase
    multiply_stage<Cfg>(acc, stage_at<Cfg>(smem, s), 0);
    __syncthreads();                           // every warp has finished reading stage s...
    if (copier && t + Cfg::kStages < k_tiles)  // ...so it can take k-tile t + kStages
      load_stage<Cfg>(&a_map, &b_map, stage_at<Cfg>(smem, s), &full[s], t + Cfg::kStages, origin);
  }
  store_tile<Cfg>(args, acc, origin, 0);
#else
  __trap();  // not sm_90a: no wgmma; the registry never launches this (the rung says why)
#endif
}
// [kernel-09a]

// [kernel-09b]
/// 09b: warpgroup 0 copies, warpgroups 1 .. kConsumers multiply, and neither waits for the
/// other except through the ring: full[s] says stage s has landed, empty[s] that every
/// consumer is done with it. The producer needs few registers and gives them to the
/// consumers, whose accumulators (128 per thread at n = 256) need many.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads, 1)
    warp_specialized_kernel(const __grid_constant__ CUtensorMap a_map, const __grid_constant__ CUtensorMap b_map,
                            Bf16GemmArgs args) {
  static_assert(Cfg::kProducer && !Cfg::kPersistent, "one warpgroup copies, the others multiply, one tile");
#ifdef LADDER_SM90A_DEVICE
  __shared__ __align__(8) std::uint64_t full[Cfg::kStages], empty[Cfg::kStages];
  unsigned char* smem = aligned_dynamic_smem();
  const mma::RowCol origin = tile_origin<Cfg>(args, int(blockIdx.x));
  const int k_tiles = ceil_div(args.k, Cfg::kBK);
  const int warpgroup = int(threadIdx.x) / Cfg::kWarpgroupThreads;
  if (threadIdx.x == 0) {
    for (int s = 0; s < Cfg::kStages; ++s) {
      mbarrier_init(&full[s], 1);                     // the producer's arrival (plus the bytes)
      mbarrier_init(&empty[s], Cfg::kConsumerWarps);  // one arrival per consumer warp
    }
    fence_barrier_init();
  }
  __syncthreads();  // the last barrier of the CTA: from here on the warpgroups part

  if (warpgroup == 0) {  // the producer
    setmaxnreg_dec<Cfg::kProducerRegisters>();
    if (threadIdx.x == 0)
      for (int t = 0; t < k_tiles; ++t) {
        const int s = t % Cfg::kStages, round = t / Cfg::kStages;
        if (round > 0) mbarrier_wait(&empty[s], (round - 1) % 2);  // consumers done with k-tile t - kStages
        load_stage<Cfg>(&a_map, &b_map, stage_at<Cfg>(smem, s), &full[s], t, origin);
      }
  } else {  // a consumer
    setmaxnreg_inc<Cfg::kConsumerRegisters>();
    const int consumer = warpgroup - 1;
    Accumulators<Cfg> acc = {};
    for (int t = 0; t < k_tiles; ++t) {
      const int s = t % Cfg::kStages;
      mbarrier_wait(&full[s], (t / Cfg::kStages) % 2);
      multiply_stage<Cfg>(acc, stage_at<Cfg>(smem, s), consumer);
      // This warp's wgmma have finished reading stage s (wgmma_wait): lane 0 says so, and
      // the stage is free once all kConsumerWarps have.
      if (threadIdx.x % 32 == 0) mbarrier_arrive(&empty[s]);
    }
    store_tile<Cfg>(args, acc, origin, consumer);
  }
#else
  __trap();  // not sm_90a: no wgmma, no setmaxnreg; the registry never launches this
#endif
}
// [kernel-09b]

}  // namespace ladder::wgmma
