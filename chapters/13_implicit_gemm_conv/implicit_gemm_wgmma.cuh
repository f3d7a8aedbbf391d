/// \file chapters/13_implicit_gemm_conv/implicit_gemm_wgmma.cuh
/// \brief 13g's kernel: 13b's gather, multiplied by chapter 09's wgmma instead of mma.sync.
///
/// The copies are 13b's, unchanged: HoistedGather writes each 16-byte chunk where
/// SharedTile's swizzle puts it, and for rows of 64 bf16 that swizzle is the 128-byte one
/// wgmma reads (test_implicit_gemm_tiles.cpp checks the two maps agree). So the stage a
/// block gathered is already a wgmma operand: A (positions × 64 reduction steps) and B
/// (channels × 64 steps), both K-major. What changes is the multiply, and it is chapter 09's
/// own (start_stage, finish_stages): a warpgroup (4 warps) issues one wgmma per 16 steps for
/// its 64 rows and the tile's full width, from shared memory, where each of 13b's warps issued
/// ldmatrix and 32 mma.sync for its 64 × 64.
///
/// Two rules come with wgmma. It reads shared memory through the async proxy, and
/// cp.async wrote it through the generic one: each thread fences (fence.proxy.async) after its
/// copies land, before the barrier that hands the stage to the multiply. And wgmma runs
/// asynchronously: a stage may be refilled only once the wgmma that read it are known to be
/// done, which the ring's spacing (kLookahead) and wgmma_wait<kMmaInFlight> guarantee.
///
/// Needs sm_90a (wgmma), C % 8 == 0 and 16-byte aligned x and w, as 13b.
#pragma once

#include <stdexcept>
#include <string>

#include "chapters/09_wgmma_tma_gemm/wgmma_tma_gemm.cuh"  // wgmma, its fences, aligned_dynamic_smem
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"

namespace ladder::implicit_gemm {

// [wgmma-stage-and-pairs]
/// Stage `s` of the ring, in the 1024-byte aligned dynamic shared memory.
template <class Cfg>
__device__ __forceinline__ bf16* wgmma_stage(unsigned char* aligned_smem, int s) {
  return reinterpret_cast<bf16*>(aligned_smem) + s * Cfg::kStageElements;
}

/// Calls store(row, col, v0, v1) for each pair of this thread's accumulators that are
/// neighbouring channels of one output position (chapter 09's accumulator layout), row < M
/// and col < N; col + 1 may be past N, which store_pair checks.
template <class Cfg, class Store>
__device__ __forceinline__ void for_each_wgmma_pair(const ConvProblem& pr, const BlockTile& tile,
                                                    const wgmma::Accumulators<Cfg>& acc, Store store) {
  const int thread = int(threadIdx.x) % Cfg::kWarpgroupThreads, warpgroup = int(threadIdx.x) / Cfg::kWarpgroupThreads;
#pragma unroll
  for (int reg = 0; reg < Cfg::kAccumulators; reg += 2) {
    const RowCol at = hopper::wgmma_accumulator_at(thread, reg);
    const long long row = tile.m0 + warpgroup * Cfg::kWgmmaM + at.row;
    const int col = tile.n0 + at.col;
    if (row < pr.gemm_m() && col < pr.gemm_n()) store(row, col, acc[0][reg], acc[0][reg + 1]);
  }
}
// [wgmma-stage-and-pairs]

// [wgmma-kernel]
/// 13b's ring with wgmma as the multiply. At k-tile t: wait for this thread's copies of t,
/// fence them for the async proxy, meet everyone (their copies, and every warpgroup's wgmma
/// of tile t - 1 - kMmaInFlight finished), start the wgmma of t, then, while the tensor cores
/// work, the gathers of t + kLookahead into the stage tile t - 1 - kMmaInFlight used, and wait
/// until at most kMmaInFlight groups run. (13b gathers first: its mma.sync are the warp's own.)
/// Gather: 13b's HoistedGather (13g, 13h) or MaskedGather (13i).
template <class Cfg, template <class> class Gather>
__global__ void __launch_bounds__(Cfg::kThreads, Cfg::kMinBlocksPerSm) implicit_wgmma_kernel(Bf16ConvArgs args) {
#ifdef LADDER_SM90A_DEVICE
  unsigned char* smem = wgmma::aligned_dynamic_smem();
  const BlockTile tile = block_tile<Cfg>();
  const int warpgroup = int(threadIdx.x) / Cfg::kWarpgroupThreads;
  const KRange range = split_k_range(k_tiles(args.problem, Cfg::kBK), int(gridDim.z), int(blockIdx.z));
  Gather<Cfg> gather(args, tile, range.begin);
  wgmma::Accumulators<Cfg> acc = {};           // chapter 09's: one 64-row block (kMBlocks = 1)
  for (int s = 0; s < Cfg::kLookahead; ++s) {  // prologue: the first kLookahead tiles in flight
    if (range.begin + s < range.end) gather.load(range.begin + s, wgmma_stage<Cfg>(smem, Cfg::ring_stage(s)));
    cp_async_commit();  // always commit, maybe an empty group: group i is the range's tile i
  }
  for (int t = range.begin; t < range.end; ++t) {
    const int i = t - range.begin;
    cp_async_wait<Cfg::kLookahead - 1>();  // this thread's copies of tile t have landed...
    wgmma::fence_proxy_async_smem();       // ...where wgmma (the async proxy) will see them
    __syncthreads();                       // everyone's; and no wgmma still reads the stage refilled next
    bf16* stage = wgmma_stage<Cfg>(smem, Cfg::ring_stage(i));
    wgmma::start_stage<Cfg>(acc, {stage, stage + Cfg::ATile::kElements}, warpgroup);  // chapter 09's multiply
    const int next = t + Cfg::kLookahead;  // gathered while the tensor cores multiply tile t
    if (next < range.end) gather.load(next, wgmma_stage<Cfg>(smem, Cfg::ring_stage(i + Cfg::kLookahead)));
    cp_async_commit();
    __syncwarp();  // wgmma's wait is .sync.aligned: the whole warp, after the cursor's divergent carry
    wgmma::finish_stages<Cfg::kMmaInFlight, Cfg>(acc);
  }
  wgmma::finish_stages<0, Cfg>(acc);
  store_output(args, [&](auto store) { for_each_wgmma_pair<Cfg>(args.problem, tile, acc, store); });
#else
  __trap();  // not sm_90a: no wgmma; the registry never launches this (the rung says why)
#endif
}
// [wgmma-kernel]

// [wgmma-launch]
/// The wgmma kernel at shape Cfg with a Gather, over `splits` splits of the k-tiles (13h and
/// 13i split; 13g does not).
template <class Cfg, template <class> class Gather>
void launch_implicit_wgmma_split(const Bf16ConvArgs& args, int splits, cudaStream_t stream) {
#ifdef LADDER_HAVE_SM90A
  if (auto reason = Gather<Cfg>::unsupported_reason(args.problem))
    throw std::invalid_argument("implicit GEMM: " + *reason);
  require_chunk_aligned(args);
  launch_conv_kernel<Cfg>(implicit_wgmma_kernel<Cfg, Gather>, args, splits, stream);
#else  // the kernel is a trap: refuse, as the rung's requirements do
  (void)args, (void)splits, (void)stream;
  throw std::runtime_error(
      "the implicit GEMM wgmma kernel was built without sm_90a; add 90 to CMAKE_CUDA_ARCHITECTURES");
#endif
}

template <class Cfg, template <class> class Gather>
void launch_implicit_wgmma(const Bf16ConvArgs& args, cudaStream_t stream) {
  launch_implicit_wgmma_split<Cfg, Gather>(args, 1, stream);
}

/// Compute capability 9.0 only (sm_90a code runs nowhere else), C a multiple of 8; and a
/// build with sm_90a (LADDER_HAVE_SM90A, defined per target by ladder_target_sm90a).
inline ConvRequirements wgmma_requirements() {
  ConvRequirements need = requirements();
  need.min_compute_capability = need.max_compute_capability = 90;
#ifndef LADDER_HAVE_SM90A
  need.missing_from_build =
      "built without sm_90a, which wgmma needs (CMAKE_CUDA_ARCHITECTURES lists no 90; add it to build 13g-13i)";
#endif
  return need;
}
// [wgmma-launch]

}  // namespace ladder::implicit_gemm
