/// \file mma_sync_gemm.cuh
/// \brief Chapter 08's kernel template: bf16 GEMM on the tensor cores with mma.sync, fed by
/// ldmatrix from shared tiles that cp.async fills.
///
/// Three short kernels share every helper below: single_stage_kernel (08a, 08b: load, wait,
/// multiply), pipelined_kernel (08c, 08d: k-tiles in flight while one is multiplied) and
/// interleaved_kernel (08e: the pipeline's side work spread over the k-steps).
/// What differs between the rungs is a TileConfig (mma_sync_tiles.hpp): tile sizes, stages,
/// the shared layout (padded or swizzled) and the block order. mma_sync_gemm.cu registers
/// them; the exercise and the solutions reuse the same template.
///
/// Needs sm_80 (bf16 mma.sync and cp.async), 16-byte aligned pointers and leading
/// dimensions that are multiples of 8 bf16; m, n and k may be anything.
#pragma once

#include <climits>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "chapters/08_mma_sync_gemm/mma_sync_tiles.hpp"
#include "common/gemm/cp_async.cuh"
#include "common/gemm/device.cuh"

namespace ladder::mma_sync {

using bf16 = __nv_bfloat16;

/// The instruction every rung of this chapter is shown against (its peak: mma_peak.cu).
inline constexpr const char* kInstruction = "mma.sync m16n8k16 bf16";

// The PTX of the chapter, one wrapper each. Before sm_80 they compile to nothing, and the
// kernels that call them to a trap: the registry never launches them there. (cp.async is
// chapter 06's, from common/gemm/cp_async.cuh.)

// [ptx]
/// Four 8 × 8 bf16 matrices from shared memory; this lane gives `row`, one row address
/// (16 bytes) of matrix lane / 8, and receives element pairs of all four in r[0..3].
/// With .trans each matrix arrives transposed: the pairs are neighbours down a column.
/// ("memory": the compiler must not move these reads of shared memory across a barrier.)
__device__ __forceinline__ void ldmatrix_x4(unsigned (&r)[4], const bf16* row) {
#if __CUDA_ARCH__ >= 800
  const unsigned address = static_cast<unsigned>(__cvta_generic_to_shared(row));
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(address)
               : "memory");
#endif
}
__device__ __forceinline__ void ldmatrix_x4_trans(unsigned (&r)[4], const bf16* row) {
#if __CUDA_ARCH__ >= 800
  const unsigned address = static_cast<unsigned>(__cvta_generic_to_shared(row));
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(address)
               : "memory");
#endif
}

/// d += a · b for one 16 × 8 × 16 step of the warp: a is 16 × 16 bf16 (4 registers of
/// bf16 pairs), b 16 × 8 (2 registers), d 16 × 8 fp32, spread over the lanes as
/// mma::a_fragment_element, b_fragment_element and c_fragment_element say.
__device__ __forceinline__ void mma_step(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2]) {
#if __CUDA_ARCH__ >= 800
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}
// [ptx]

// [block-tile]
/// Where this block and this warp work, found once.
struct BlockTile {
  int m0, n0;                     // the block tile's first row and column of C
  bool rows_inside, cols_inside;  // the whole block tile lies inside C (block-uniform)
  RowCol warp_at;                 // the warp tile's first row and column in the block tile
  int lane;
};

template <class Cfg>
__device__ __forceinline__ BlockTile block_tile(const Bf16GemmArgs& args) {
  const int grid_n = ceil_div(args.n, Cfg::kBN), grid_m = ceil_div(args.m, Cfg::kBM);
  const BlockPlace place = Cfg::block_place(int(blockIdx.x), grid_n, grid_m);
  BlockTile tile;
  tile.m0 = place.row * Cfg::kBM;
  tile.n0 = place.col * Cfg::kBN;
  tile.rows_inside = tile.m0 + Cfg::kBM <= args.m;
  tile.cols_inside = tile.n0 + Cfg::kBN <= args.n;
  tile.warp_at = Cfg::warp_origin(int(threadIdx.x / mma::kWarpSize));
  tile.lane = int(threadIdx.x % mma::kWarpSize);
  return tile;
}

/// Stage `s` of the dynamic shared memory: an A tile (m, k), then a B tile (k, n).
template <class Cfg>
__device__ __forceinline__ bf16* stage_memory(int s) {
  extern __shared__ uint4 shared_chunks[];  // uint4: 16-byte aligned, as cp.async and ldmatrix need
  return reinterpret_cast<bf16*>(shared_chunks) + s * Cfg::kStageElements;
}
// [block-tile]

// [load-stage]
/// The edge tiles' copy of chunk (row, col..col+7) of a rows × cols matrix: the elements
/// that exist (2 bytes each), zeros for the rest. So rows past m, columns past n and k
/// beyond k multiply as zeros, and nothing outside the matrix is read, not even its padding.
__device__ __forceinline__ void copy_edge_chunk(bf16* dst, const bf16* matrix, int ld, int row, int col, int rows,
                                                int cols) {
  const int valid = row < rows ? max(0, min(mma::kChunkElements, cols - col)) : 0;
  // 0 bytes: any valid address will do, nothing is read
  cp_async_16(dst, valid > 0 ? matrix + static_cast<long long>(row) * ld + col : matrix, 2 * valid);
}

/// Issues this thread's cp.async copies of k-tile `k0` into `stage`: chunks a_chunk(t, i)
/// and b_chunk(t, i), each where the layout puts it. Chunk i lies i passes of whole rows
/// below chunk 0, in global memory and, since the layouts repeat every 8 rows, in shared
/// memory too: one offset per matrix, then constant steps. Tiles inside the matrix (a
/// block-uniform test) copy whole chunks; edge tiles copy what exists. The steps are kept
/// as offsets, not pointers: an edge tile's would point outside the matrix, which C++ does
/// not allow even unread. The caller commits.
template <class Cfg>
__device__ __forceinline__ void load_stage(const Bf16GemmArgs& args, const BlockTile& tile, int k0, bf16* stage) {
  const bool k_inside = k0 + Cfg::kBK <= args.k;
  const int thread = int(threadIdx.x);
  const RowCol a0 = a_chunk<Cfg>(thread, 0), b0 = b_chunk<Cfg>(thread, 0);
  bf16* a_dst = stage + a_copy_offset<Cfg>(thread);                          // in the A tile (m, k)
  bf16* b_dst = stage + Cfg::ATile::kElements + b_copy_offset<Cfg>(thread);  // in the B tile (k, n)

  long long a_offset = static_cast<long long>(tile.m0 + a0.row) * args.lda + k0 + a0.col;  // of chunk 0 in A
  long long b_offset = static_cast<long long>(k0 + b0.row) * args.ldb + tile.n0 + b0.col;  // ... and in B
#pragma unroll
  for (int i = 0; i < Cfg::kAChunksPerThread; ++i) {
    bf16* dst = a_dst + i * Cfg::kAPassElements;
    if (tile.rows_inside && k_inside)
      cp_async_16(dst, args.a + a_offset, 16);
    else
      copy_edge_chunk(dst, args.a, args.lda, tile.m0 + a0.row + i * Cfg::kARowsPerPass, k0 + a0.col, args.m, args.k);
    a_offset += Cfg::kARowsPerPass * args.lda;
  }
#pragma unroll
  for (int i = 0; i < Cfg::kBChunksPerThread; ++i) {
    bf16* dst = b_dst + i * Cfg::kBPassElements;
    if (tile.cols_inside && k_inside)
      cp_async_16(dst, args.b + b_offset, 16);
    else
      copy_edge_chunk(dst, args.b, args.ldb, k0 + b0.row + i * Cfg::kBRowsPerPass, tile.n0 + b0.col, args.k, args.n);
    b_offset += Cfg::kBRowsPerPass * args.ldb;
  }
}
// [load-stage]

// [load-fragments]
/// A warp's operands for one k-step: A for each 16-row mma tile, B for each 8-column one.
template <class Cfg>
struct Fragments {
  unsigned a[Cfg::kMmaTilesM][4];  // (mi, register): bf16 pairs, as a_fragment_element places them
  unsigned b[Cfg::kMmaTilesN][2];  // (ni, register): bf16 pairs, as b_fragment_element places them
};

/// One ldmatrix.x4 per 16 × 16 block of A. One ldmatrix.x4.trans per 16 (k) × 16 (n) block
/// of B: B is stored n-contiguous, but mma's .col operand wants each lane's pairs to be
/// neighbours in k; .trans delivers them so. Its registers 0, 1 are the B of n-tile
/// 2·pair, registers 2, 3 of n-tile 2·pair + 1. Each lane finds its row address with
/// a_ldmatrix_offset or b_ldmatrix_offset; the other mma tiles of A and k-steps of B lie
/// 16 whole rows apart, a constant step (kRepeatRows).
template <class Cfg>
__device__ __forceinline__ void load_fragments(Fragments<Cfg>& f, const bf16* a_tile, const bf16* b_tile,
                                               const BlockTile& tile, int ks) {
  const bf16* a_rows = a_tile + a_ldmatrix_offset<Cfg>(tile.warp_at, tile.lane, ks);
#pragma unroll
  for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi) ldmatrix_x4(f.a[mi], a_rows + mi * Cfg::kAMmaTileElements);
#pragma unroll
  for (int pair = 0; pair < Cfg::kMmaTilesN / 2; ++pair) {
    const bf16* b_rows = b_tile + b_ldmatrix_offset<Cfg>(tile.warp_at, tile.lane, pair);
    unsigned r[4];
    ldmatrix_x4_trans(r, b_rows + ks * Cfg::kBKStepElements);
    f.b[2 * pair][0] = r[0];
    f.b[2 * pair][1] = r[1];
    f.b[2 * pair + 1][0] = r[2];
    f.b[2 * pair + 1][1] = r[3];
  }
}
// [load-fragments]

/// load_fragments from stage memory: its A tile first, then its B tile.
template <class Cfg>
__device__ __forceinline__ void load_stage_fragments(Fragments<Cfg>& f, const bf16* stage, const BlockTile& tile,
                                                     int ks) {
  load_fragments<Cfg>(f, stage, stage + Cfg::ATile::kElements, tile, ks);
}

// [multiply-stage]
/// The warp's accumulators: (mi, ni, e) is element c_row_col(warp_at, lane, mi, ni, e).
template <class Cfg>
using Accumulators = float[Cfg::kMmaTilesM][Cfg::kMmaTilesN][mma::kCElementsPerLane];

/// One k-step of the warp tile: an mma.sync for every (mi, ni) pair of mma tiles, each A
/// fragment used kMmaTilesN times and each B fragment kMmaTilesM times.
template <class Cfg>
__device__ __forceinline__ void mma_tiles(Accumulators<Cfg>& acc, const Fragments<Cfg>& f) {
#pragma unroll
  for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi)
#pragma unroll
    for (int ni = 0; ni < Cfg::kMmaTilesN; ++ni) mma_step(acc[mi][ni], f.a[mi], f.b[ni]);
}

/// acc += the warp's share of one stage: per k-step, load the fragments, then multiply
/// them. A 64 × 64 warp tile does 32 mma.sync per 8 ldmatrix.x4.
template <class Cfg>
__device__ __forceinline__ void multiply_stage(Accumulators<Cfg>& acc, const bf16* stage, const BlockTile& tile) {
#pragma unroll
  for (int ks = 0; ks < Cfg::kKSteps; ++ks) {
    Fragments<Cfg> f;
    load_stage_fragments<Cfg>(f, stage, tile, ks);
    mma_tiles<Cfg>(acc, f);
  }
}
// [multiply-stage]

// [store-tile]
/// C[row][col] = alpha · acc + beta · C[row][col] for one element, rounded to bf16.
__device__ __forceinline__ void store_one(const Bf16GemmArgs& args, bf16* c, float acc) {
  const float old = args.beta != 0.0f ? args.beta * __bfloat162float(*c) : 0.0f;  // beta == 0: C is never read
  *c = __float2bfloat16_rn(args.alpha * acc + old);
}

/// Two neighbours (row, col) and (row, col + 1): one 4-byte bf16x2 store when both lie
/// inside C and the address allows it, else element by element; nothing outside C.
__device__ __forceinline__ void store_pair(const Bf16GemmArgs& args, int row, int col, float v0, float v1) {
  if (row >= args.m || col >= args.n) return;
  bf16* c = args.c + static_cast<long long>(row) * args.ldc + col;
  if (col + 1 < args.n && reinterpret_cast<std::uintptr_t>(c) % 4 == 0) {
    float2 out = {args.alpha * v0, args.alpha * v1};
    if (args.beta != 0.0f) {
      const float2 old = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(c));
      out = {out.x + args.beta * old.x, out.y + args.beta * old.y};
    }
    *reinterpret_cast<__nv_bfloat162*>(c) = __floats2bfloat162_rn(out.x, out.y);
    return;
  }
  store_one(args, c, v0);
  if (col + 1 < args.n) store_one(args, c + 1, v1);
}

/// The epilogue: every accumulator to its element of C (c_row_col), in pairs (e, e + 1).
template <class Cfg>
__device__ __forceinline__ void store_tile(const Bf16GemmArgs& args, const BlockTile& tile,
                                           const Accumulators<Cfg>& acc) {
#pragma unroll
  for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi)
#pragma unroll
    for (int ni = 0; ni < Cfg::kMmaTilesN; ++ni)
#pragma unroll
      for (int e = 0; e < mma::kCElementsPerLane; e += 2) {
        const RowCol at = c_row_col(tile.warp_at, tile.lane, mi, ni, e);
        store_pair(args, tile.m0 + at.row, tile.n0 + at.col, acc[mi][ni][e], acc[mi][ni][e + 1]);
      }
}
// [store-tile]

// [single-stage-kernel]
/// 08a, 08b: one stage. Copy a k-tile with cp.async, wait for it, multiply, and wait for
/// every warp before the next copy overwrites the stage: two barriers per k-tile, and the
/// copies and the math never overlap within a block.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads) single_stage_kernel(Bf16GemmArgs args) {
  static_assert(Cfg::kStages == 1, "one stage: loaded, then multiplied");
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  const BlockTile tile = block_tile<Cfg>(args);
  Accumulators<Cfg> acc = {};
  bf16* stage = stage_memory<Cfg>(0);
  for (int k0 = 0; k0 < args.k; k0 += Cfg::kBK) {
    load_stage<Cfg>(args, tile, k0, stage);
    cp_async_commit();
    cp_async_wait<0>();  // this thread's copies have landed...
    __syncthreads();     // ...and everyone's
    multiply_stage<Cfg>(acc, stage, tile);
    __syncthreads();  // every warp is done with the stage before it is refilled
  }
  store_tile<Cfg>(args, tile, acc);
#else
  __trap();  // before sm_80: no bf16 mma.sync, no cp.async; the registry never launches this
#endif
}
// [single-stage-kernel]

// [interleaved-kernel]
/// 08e: 08d's ring, with a k-tile's side work spread over its k-steps, the shape of
/// CUTLASS's Ampere main loop. Each k-step first loads the next k-step's fragments into a
/// second set of registers (across the barrier: the next k-tile's first), then multiplies
/// the ones loaded a step before, so ldmatrix's latency hides behind mma.sync; and the
/// copies of k-tile t + kStages - 1 go out after the first k-step's loads, not all at the
/// k-tile's start. One barrier per k-tile, before the last k-step, as in 08c.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads) interleaved_kernel(Bf16GemmArgs args) {
  static_assert(Cfg::kStages >= 2, "one stage is multiplied while the others are loaded");
  static_assert(Cfg::kKSteps % 2 == 0,
                "the two register sets alternate by k-step, so a k-tile's last k-step "
                "fills the set the next k-tile's first one reads");
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  const BlockTile tile = block_tile<Cfg>(args);
  Accumulators<Cfg> acc = {};
  const int k_tiles = ceil_div(args.k, Cfg::kBK);
  for (int s = 0; s < Cfg::kStages - 1; ++s) {  // prologue, as 08c: group g is k-tile g
    if (s < k_tiles) load_stage<Cfg>(args, tile, s * Cfg::kBK, stage_memory<Cfg>(s));
    cp_async_commit();
  }
  cp_async_wait<groups_left_in_flight(Cfg::kStages)>();  // k-tile 0 has landed, everyone's copies
  __syncthreads();
  Fragments<Cfg> f[2];  // the k-step being multiplied, and the next one's
  load_stage_fragments<Cfg>(f[0], stage_memory<Cfg>(0), tile, 0);
  for (int t = 0; t < k_tiles; ++t) {
#pragma unroll
    for (int ks = 0; ks < Cfg::kKSteps; ++ks) {  // interleaved_step (mma_sync_tiles.hpp) says why
      const InterleavedStep step = interleaved_step(t, ks, Cfg::kKSteps, Cfg::kStages, k_tiles);
      if (step.wait_then_sync) {  // the last k-step: the next one is the next k-tile's first
        cp_async_wait<groups_left_in_flight(Cfg::kStages)>();  // k-tile t + 1 has landed (this thread's copies),
        __syncthreads();                                       // everyone's; and nobody reads k-tile t's stage any more
      }
      if (step.load_fragments)
        load_stage_fragments<Cfg>(f[step.load_set], stage_memory<Cfg>(step.fragment_stage), tile, step.fragment_k_step);
      if (step.issue_copies) {  // k-step 0: into k-tile t - 1's stage, left by every warp before the barrier
        if (step.copy_k_tile < k_tiles)
          load_stage<Cfg>(args, tile, step.copy_k_tile * Cfg::kBK, stage_memory<Cfg>(step.copy_k_tile % Cfg::kStages));
        cp_async_commit();  // always, maybe empty: group g stays k-tile g
      }
      mma_tiles<Cfg>(acc, f[step.mma_set]);
    }
  }
  store_tile<Cfg>(args, tile, acc);
#else
  __trap();  // before sm_80: no bf16 mma.sync, no cp.async; the registry never launches this
#endif
}
// [interleaved-kernel]

// [pipelined-kernel]
/// 08c, 08d: kStages stages in a ring. While k-tile t is multiplied, tiles t+1 ..
/// t+kStages-1 are being copied; one barrier per k-tile.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads) pipelined_kernel(Bf16GemmArgs args) {
  static_assert(Cfg::kStages >= 2, "one stage is multiplied while the others are loaded");
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  const BlockTile tile = block_tile<Cfg>(args);
  Accumulators<Cfg> acc = {};
  const int k_tiles = ceil_div(args.k, Cfg::kBK);
  for (int s = 0; s < Cfg::kStages - 1; ++s) {  // prologue: tiles 0 .. kStages-2 in flight
    if (s < k_tiles) load_stage<Cfg>(args, tile, s * Cfg::kBK, stage_memory<Cfg>(s));
    cp_async_commit();  // always commit, maybe an empty group: group g is k-tile g
  }
  for (int t = 0; t < k_tiles; ++t) {
    cp_async_wait<groups_left_in_flight(Cfg::kStages)>();  // this thread's copies of tile t have landed...
    __syncthreads();                                       // ...and everyone's; and every warp is done with tile t-1
    const int next = t + Cfg::kStages - 1;
    if (next < k_tiles) load_stage<Cfg>(args, tile, next * Cfg::kBK, stage_memory<Cfg>(next % Cfg::kStages));
    cp_async_commit();  // into the stage tile t-1 used
    multiply_stage<Cfg>(acc, stage_memory<Cfg>(t % Cfg::kStages), tile);
  }
  store_tile<Cfg>(args, tile, acc);
#else
  __trap();  // before sm_80: no bf16 mma.sync, no cp.async; the registry never launches this
#endif
}
// [pipelined-kernel]

// [launch]
template <class Cfg>
void launch_mma_sync(const Bf16GemmArgs& args, cudaStream_t stream) {
  void (*kernel)(Bf16GemmArgs) = nullptr;  // if constexpr: only the chosen kernel is instantiated
  if constexpr (Cfg::kStages == 1)
    kernel = single_stage_kernel<Cfg>;
  else if constexpr (Cfg::kInterleaved)
    kernel = interleaved_kernel<Cfg>;
  else
    kernel = pipelined_kernel<Cfg>;
  // A binary built for pre-sm_80 targets only would JIT this kernel's trap on a newer GPU:
  // refuse with the reason instead (asked once: the answer cannot change).
  static const int ptx_version = [kernel] {
    cudaFuncAttributes attributes{};
    LADDER_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
    return attributes.ptxVersion;
  }();
  if (ptx_version < 80)
    throw std::runtime_error("the mma.sync kernels were compiled for compute_" + std::to_string(ptx_version) +
                             " only; rebuild with CMAKE_CUDA_ARCHITECTURES including 80 or newer");
  // Above 48 KB a kernel must opt in to more dynamic shared memory (per device, so on every launch).
  if (Cfg::kSmemBytes > 48 * 1024)
    LADDER_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Cfg::kSmemBytes));
  // A 1-D grid: gridDim.x holds 2^31 - 1 blocks, and block_place decides the order.
  const long long blocks = static_cast<long long>(ceil_div(args.m, Cfg::kBM)) * ceil_div(args.n, Cfg::kBN);
  if (blocks > INT_MAX) throw std::invalid_argument("mma.sync GEMM: more than 2^31 - 1 block tiles");
  kernel<<<static_cast<unsigned>(blocks), Cfg::kThreads, Cfg::kSmemBytes, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [launch]

/// sm_80 for bf16 mma.sync and cp.async; 16-byte copies need 16-byte aligned rows.
inline GemmRequirements requirements() {
  GemmRequirements need;
  need.min_compute_capability = 80;
  need.alignment_bytes = 16;
  return need;
}

/// The registry entry of one configuration, shown against the mma.sync peak.
template <class Cfg>
GemmRung mma_sync_rung(std::string name, RungKind kind, std::string summary, int chapter = 8) {
  return {std::move(name), chapter, kind, launch_mma_sync<Cfg>, requirements(), std::move(summary), kInstruction};
}

}  // namespace ladder::mma_sync
