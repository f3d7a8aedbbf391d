/// \file persistent_gemm.cuh
/// \brief Rungs 09c to 09e: 09b's warp-specialised CTA made persistent. About one CTA per
/// SM walks the tiles of C in grouped order, its ring of stages running on from one tile
/// into the next, and each tile leaves through shared memory: stmatrix, then TMA stores
/// (a tile across C's right edge, or with beta != 0, takes 09b's direct stores instead).
/// 09d runs the same kernel in clusters of two CTAs that share B through TMA multicast, and
/// 09e with one k-tile of wgmma left running.
///
/// The stage helpers (load_stage, multiply_stage, store_tile) are 09a's and 09b's, from
/// wgmma_tma_gemm.cuh; the layout of the staging tile and stmatrix's addresses are in
/// hopper_layout.hpp, tested on the CPU.
#pragma once

#include "chapters/09_wgmma_tma_gemm/wgmma_tma_gemm.cuh"

namespace ladder::wgmma {

// [staged-epilogue]
/// One consumer's epilogue when beta = 0: alpha · acc, rounded to bf16, into its staging
/// tile with stmatrix (16 bytes per lane per instruction, no bank conflicts on the swizzled
/// layout), then one thread sends the tile to C in TMA stores, which skip the rows below C
/// (the caller sends only tiles whole in n: past column n - 1, the H200 wrote C's row
/// padding). The stores run on while the consumer starts its next tile; the staging tile is
/// reused only once they have read it.
template <class Cfg>
__device__ __forceinline__ void store_tile_through_smem(const CUtensorMap* c_map, const Accumulators<Cfg>& acc,
                                                        float alpha, bf16* staging, mma::RowCol origin, int consumer) {
  static_assert(Cfg::kMBlocks == 1, "one wgmma's rows per consumer");
  const int thread = int(threadIdx.x) % Cfg::kWarpgroupThreads;
  const int barrier = 1 + consumer;           // the warpgroup's own named barrier
  if (thread == 0) tma_store_wait_read<0>();  // the previous tile's stores have read the staging tile
  __syncwarp();                               // bar.sync is .aligned: the whole warp, together, after lane 0's wait
  named_barrier(barrier, Cfg::kWarpgroupThreads);
#pragma unroll
  for (int group = 0; group < Cfg::kAccumulators / 8; ++group) {  // 16 columns per stmatrix .x4
    std::uint32_t pairs[4];
#pragma unroll
    for (int reg = 0; reg < 4; ++reg) {
      const int first = hopper::stmatrix_x4_accumulator(group, reg);
      const __nv_bfloat162 pair = __floats2bfloat162_rn(alpha * acc[0][first], alpha * acc[0][first + 1]);
      pairs[reg] = reinterpret_cast<const std::uint32_t&>(pair);
    }
    const mma::RowCol at = hopper::stmatrix_x4_row(thread, group);
    stmatrix_x4(staging + hopper::sw128_staging_offset(at.row, at.col, Cfg::kWgmmaM), pairs);
  }
  fence_proxy_async_smem();                        // each thread's stmatrix writes, before TMA reads them...
  named_barrier(barrier, Cfg::kWarpgroupThreads);  // ...and every thread's
  if (thread == 0) {
    const int row0 = origin.row + consumer * Cfg::kWgmmaM;
#pragma unroll
    for (int box = 0; box < Cfg::kBN / hopper::kBoxWidth; ++box) {
      const hopper::BoxAt c = hopper::c_box_at(row0, origin.col, box);
      tma_store_2d(c_map, staging + hopper::sw128_staging_offset(0, box * hopper::kBoxWidth, Cfg::kWgmmaM), c.inner,
                   c.outer);
    }
    tma_store_commit();
  }
}
// [staged-epilogue]

// [kernel-09c]
/// Every release_stride()-th consumer thread hands a stage back (lane 0 of each warp, or with
/// kReleasePerWarpgroup thread 0 of each warpgroup), to every CTA of the cluster; a stage's
/// empty barrier therefore completes after empty_arrivals() arrivals.
template <class Cfg>
LADDER_HOST_DEVICE constexpr int release_stride() {
  return Cfg::kReleasePerWarpgroup ? Cfg::kWarpgroupThreads : 32;
}
template <class Cfg>
LADDER_HOST_DEVICE constexpr int empty_arrivals() {
  return Cfg::kCluster * Cfg::kConsumers * Cfg::kWarpgroupThreads / release_stride<Cfg>();
}

/// The tiles one persistent CTA takes, in "units" of kCluster vertically adjacent tiles (one
/// tile without a cluster) in grouped order: unit blockIdx.x / kCluster, then every
/// gridDim.x / kCluster-th. CTA `rank` of a cluster takes row rank of each unit.
template <class Cfg>
struct CtaTiles {
  int m_tiles, n_tiles, k_tiles, units, first_unit, unit_step, rank;

  __device__ CtaTiles(const Bf16GemmArgs& args, int cluster_rank)
      : m_tiles(ceil_div(args.m, Cfg::kBM)),
        n_tiles(ceil_div(args.n, Cfg::kBN)),
        k_tiles(ceil_div(args.k, Cfg::kBK)),
        units(ceil_div(m_tiles, Cfg::kCluster) * n_tiles),
        first_unit(int(blockIdx.x) / Cfg::kCluster),
        unit_step(int(gridDim.x) / Cfg::kCluster),
        rank(cluster_rank) {}

  /// The top-left element of this CTA's tile of `unit`.
  __device__ mma::RowCol origin(int unit) const {
    const hopper::ScheduledTile tile =
        hopper::cluster_tile_at(unit, rank, Cfg::kCluster, m_tiles, n_tiles, Cfg::kGroupRows);
    return {tile.tile_m * Cfg::kBM, tile.tile_n * Cfg::kBN};
  }
};

/// The producer's one thread: every k-tile of every tile the CTA takes, into the ring. `it`,
/// the count of k-tiles so far, carries the ring from one tile into the next.
template <class Cfg>
__device__ __forceinline__ void produce_tiles(const CUtensorMap* a_map, const CUtensorMap* b_map,
                                              const CtaTiles<Cfg>& tiles, unsigned char* smem, std::uint64_t* full,
                                              std::uint64_t* empty) {
  int it = 0;
  for (int unit = tiles.first_unit; unit < tiles.units; unit += tiles.unit_step) {
    const mma::RowCol origin = tiles.origin(unit);
    for (int t = 0; t < tiles.k_tiles; ++t, ++it) {
      const int s = it % Cfg::kStages, round = it / Cfg::kStages;
      if (round > 0) mbarrier_wait(&empty[s], (round - 1) % 2);  // in 09d, both CTAs' consumers
      load_stage<Cfg>(a_map, b_map, stage_at<Cfg>(smem, s), &full[s], t, origin, tiles.rank);
    }
  }
}

/// One consumer warpgroup: its 64 rows of every tile the CTA takes, k-tile by k-tile from the
/// ring, then the tile to C (through shared memory where it can), while the producer already
/// fills the ring with the next tile's k-tiles.
template <class Cfg>
__device__ __forceinline__ void consume_tiles(const CUtensorMap* c_map, Bf16GemmArgs args, const CtaTiles<Cfg>& tiles,
                                              unsigned char* smem, std::uint64_t* full, std::uint64_t* empty,
                                              int consumer) {
  bf16* staging = reinterpret_cast<bf16*>(smem + Cfg::kStages * Cfg::kStageBytes) + consumer * Cfg::kWgmmaM * Cfg::kBN;
  // [consumer-ring]
  // This warp is done with stage s, in every CTA's count. The PTX ISA promises a wgmma's
  // completion to each thread that waits for it, hence one arrival per warp. With
  // kReleasePerWarpgroup one thread speaks for its warpgroup, assuming the wgmma is done for
  // all four warps once it is for one, as CUTLASS's Hopper pipelines do.
  const auto release = [&](int s) {
    if (threadIdx.x % release_stride<Cfg>() == 0)
      for (int cta = 0; cta < Cfg::kCluster; ++cta)
        if constexpr (Cfg::kCluster == 1)
          mbarrier_arrive(&empty[s]);
        else
          mbarrier_arrive_cluster(&empty[s], unsigned(cta));
  };
  int it = 0;
  for (int unit = tiles.first_unit; unit < tiles.units; unit += tiles.unit_step) {
    const mma::RowCol origin = tiles.origin(unit);
    Accumulators<Cfg> acc;
#pragma unroll
    for (int i = 0; i < Cfg::kAccumulators; ++i) acc[0][i] = 0.0f;
    for (int t = 0; t < tiles.k_tiles; ++t, ++it) {
      const int s = it % Cfg::kStages;
      mbarrier_wait(&full[s], (it / Cfg::kStages) % 2);
      start_stage<Cfg>(acc, stage_at<Cfg>(smem, s), consumer);
      // Left running: none (09c), or k-tile t's group (09e), so k-tile t - 1's stage is read.
      finish_stages<Cfg::kMmaInFlight, Cfg>(acc);
      if (t >= Cfg::kMmaInFlight) release(hopper::stage_to_release(it, Cfg::kMmaInFlight, Cfg::kStages));
    }
    if constexpr (Cfg::kMmaInFlight > 0) {  // the tile's last k-tiles: done, and their stages free
      __syncwarp();                         // release() left lane 0 alone; wgmma.wait_group is .sync.aligned
      finish_stages<0, Cfg>(acc);
      for (int back = min(Cfg::kMmaInFlight, tiles.k_tiles); back > 0; --back)
        release(hopper::stage_to_release(it, back, Cfg::kStages));
    }
    // [consumer-ring]
    // C write-only and the tile whole in n (see store_tile_through_smem): shared memory and TMA
    if (args.beta == 0.0f && origin.col + Cfg::kBN <= args.n)
      store_tile_through_smem<Cfg>(c_map, acc, args.alpha, staging, origin, consumer);
    else  // C is read too, or the tile is ragged on the right
      store_tile<Cfg>(args, acc, origin, consumer);
  }
  if (threadIdx.x % Cfg::kWarpgroupThreads == 0) tma_store_wait<0>();  // every store done before exit
}

/// 09c: as 09b, but about one CTA per SM, each walking its tiles (CtaTiles), its producer
/// loading the next tile's first k-tiles while the consumers finish this one and store it.
///
/// 09d (kCluster = 2): the CTAs of a cluster take vertically adjacent tiles. They need the
/// same B, so each loads its share and multicasts it: a stage is full when every CTA's share
/// has landed, and empty when every CTA's consumers are done with it, since the next copy
/// into it comes from all of them.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads, 1)
    persistent_kernel(const __grid_constant__ CUtensorMap a_map, const __grid_constant__ CUtensorMap b_map,
                      const __grid_constant__ CUtensorMap c_map, Bf16GemmArgs args) {
  static_assert(Cfg::kProducer && Cfg::kPersistent, "09b's warpgroups, looping over tiles");
  static_assert(Cfg::kMmaInFlight < Cfg::kStages,
                "a stage is released kMmaInFlight k-tiles late: with as many stages, the producer would wait forever");
#ifdef LADDER_SM90A_DEVICE
  __shared__ __align__(8) std::uint64_t full[Cfg::kStages], empty[Cfg::kStages];
  unsigned char* smem = aligned_dynamic_smem();
  const CtaTiles<Cfg> tiles(args, int(cluster_rank()));  // rank 0 without a cluster
  const int warpgroup = int(threadIdx.x) / Cfg::kWarpgroupThreads;
  if (threadIdx.x == 0) {
    for (int s = 0; s < Cfg::kStages; ++s) {
      mbarrier_init(&full[s], 1);
      mbarrier_init(&empty[s], empty_arrivals<Cfg>());  // every consumer warp (or warpgroup) of the cluster
    }
    fence_barrier_init();
  }
  if constexpr (Cfg::kCluster > 1)
    cluster_sync();  // no copy or arrival reaches a peer's barrier before the peer initialised it
  else
    __syncthreads();

  if (warpgroup == 0) {  // the producer
    setmaxnreg_dec<Cfg::kProducerRegisters>();
    if (threadIdx.x == 0) produce_tiles<Cfg>(&a_map, &b_map, tiles, smem, full, empty);
  } else {  // a consumer
    setmaxnreg_inc<Cfg::kConsumerRegisters>();
    consume_tiles<Cfg>(&c_map, args, tiles, smem, full, empty, warpgroup - 1);
  }
  if constexpr (Cfg::kCluster > 1) {  // no CTA leaves while a peer may still arrive on its barriers
    __syncwarp();                     // lane 0 worked alone above; the .aligned barrier wants the whole warp
    cluster_sync();
  }
#else
  __trap();  // not sm_90a: no wgmma, no setmaxnreg; the registry never launches this
#endif
}
// [kernel-09c]

}  // namespace ladder::wgmma
