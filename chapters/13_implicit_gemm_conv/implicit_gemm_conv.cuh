/// \file chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh
/// \brief Chapter 13's kernel template: a bf16 convolution (NHWC x, KRSC w, NHWC y, fp32
/// accumulation) as an implicit GEMM on the tensor cores, fed by chapter 08's cp.async,
/// ldmatrix and mma.sync.
///
/// It is chapter 08's pipelined kernel with two things changed. The copies: each 16-byte
/// chunk of a stage comes from wherever implicit_gemm_map.hpp says (a_chunk_source,
/// b_chunk_source), or is 8 zeros (cp.async with src-size 0) in the padding and past the
/// edges, so the lowered matrix is never built. And B: it is stored n-major, like A, and
/// read with plain ldmatrix (no .trans). The index arithmetic is implicit_gemm_tiles.hpp's.
///
/// Needs sm_80 (bf16 mma.sync, cp.async), C % 8 == 0 and 16-byte aligned x and w.
#pragma once

#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "chapters/08_mma_sync_gemm/mma_sync_gemm.cuh"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_map.hpp"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_tiles.hpp"
#include "common/conv/conv.cuh"
#include "common/core/cuda_check.cuh"
#include "common/core/grid_stride.cuh"  // kMaxGridY

namespace ladder::implicit_gemm {

using bf16 = __nv_bfloat16;

// [block-tile]
/// Where this block and this warp work: blockIdx.x walks output positions (BM at a
/// time), blockIdx.y output channels (BN at a time).
struct BlockTile {
  long long m0;    // the block tile's first row: output position
  int n0;          // its first column: output channel
  RowCol warp_at;  // the warp tile's first row and column in the block tile
  int lane;
};

template <class Cfg>
__device__ __forceinline__ BlockTile block_tile() {
  return {static_cast<long long>(blockIdx.x) * Cfg::kBM, static_cast<int>(blockIdx.y) * Cfg::kBN,
          Cfg::warp_origin(int(threadIdx.x / mma::kWarpSize)), int(threadIdx.x % mma::kWarpSize)};
}

/// Stage `s` of the dynamic shared memory: an A tile (BM × BK), then a B tile (BN × BK).
template <class Cfg>
__device__ __forceinline__ bf16* stage_memory(int s) {
  extern __shared__ uint4 shared_chunks[];  // uint4: 16-byte aligned, as cp.async and ldmatrix need
  return reinterpret_cast<bf16*>(shared_chunks) + s * Cfg::kStageElements;
}
// [block-tile]

// [load-stage]
/// One chunk: 16 bytes from `tensor` + source.offset, or 16 zero bytes (src-size 0 reads
/// nothing; any valid address will do, so the tensor's start).
__device__ __forceinline__ void gather_chunk(bf16* dst, const bf16* tensor, GatherSource source) {
  cp_async_16(dst, source.zero ? tensor : tensor + source.offset, source.zero ? 0 : mma::kChunkBytes);
}

/// 13a's gather: every chunk's source decoded from scratch, a_chunk_source(pr, row, k0).
/// load(kt, stage) issues this thread's cp.async copies of k-tile `kt`. The thread's
/// chunks all cover the same 8 reduction steps (one column of chunks), kRowsPerPass rows
/// apart, in A (positions, gathered from x) and in B (channels, from w). The caller commits.
template <class Cfg>
struct AnalyticGather {
  static constexpr bool kCopiesChunks = true;  // cp.async of 16-byte chunks: C % 8 == 0, aligned x and w
  static std::optional<std::string> unsupported_reason(const ConvProblem& pr) {
    return implicit_gemm_unsupported_reason(pr);
  }

  const Bf16ConvArgs& args;
  BlockTile tile;

  __device__ __forceinline__ AnalyticGather(const Bf16ConvArgs& conv_args, const BlockTile& block, int /*first*/)
      : args(conv_args), tile(block) {}

  __device__ __forceinline__ void load(int kt, bf16* stage) const {
    const RowCol at = copy_row_col<Cfg>(int(threadIdx.x), 0);
    const int k0 = kt * Cfg::kBK + at.col;
    bf16* a_dst = stage + Cfg::ATile::offset(at.row, at.col);
    bf16* b_dst = stage + Cfg::ATile::kElements + Cfg::BTile::offset(at.row, at.col);
#pragma unroll
    for (int i = 0; i < Cfg::kAChunksPerThread; ++i)
      gather_chunk(a_dst + i * Cfg::kPassElements, args.x,
                   a_chunk_source(args.problem, tile.m0 + at.row + i * Cfg::kRowsPerPass, k0));
#pragma unroll
    for (int i = 0; i < Cfg::kBChunksPerThread; ++i)
      gather_chunk(b_dst + i * Cfg::kPassElements, args.w,
                   b_chunk_source(args.problem, tile.n0 + at.row + i * Cfg::kRowsPerPass, k0));
  }
};
// [load-stage]

// [hoisted-load-stage]
/// 13b's gather: the same copies, with each row decoded once, before the k-loop
/// (implicit_gemm_map.hpp's RowGather), and the thread's reduction step a TapCursor moved
/// by BK per call. So load() must be called for k-tiles first, first + 1, ... in that
/// order, which the pipeline does (prologue, then kStages - 1 ahead of the multiply).
template <class Cfg>
struct HoistedGather {
  static constexpr bool kCopiesChunks = true;
  static std::optional<std::string> unsupported_reason(const ConvProblem& pr) {
    return implicit_gemm_unsupported_reason(pr);
  }

  const Bf16ConvArgs& args;
  RowGather rows[Cfg::kAChunksPerThread];      // A: this thread's output positions
  int filter_offsets[Cfg::kBChunksPerThread];  // B: its output channels' first weight; -1 past K
  TapCursor tap;
  int dst_offset;  // the thread's first chunk in either tile (both use the same copy rule)

  __device__ __forceinline__ HoistedGather(const Bf16ConvArgs& conv_args, const BlockTile& tile, int first)
      : args(conv_args) {
    const ConvProblem& pr = args.problem;
    const RowCol at = copy_row_col<Cfg>(int(threadIdx.x), 0);
#pragma unroll
    for (int i = 0; i < Cfg::kAChunksPerThread; ++i) rows[i] = row_gather(pr, tile.m0 + at.row + i * Cfg::kRowsPerPass);
#pragma unroll
    for (int i = 0; i < Cfg::kBChunksPerThread; ++i)
      filter_offsets[i] = filter_offset(pr, tile.n0 + at.row + i * Cfg::kRowsPerPass);
    tap = tap_cursor(pr, first * Cfg::kBK + at.col);
    dst_offset = Cfg::ATile::offset(at.row, at.col);
  }

  __device__ __forceinline__ void load(int /*kt: the next in order*/, bf16* stage) {
    const ConvProblem& pr = args.problem;
    bf16* a_dst = stage + dst_offset;
    bf16* b_dst = stage + Cfg::ATile::kElements + dst_offset;
#pragma unroll
    for (int i = 0; i < Cfg::kAChunksPerThread; ++i)
      gather_chunk(a_dst + i * Cfg::kPassElements, args.x, a_chunk_source(pr, rows[i], tap));
#pragma unroll
    for (int i = 0; i < Cfg::kBChunksPerThread; ++i)
      gather_chunk(b_dst + i * Cfg::kPassElements, args.w, b_chunk_source(pr, filter_offsets[i], tap));
    advance(pr, tap, Cfg::kBK);
  }
};
// [hoisted-load-stage]

// [masked-load-stage]
/// 13i's gather_chunk: an unsigned 32-bit offset, which zeros set to 0 (the tensor's start);
/// unsigned, it widens to 64 bits without a sign extension.
__device__ __forceinline__ void copy_chunk(bf16* dst, const bf16* tensor, ChunkSource source) {
  cp_async_16(dst, tensor + source.offset, source.real ? mma::kChunkBytes : 0);
}

/// 13i's gather: 13b's cursor and order, and per row its origin and tap mask
/// (implicit_gemm_map.hpp's RowTaps) in place of the decoded pixel. Each k-tile the thread
/// turns its cursor into a TapStep once; then a chunk of A is a bit test, an add, a select
/// of 0 for zeros and its address, and a chunk of B the same with a test of its filter offset
/// in place of the bit.
template <class Cfg>
struct MaskedGather {
  static constexpr bool kCopiesChunks = true;
  static std::optional<std::string> unsupported_reason(const ConvProblem& pr) {
    return masked_gather_unsupported_reason(pr);
  }

  const Bf16ConvArgs& args;
  RowTaps rows[Cfg::kAChunksPerThread];        // A: this thread's output positions
  int filter_offsets[Cfg::kBChunksPerThread];  // B: its output channels' first weight; -1 past K
  TapCursor tap;
  int dst_offset;

  __device__ __forceinline__ MaskedGather(const Bf16ConvArgs& conv_args, const BlockTile& tile, int first)
      : args(conv_args) {
    const ConvProblem& pr = args.problem;
    const RowCol at = copy_row_col<Cfg>(int(threadIdx.x), 0);
#pragma unroll
    for (int i = 0; i < Cfg::kAChunksPerThread; ++i) rows[i] = row_taps(pr, tile.m0 + at.row + i * Cfg::kRowsPerPass);
#pragma unroll
    for (int i = 0; i < Cfg::kBChunksPerThread; ++i)
      filter_offsets[i] = filter_offset(pr, tile.n0 + at.row + i * Cfg::kRowsPerPass);
    tap = tap_cursor(pr, first * Cfg::kBK + at.col);
    dst_offset = Cfg::ATile::offset(at.row, at.col);
  }

  __device__ __forceinline__ void load(int /*kt: the next in order*/, bf16* stage) {
    const TapStep step = tap_step(args.problem, tap);
    bf16* a_dst = stage + dst_offset;
    bf16* b_dst = stage + Cfg::ATile::kElements + dst_offset;
#pragma unroll
    for (int i = 0; i < Cfg::kAChunksPerThread; ++i)
      copy_chunk(a_dst + i * Cfg::kPassElements, args.x, a_chunk_source(rows[i], step));
#pragma unroll
    for (int i = 0; i < Cfg::kBChunksPerThread; ++i)
      copy_chunk(b_dst + i * Cfg::kPassElements, args.w, b_chunk_source(filter_offsets[i], step));
    advance(args.problem, tap, Cfg::kBK);
  }
};
// [masked-load-stage]

// [with-tap-mask]
/// MaskedGather with each row's tap mask from `Mask` instead (chapter 13's exercise 2, where
/// the learner writes it, on 13b's mma.sync kernel): Mask(problem, row) must set bit r·S + s
/// when tap (r, s) of output position `row` lands inside the image.
template <std::uint64_t (*Mask)(const ConvProblem&, long long)>
struct WithTapMask {
  template <class Cfg>
  struct Gather : MaskedGather<Cfg> {
    __device__ __forceinline__ Gather(const Bf16ConvArgs& conv_args, const BlockTile& tile, int first)
        : MaskedGather<Cfg>(conv_args, tile, first) {
#pragma unroll
      for (int i = 0; i < Cfg::kAChunksPerThread; ++i)
        this->rows[i].inside = Mask(conv_args.problem, tile.m0 + copy_row_col<Cfg>(int(threadIdx.x), i).row);
    }
  };
};

/// What the masked gather adds to a kernel's requirements: filters up to 8 × 8.
inline ConvRequirements with_masked_gather(ConvRequirements need) {
  need.max_filter_extent = kMaxMaskedExtent;
  return need;
}
// [with-tap-mask]

// [load-fragments]
/// The fragments and accumulators are chapter 08's: the same mma.sync, the same registers.
using mma_sync::Accumulators;
using mma_sync::Fragments;

/// A as in chapter 08: one ldmatrix.x4 per 16 × 16 block. B without .trans: the tile is
/// n-major (row = output channel, k contiguous) and mma's .col B operand wants lane
/// (group g, thread t) to hold B[k = 2t, 2t + 1][n = g], which is row g, columns 2t and
/// 2t + 1 of an n-major 8 × 8 matrix: ldmatrix's plain rule. With mma::ldmatrix_b_row_col
/// registers 0, 1 are the B of n-tile 2·pair, registers 2, 3 of n-tile 2·pair + 1.
template <class Cfg>
__device__ __forceinline__ void load_fragments(Fragments<Cfg>& f, const bf16* a_tile, const bf16* b_tile,
                                               const BlockTile& tile, int ks) {
  const bf16* a_rows = a_tile + a_ldmatrix_offset<Cfg>(tile.warp_at, tile.lane, ks);
#pragma unroll
  for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi) mma_sync::ldmatrix_x4(f.a[mi], a_rows + mi * Cfg::kAMmaTileElements);
  const bf16* b_rows = b_tile + b_ldmatrix_offset<Cfg>(tile.warp_at, tile.lane, ks);
#pragma unroll
  for (int pair = 0; pair < Cfg::kMmaTilesN / 2; ++pair) {
    unsigned r[4];
    mma_sync::ldmatrix_x4(r, b_rows + pair * Cfg::kBPairElements);
    f.b[2 * pair][0] = r[0];
    f.b[2 * pair][1] = r[1];
    f.b[2 * pair + 1][0] = r[2];
    f.b[2 * pair + 1][1] = r[3];
  }
}
// [load-fragments]

// [multiply-stage]
/// acc += the warp's share of one stage, k-step by k-step: this chapter's fragments, then
/// chapter 08's mma.sync over the warp tile. (mi, ni, e) of acc is element
/// mma_sync::c_row_col(warp_at, lane, mi, ni, e).
template <class Cfg>
__device__ __forceinline__ void multiply_stage(Accumulators<Cfg>& acc, const bf16* stage, const BlockTile& tile) {
#pragma unroll
  for (int ks = 0; ks < Cfg::kKSteps; ++ks) {
    Fragments<Cfg> f;
    load_fragments<Cfg>(f, stage, stage + Cfg::ATile::kElements, tile, ks);
    mma_sync::mma_tiles<Cfg>(acc, f);
  }
}
// [multiply-stage]

// [store-tile]
/// Output channels (col, col + 1) of one output position, rounded to bf16; `position` is
/// y + c_offset(row, 0). One 4-byte store when both channels exist and the address is
/// 4-byte aligned (K even), else one or two 2-byte stores; nothing past K.
__device__ __forceinline__ void store_pair(const ConvProblem& pr, bf16* position, int col, float v0, float v1) {
  if (col >= pr.k) return;
  bf16* y = position + col;
  if (col + 1 < pr.k && reinterpret_cast<std::uintptr_t>(y) % 4 == 0) {
    *reinterpret_cast<__nv_bfloat162*>(y) = __floats2bfloat162_rn(v0, v1);
    return;
  }
  *y = __float2bfloat16_rn(v0);
  if (col + 1 < pr.k) y[1] = __float2bfloat16_rn(v1);
}

/// Calls store(row, col, v0, v1) for each pair of this lane's accumulators that are
/// neighbouring channels (e, e + 1) of one output position: row < M, col < N + 1 (col + 1
/// may be past N = K). A lane's accumulators cover 2 rows per mma tile (e / 2).
template <class Cfg, class Store>
__device__ __forceinline__ void for_each_pair(const ConvProblem& pr, const BlockTile& tile,
                                              const Accumulators<Cfg>& acc, Store store) {
#pragma unroll
  for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi)
#pragma unroll
    for (int e = 0; e < mma::kCElementsPerLane; e += 2) {
      const long long row = tile.m0 + mma_sync::c_row_col(tile.warp_at, tile.lane, mi, 0, e).row;
      if (row >= pr.gemm_m()) continue;
#pragma unroll
      for (int ni = 0; ni < Cfg::kMmaTilesN; ++ni) {
        const int col = tile.n0 + mma_sync::c_row_col(tile.warp_at, tile.lane, mi, ni, e).col;
        if (col < pr.gemm_n()) store(row, col, acc[mi][ni][e], acc[mi][ni][e + 1]);
      }
    }
}

/// The epilogue: bf16 into y. C's row-major M × N is NHWC y, so position `row` starts at
/// c_offset(row, 0) = row·K (Chapter13Model.COffsetIsRowMajorNhwc). `pairs(store)` calls
/// store(row, col, v0, v1) for each pair of the block's accumulators (for_each_pair here,
/// the wgmma kernel's own in implicit_gemm_wgmma.cuh).
template <class ForEachPair>
__device__ __forceinline__ void store_tile(const Bf16ConvArgs& args, ForEachPair pairs) {
  const ConvProblem& pr = args.problem;
  pairs([&](long long row, int col, float v0, float v1) { store_pair(pr, args.y + row * pr.k, col, v0, v1); });
}
// [store-tile]

// [store-partial]
/// 13f's epilogue when the k-tiles are split: this block's fp32 partial sums, unrounded,
/// into copy blockIdx.z of the row-major M × N workspace; reduce_splits_kernel adds the copies.
template <class ForEachPair>
__device__ __forceinline__ void store_partial_tile(const Bf16ConvArgs& args, ForEachPair pairs) {
  const ConvProblem& pr = args.problem;
  float* partial = static_cast<float*>(args.workspace) + blockIdx.z * pr.gemm_m() * pr.gemm_n();
  pairs([&](long long row, int col, float v0, float v1) {
    partial[row * pr.k + col] = v0;
    if (col + 1 < pr.k) partial[row * pr.k + col + 1] = v1;
  });
}

/// Either epilogue: bf16 into y with one split, fp32 partial sums with more.
template <class ForEachPair>
__device__ __forceinline__ void store_output(const Bf16ConvArgs& args, ForEachPair pairs) {
  if (gridDim.z == 1)
    store_tile(args, pairs);
  else
    store_partial_tile(args, pairs);
}

/// y = the sum of the `splits` partial copies, in split order, rounded to bf16 once. One
/// thread per output element: consecutive threads read consecutive floats of each copy.
template <class Out>
__global__ void reduce_splits_kernel(const float* __restrict__ partial, Out* __restrict__ y, long long elements,
                                     int splits) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < elements;
       i += static_cast<long long>(gridDim.x) * blockDim.x) {
    float sum = 0.0f;
    for (int split = 0; split < splits; ++split) sum += partial[split * elements + i];
    y[i] = __float2bfloat16_rn(sum);
  }
}
// [store-partial]

// [kernel]
/// Chapter 08's ring of kStages stages, filled by a Gather (13a's or 13b's). While k-tile t
/// is multiplied, the gathers of tiles t+1 .. t+kStages-1 are in flight; one barrier per
/// k-tile. With gridDim.z > 1 (13f) the block multiplies only its split of the k-tiles and
/// stores fp32 partial sums; otherwise all of them, stored as bf16 into y.
template <class Cfg, template <class> class Gather>
__global__ void __launch_bounds__(Cfg::kThreads, Cfg::kMinBlocksPerSm) implicit_gemm_kernel(Bf16ConvArgs args) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  const BlockTile tile = block_tile<Cfg>();
  const KRange range = split_k_range(k_tiles(args.problem, Cfg::kBK), int(gridDim.z), int(blockIdx.z));
  Gather<Cfg> gather(args, tile, range.begin);
  Accumulators<Cfg> acc = {};
  for (int s = 0; s < Cfg::kStages - 1; ++s) {  // prologue: the first kStages-1 tiles in flight
    if (range.begin + s < range.end) gather.load(range.begin + s, stage_memory<Cfg>(s));
    cp_async_commit();  // always commit, maybe an empty group: group i is the range's tile i
  }
  for (int t = range.begin; t < range.end; ++t) {
    const int i = t - range.begin;      // the stage ring counts from the range's start
    cp_async_wait<Cfg::kStages - 2>();  // this thread's copies of tile t have landed...
    __syncthreads();                    // ...and everyone's; and every warp is done with tile t-1
    const int next = t + Cfg::kStages - 1;
    if (next < range.end) gather.load(next, stage_memory<Cfg>((i + Cfg::kStages - 1) % Cfg::kStages));
    cp_async_commit();  // into the stage tile t-1 used
    multiply_stage<Cfg>(acc, stage_memory<Cfg>(i % Cfg::kStages), tile);
  }
  store_output(args, [&](auto store) { for_each_pair<Cfg>(args.problem, tile, acc, store); });
#else
  __trap();  // before sm_80: no bf16 mma.sync, no cp.async; the registry never launches this
#endif
}
// [kernel]

// [launch]
/// Launches `kernel` (Cfg's block) over the problem's block tiles and `splits` splits of the
/// k-tiles (1: no split, y written directly; more: partial sums in args.workspace, then
/// reduce_splits_kernel). Both tensor-core kernels start here, mma.sync's and wgmma's.
template <class Cfg>
void launch_conv_kernel(void (*kernel)(Bf16ConvArgs), const Bf16ConvArgs& args, int splits, cudaStream_t stream) {
  const ConvProblem& pr = args.problem;
  // Above 48 KB a kernel must opt in to more dynamic shared memory (per device, so on every launch).
  if (Cfg::kSmemBytes > 48 * 1024)
    LADDER_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Cfg::kSmemBytes));
  const long long rows = m_tiles(pr, Cfg::kBM);
  const int cols = n_tiles(pr, Cfg::kBN);
  if (rows > INT_MAX || cols > kMaxGridY)
    throw std::invalid_argument("implicit GEMM: too many block tiles for the grid");
  if (splits < 1 || splits > kMaxGridY)
    throw std::invalid_argument("implicit GEMM: " + std::to_string(splits) + " splits: the grid's z takes 1 to 65535");
  const long long partial_bytes = static_cast<long long>(splits) * pr.gemm_m() * pr.gemm_n() * 4;
  if (splits > 1 && (args.workspace == nullptr || static_cast<long long>(args.workspace_bytes) < partial_bytes))
    throw std::invalid_argument("implicit GEMM: " + std::to_string(splits) + " splits need a workspace of " +
                                std::to_string(partial_bytes) + " bytes");
  const dim3 grid(static_cast<unsigned>(rows), static_cast<unsigned>(cols), static_cast<unsigned>(splits));
  kernel<<<grid, Cfg::kThreads, Cfg::kSmemBytes, stream>>>(args);
  LADDER_CHECK_LAUNCH();
  if (splits == 1) return;
  const long long elements = pr.gemm_m() * pr.gemm_n(), threads = 256;
  const long long blocks = std::min<long long>((elements + threads - 1) / threads, 65535);
  reduce_splits_kernel<<<static_cast<unsigned>(blocks), static_cast<unsigned>(threads), 0, stream>>>(
      static_cast<const float*>(args.workspace), args.y, elements, splits);
  LADDER_CHECK_LAUNCH();
}

/// cp.async copies 16 bytes: x and w must start on 16-byte boundaries.
inline void require_chunk_aligned(const Bf16ConvArgs& args) {
  if (reinterpret_cast<std::uintptr_t>(args.x) % 16 != 0 || reinterpret_cast<std::uintptr_t>(args.w) % 16 != 0)
    throw std::invalid_argument("implicit GEMM: x and w must be 16-byte aligned (cp.async copies 16 bytes)");
}

/// The mma.sync kernel with a Gather (13a's or 13b's), over `splits` splits of the k-tiles.
template <class Cfg, template <class> class Gather>
void launch_implicit_gemm_split(const Bf16ConvArgs& args, int splits, cudaStream_t stream) {
  if (auto reason = Gather<Cfg>::unsupported_reason(args.problem))
    throw std::invalid_argument("implicit GEMM: " + *reason);
  if (Gather<Cfg>::kCopiesChunks) require_chunk_aligned(args);
  void (*kernel)(Bf16ConvArgs) = implicit_gemm_kernel<Cfg, Gather>;
  // A binary built for pre-sm_80 targets only would JIT the trap on a newer GPU: refuse.
  static const int ptx_version = [kernel] {
    cudaFuncAttributes attributes{};
    LADDER_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
    return attributes.ptxVersion;
  }();
  if (ptx_version < 80)
    throw std::runtime_error("the implicit GEMM kernel was compiled for compute_" + std::to_string(ptx_version) +
                             " only; rebuild with CMAKE_CUDA_ARCHITECTURES including 80 or newer");
  launch_conv_kernel<Cfg>(kernel, args, splits, stream);
}

template <class Cfg, template <class> class Gather>
void launch_implicit_gemm(const Bf16ConvArgs& args, cudaStream_t stream) {
  launch_implicit_gemm_split<Cfg, Gather>(args, 1, stream);
}
// [launch]

/// sm_80 for bf16 mma.sync and cp.async; C a multiple of 8 (implicit_gemm_map.hpp).
inline ConvRequirements requirements() {
  ConvRequirements need;
  need.min_compute_capability = 80;
  need.c_multiple = kChunkElements;
  return need;
}

/// A rung of this chapter: every one issues chapter 08's mma.sync, so the bf16 table also
/// shows it as a percentage of that instruction's measured peak (chapter 08's mma_peak).
inline ConvRung mma_sync_rung(ConvRung rung) {
  rung.instruction = mma_sync::kInstruction;
  return rung;
}

}  // namespace ladder::implicit_gemm
