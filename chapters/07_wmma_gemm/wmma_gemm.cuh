/// \file wmma_gemm.cuh
/// \brief Chapter 07's building blocks: WMMA fragments, the shared epilogue, and the block-tile kernel template.
///
/// `nvcuda::wmma` (CUDA C++'s warp matrix functions) lets a warp hand a whole
/// 16 × 16 × 16 product to the tensor cores: load a 16 × 16 tile of A and one of
/// B into *fragments*, `mma_sync` them into an fp32 accumulator fragment, store
/// it. Which lane holds which element is not specified, so the code never looks
/// inside a fragment. wmma_gemm.cu registers the chapter's three rungs:
///
/// - 07a: one warp per 16 × 16 tile of C, fragments loaded straight from global memory;
/// - 07b: `BlockTileConfig` below, 128 × 128 block tiles staged in padded shared
///   memory by a cp.async pipeline (chapter 06), each warp owning 4 × 2 fragments;
/// - 07c: 07b with the fragments loaded by a `wmma.load` that names shared memory
///   (`load_shared_fragment`), which the C++ API cannot say.
///
/// bf16 fragments need sm_80: every kernel body is compiled only for sm_80 and
/// newer (older targets get a trap, which the registry never launches).
#pragma once

#include <mma.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "common/gemm/cp_async.cuh"
#include "common/gemm/device.cuh"

namespace ladder::wmma_gemm {

namespace wmma = nvcuda::wmma;
using bf16 = __nv_bfloat16;

// [fragments]
/// The one WMMA shape of this chapter: a warp multiplies a 16 × 16 tile of A by
/// a 16 × 16 tile of B into a 16 × 16 tile of C. A and B are row-major in
/// memory, as the ladder's matrices are; the accumulator is fp32.
constexpr int kFragM = 16, kFragN = 16, kFragK = 16;
using AFragment = wmma::fragment<wmma::matrix_a, kFragM, kFragN, kFragK, bf16, wmma::row_major>;  // (16 m, 16 k)
using BFragment = wmma::fragment<wmma::matrix_b, kFragM, kFragN, kFragK, bf16, wmma::row_major>;  // (16 k, 16 n)
using AccumulatorFragment = wmma::fragment<wmma::accumulator, kFragM, kFragN, kFragK, float>;     // (16 m, 16 n)
// [fragments]

/// FLOPs of one mma_sync of the shape above, per warp: 16·16·16 multiply-adds.
constexpr double kFlopsPerMma = 2.0 * kFragM * kFragN * kFragK;

// [bank-groups]
/// Shared memory serves a warp in 128-byte *wavefronts*: 32 banks of 4 bytes,
/// that is 8 groups of 16 bytes. WMMA does not say how load_matrix_sync reads
/// a tile; nvcc 13.0 compiles a bf16 fragment load (sm_80, sm_90) to four
/// 32-bit loads, each reading 16 bytes from each of 8 consecutive rows, as
/// ldmatrix would. Such a load is conflict-free when the 8 rows start in 8
/// different bank groups. With a row stride of s 16-byte chunks, row r starts
/// in group (r·s) mod 8: all 8 differ exactly when s is odd. An unpadded row
/// of 32 or 128 bf16 (4 or 16 chunks) puts the 8 rows in 2 groups or 1: a
/// 4-way or 8-way conflict.
constexpr __host__ __device__ bool rows_in_distinct_bank_groups(int row_stride_bytes) {
  return row_stride_bytes % 16 == 0 && (row_stride_bytes / 16) % 2 == 1;
}
// [bank-groups]

// [staging]
/// The epilogue's staging tile, one per warp: an accumulator fragment stored
/// as fp32 rows of kStagingLd floats. store_matrix_sync is the only way out of
/// a fragment (its layout is hidden), and it cannot convert to bf16, so the
/// fp32 values make a round trip through shared memory. 16 + 4 floats = 80
/// bytes, an odd number of 16-byte chunks, so the lanes' float4 reads below
/// spread over all 8 bank groups (4 wavefronts for the warp's 512 bytes, counted
/// over the whole warp). Within one phase of 8 lanes two reads can still share a
/// group (common/core/warp_access_model.hpp), and on the H200 they did: Nsight
/// Compute counted 8 wavefronts per read, 4 of them conflicts.
constexpr int kStagingLd = kFragN + 4;
constexpr int kStagingFloats = kFragM * kStagingLd;
static_assert(rows_in_distinct_bank_groups(kStagingLd * 4), "staged rows start in different bank groups");
static_assert(kStagingFloats * 4 % 32 == 0, "each warp's staging tile starts 256-bit aligned, as WMMA needs");
// [staging]

/// Eight bf16 in 16 bytes: one 128-bit load or store of C.
struct alignas(16) Bf16x8 {
  __nv_bfloat162 pair[4];
};
/// The 16 bytes at `p` (16-byte aligned) in one access: copied as a uint4, since
/// a copy of the struct itself compiles to four 32-bit accesses.
__device__ __forceinline__ Bf16x8 load_bf16x8(const bf16* p) {
  const uint4 bits = *reinterpret_cast<const uint4*>(p);
  Bf16x8 v;
  memcpy(&v, &bits, sizeof v);
  return v;
}
__device__ __forceinline__ void store_bf16x8(bf16* p, const Bf16x8& v) {
  uint4 bits;
  memcpy(&bits, &v, sizeof bits);
  *reinterpret_cast<uint4*>(p) = bits;
}

// [store-fragment]
/// C(row0.., col0..) = alpha · acc + beta · C for one 16 × 16 fragment, through
/// the warp's staging tile: store_matrix_sync puts the fp32 tile in shared
/// memory, then each lane takes 8 neighbours of one row (lane / 2), applies
/// alpha and beta, converts to bf16 and writes them with one 16-byte store
/// (element by element at the right edge of C). Rows and columns outside C are
/// skipped; C is not read when beta == 0. Needs ldc a multiple of 8 elements and
/// C 16-byte aligned (07b and 07c require it). Called by the whole warp.
__device__ __forceinline__ void store_fragment(const Bf16GemmArgs& args, const AccumulatorFragment& acc, float* staging,
                                               int row0, int col0) {
  wmma::store_matrix_sync(staging, acc, kStagingLd, wmma::mem_row_major);
  __syncwarp();  // the whole fragment is in staging before any lane reads its row
  const int lane = threadIdx.x % 32;
  const int r = lane / 2, c = lane % 2 * 8;  // 16 rows × 2 halves of 8 columns
  const float4 lo = *reinterpret_cast<const float4*>(&staging[r * kStagingLd + c]);
  const float4 hi = *reinterpret_cast<const float4*>(&staging[r * kStagingLd + c + 4]);
  __syncwarp();  // every lane has read staging before the warp stores its next fragment there
  const float value[8] = {lo.x, lo.y, lo.z, lo.w, hi.x, hi.y, hi.z, hi.w};
  const int row = row0 + r, col = col0 + c;
  if (row >= args.m || col >= args.n) return;
  bf16* out = &args.c[row * args.ldc + col];
  if (col + 8 <= args.n) {  // 8 columns inside C: one 16-byte access (16-byte aligned: col and ldc are multiples of 8)
    Bf16x8 old{}, result;
    if (args.beta != 0.0f) old = load_bf16x8(out);
#pragma unroll
    for (int p = 0; p < 4; ++p) {
      const float2 previous = __bfloat1622float2(old.pair[p]);  // zeros when beta == 0 (never read)
      result.pair[p] = __floats2bfloat162_rn(args.alpha * value[2 * p] + args.beta * previous.x,
                                             args.alpha * value[2 * p + 1] + args.beta * previous.y);
    }
    store_bf16x8(out, result);
    return;
  }
  // The right edge of C: fewer than 8 columns remain. (Unrolled, so that
  // value[j] stays in registers: indexed at run time, it would go to local memory.)
#pragma unroll
  for (int j = 0; j < 8; ++j) {
    if (col + j >= args.n) break;
    const float scaled = args.alpha * value[j];
    out[j] = __float2bfloat16_rn(args.beta == 0.0f ? scaled : scaled + args.beta * __bfloat162float(out[j]));
  }
}
// [store-fragment]

/// Where a warp's tile starts inside the block tile (its first row of a_tile, first column of b_tile).
struct WarpPlace {
  int row, col;
};

/// Where the 8 elements (one 16-byte chunk) a thread copies start inside a tile.
struct ChunkPlace {
  int row, col;
};

// [block-tile-config]
/// How a warp loads its fragments from the stages (a type, so that kernel names say it).
struct GenericLoads {};  // wmma::load_matrix_sync: a generic pointer (07b)
struct SharedLoads {};   // load_shared_fragment: wmma.load from the .shared state space (07c)

/// 07b's tile sizes, and everything derived from them, checked at compile time.
/// A block computes a BM × BN tile of C with (BM / WM) × (BN / WN) warps; a
/// warp owns a WM × WN tile: (WM / 16) × (WN / 16) accumulator fragments.
/// Each k-tile (BK deep) of A and B is staged in shared memory in `Stages`
/// buffers filled by cp.async, in rows padded to an odd number of 16-byte chunks.
template <int BM, int BN, int BK, int WM, int WN, int Stages, class Loads = GenericLoads>
struct BlockTileConfig {
  static constexpr int kBM = BM, kBN = BN, kBK = BK, kWM = WM, kWN = WN, kStages = Stages;
  static constexpr bool kSharedLoads = std::is_same_v<Loads, SharedLoads>;
  static constexpr int kWarpsN = BN / WN;             // warps across the block tile
  static constexpr int kWarps = (BM / WM) * kWarpsN;  // warps in the block
  static constexpr int kThreads = kWarps * 32;
  static constexpr int kFragsM = WM / kFragM;                   // accumulator fragments per warp, down
  static constexpr int kFragsN = WN / kFragN;                   // and across
  static constexpr int kLdA = BK + 8;                           // a_tile row (bf16): padded by one 16-byte chunk
  static constexpr int kLdB = BN + 8;                           // b_tile row (bf16): padded by one 16-byte chunk
  static constexpr int kStageElements = BM * kLdA + BK * kLdB;  // one a_tile (m, k) and one b_tile (k, n)
  static constexpr int kSmemBytes = Stages * kStageElements * int(sizeof(bf16));
  static constexpr int kAChunks = BM * BK / 8 / kThreads;  // 16-byte chunks of A each thread copies per k-tile
  static constexpr int kBChunks = BK * BN / 8 / kThreads;
  static constexpr int kMinBlocksPerSm = 65536 / (kThreads * 128);  // caps ptxas at 128 registers per thread

  static_assert(BM % WM == 0 && BN % WN == 0, "the block tile splits into whole warp tiles");
  static_assert(WM % kFragM == 0 && WN % kFragN == 0 && BK % kFragK == 0,
                "warp tiles and k-tiles hold whole fragments");
  static_assert(kAChunks * kThreads * 8 == BM * BK && kBChunks * kThreads * 8 == BK * BN,
                "every thread copies the same whole number of 16-byte chunks of each tile");
  static_assert(rows_in_distinct_bank_groups(kLdA * 2) && rows_in_distinct_bank_groups(kLdB * 2),
                "padded rows: 8 consecutive rows of a tile start in 8 different bank groups");
  static_assert((BM * kLdA * 2) % 32 == 0 && (kStageElements * 2) % 32 == 0 && (kFragM * kLdA * 2) % 32 == 0 &&
                    (kFragK * kLdB * 2) % 32 == 0,
                "every fragment's first element is 256-bit aligned, as load_matrix_sync requires");
  static_assert(kWarps * kStagingFloats * 4 <= kSmemBytes, "the epilogue's staging tiles fit in the stages' memory");
  static_assert(Stages >= 2, "one stage is multiplied while the next ones are copied");
  static_assert(kMinBlocksPerSm >= 1, "at most 512 threads: 128 registers each must fit the SM's 65 536");
  static_assert(kSmemBytes <= 99 * 1024, "at most 99 KB of shared memory per block: the sm_86 and sm_89 limit");

  /// Warps tile the block row by row: warp w owns rows w / kWarpsN · WM and
  /// columns w % kWarpsN · WN of it. (The CPU test checks that the warps' fragments
  /// cover the block tile exactly once.)
  static constexpr __host__ __device__ WarpPlace warp_place(int warp) {
    return {warp / kWarpsN * WM, warp % kWarpsN * WN};
  }
  /// Chunk `chunk` (0 .. BM·BK/8 - 1) of a_tile, (m, k): BK / 8 chunks per row.
  static constexpr __host__ __device__ ChunkPlace a_chunk(int chunk) {
    return {chunk / (BK / 8), chunk % (BK / 8) * 8};
  }
  /// Chunk `chunk` (0 .. BK·BN/8 - 1) of b_tile, (k, n): BN / 8 chunks per row.
  static constexpr __host__ __device__ ChunkPlace b_chunk(int chunk) {
    return {chunk / (BN / 8), chunk % (BN / 8) * 8};
  }
};
// [block-tile-config]

/// 07b's configuration: 8 warps (2 × 4), each with 4 × 2 fragments; 3 stages of
/// 18.5 KB (55.5 KB, above the 48 KB default: launch_block_tile opts in).
using BlockTile07b = BlockTileConfig<128, 128, 32, 64, 32, 3>;
/// 07c: 07b, its fragments loaded from shared memory by name.
using BlockTile07c = BlockTileConfig<128, 128, 32, 64, 32, 3, SharedLoads>;

// [cp-async]
/// Elements (r, c..c+7) of a rows × cols matrix into `dst`: those that exist,
/// zeros for the rest (edge tiles; and a k that is not a multiple of 8). The
/// source stays 16-byte aligned: c is a multiple of 8 and so is ld (the rung's
/// 16-byte alignment requirement). No address outside the matrix is formed.
__device__ __forceinline__ void copy_chunk(bf16* dst, const bf16* matrix, int ld, int r, int c, int rows, int cols) {
  const int elements = r < rows ? max(0, min(8, cols - c)) : 0;
  cp_async_16(dst, elements > 0 ? &matrix[r * ld + c] : matrix, 2 * elements);
}
// [cp-async]

/// Stage `s` of the dynamic shared memory: an a_tile (BM, kLdA), then a b_tile (BK, kLdB).
template <class Cfg>
__device__ __forceinline__ bf16* stage_memory(int s) {
  extern __shared__ __align__(128) unsigned char wmma_shared_bytes[];  // 256-bit alignment for the fragments
  return reinterpret_cast<bf16*>(wmma_shared_bytes) + s * Cfg::kStageElements;
}

// [load-tile]
/// Issues the cp.async copies of k-tile `k0` of A (rows m0..) and B (columns
/// n0..) into one stage: each thread copies kAChunks + kBChunks chunks of 16
/// bytes. A warp's 32 chunks of a_tile are 8 rows × 4 chunks (of b_tile 2 rows
/// × 16): with the padded rows they fall 4 to each bank group, the fewest
/// wavefronts for 512 bytes (counted over the whole warp, as the staging tile's).
/// Interior tiles (block-uniform) copy whole chunks without the bounds arithmetic
/// of copy_chunk, as chapter 06 does.
template <class Cfg>
__device__ __forceinline__ void load_tile(const Bf16GemmArgs& args, int m0, int n0, int k0, bf16* stage) {
  bf16* a_tile = stage;                         // (BM, BK), rows of kLdA
  bf16* b_tile = stage + Cfg::kBM * Cfg::kLdA;  // (BK, BN), rows of kLdB
  const bool k_inside = k0 + Cfg::kBK <= args.k;
  const bool a_inside = k_inside && m0 + Cfg::kBM <= args.m, b_inside = k_inside && n0 + Cfg::kBN <= args.n;
#pragma unroll
  for (int l = 0; l < Cfg::kAChunks; ++l) {
    const ChunkPlace p = Cfg::a_chunk(threadIdx.x + l * Cfg::kThreads);
    if (a_inside)
      cp_async_16(&a_tile[p.row * Cfg::kLdA + p.col], &args.a[(m0 + p.row) * args.lda + k0 + p.col], 16);
    else
      copy_chunk(&a_tile[p.row * Cfg::kLdA + p.col], args.a, args.lda, m0 + p.row, k0 + p.col, args.m, args.k);
  }
#pragma unroll
  for (int l = 0; l < Cfg::kBChunks; ++l) {
    const ChunkPlace p = Cfg::b_chunk(threadIdx.x + l * Cfg::kThreads);
    if (b_inside)
      cp_async_16(&b_tile[p.row * Cfg::kLdB + p.col], &args.b[(k0 + p.row) * args.ldb + n0 + p.col], 16);
    else
      copy_chunk(&b_tile[p.row * Cfg::kLdB + p.col], args.b, args.ldb, k0 + p.row, n0 + p.col, args.k, args.n);
  }
}
// [load-tile]

// [shared-fragment]
/// load_matrix_sync, for a fragment in shared memory, saying so. The C++ API takes a
/// generic pointer, and nvcc 13.0 compiles it to PTX's generic `wmma.load`, which ptxas
/// turns into four 32-bit generic loads (LD.E, 64-bit addresses) per bf16 fragment. The
/// same PTX instruction with the .shared state space becomes one ldmatrix (LDSM.16.M88.4
/// for A, LDSM.16.MT88.4 for row-major B) in the SASS. The registers it fills are the
/// fragment's, in the order load_matrix_sync fills them: the same instruction but for the
/// state space. (`memcpy`: the fragment's elements are bf16, the PTX's registers 32-bit.)
template <class Fragment>
__device__ __forceinline__ void load_shared_fragment(Fragment& fragment, const bf16* tile, unsigned ld) {
  static_assert(sizeof(fragment.x) == 16, "a bf16 16 x 16 x 16 A or B fragment is 4 registers per lane");
  static_assert(std::is_same_v<Fragment, AFragment> || std::is_same_v<Fragment, BFragment>,
                "the PTX below says .row: the row-major A and B fragments only");
#if __CUDA_ARCH__ >= 800
  const unsigned address = static_cast<unsigned>(__cvta_generic_to_shared(tile));
  unsigned r[4];
  if constexpr (std::is_same_v<Fragment, AFragment>)
    asm volatile("wmma.load.a.sync.aligned.row.m16n16k16.shared.bf16 {%0, %1, %2, %3}, [%4], %5;\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address), "r"(ld)
                 : "memory");
  else
    asm volatile("wmma.load.b.sync.aligned.row.m16n16k16.shared.bf16 {%0, %1, %2, %3}, [%4], %5;\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(address), "r"(ld)
                 : "memory");
  memcpy(fragment.x, r, sizeof r);
#endif
}

/// A fragment of a stage, loaded as the configuration says (07b generic, 07c shared).
template <class Cfg, class Fragment>
__device__ __forceinline__ void load_fragment(Fragment& fragment, const bf16* tile, unsigned ld) {
  if constexpr (Cfg::kSharedLoads)
    load_shared_fragment(fragment, tile, ld);
  else
    wmma::load_matrix_sync(fragment, tile, ld);
}
// [shared-fragment]

// [multiply-stage]
/// acc += a_tile · b_tile for one stage, as the warp at `w` sees it: per 16-deep
/// step, load the warp's kFragsM fragments of A and kFragsN of B once, then
/// issue every pairing. Each A fragment serves kFragsN products, each B
/// fragment kFragsM: 6 fragment loads for 8 mma_sync with 4 × 2 fragments.
/// The fragments are addressed from two pointers with constant offsets, which
/// the loads take as immediates (an int index would cost a 64-bit address
/// computation per fragment: load_matrix_sync takes a generic pointer).
template <class Cfg>
__device__ __forceinline__ void multiply_stage(AccumulatorFragment (&acc)[Cfg::kFragsM][Cfg::kFragsN],
                                               const bf16* stage, WarpPlace w) {
  const bf16* a_rows = stage + w.row * Cfg::kLdA;             // the warp's WM rows of a_tile (BM, BK)
  const bf16* b_cols = stage + Cfg::kBM * Cfg::kLdA + w.col;  // the warp's WN columns of b_tile (BK, BN)
#pragma unroll
  for (int kk = 0; kk < Cfg::kBK; kk += kFragK) {
    AFragment a[Cfg::kFragsM];
    BFragment b[Cfg::kFragsN];
#pragma unroll
    for (int i = 0; i < Cfg::kFragsM; ++i) load_fragment<Cfg>(a[i], a_rows + (i * kFragM * Cfg::kLdA + kk), Cfg::kLdA);
#pragma unroll
    for (int j = 0; j < Cfg::kFragsN; ++j) load_fragment<Cfg>(b[j], b_cols + (kk * Cfg::kLdB + j * kFragN), Cfg::kLdB);
#pragma unroll
    for (int i = 0; i < Cfg::kFragsM; ++i)
#pragma unroll
      for (int j = 0; j < Cfg::kFragsN; ++j) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
  }
}
// [multiply-stage]

// [store-block-tile]
/// The warp's fragments to C, one at a time through its staging tile (which
/// reuses the stages' memory: the caller waits until every warp is done with
/// them). Fragments wholly outside C are skipped (warp-uniform).
template <class Cfg>
__device__ __forceinline__ void store_block_tile(const Bf16GemmArgs& args, int m0, int n0, WarpPlace w,
                                                 const AccumulatorFragment (&acc)[Cfg::kFragsM][Cfg::kFragsN]) {
  float* staging = reinterpret_cast<float*>(stage_memory<Cfg>(0)) + threadIdx.x / 32 * kStagingFloats;
#pragma unroll
  for (int i = 0; i < Cfg::kFragsM; ++i)
#pragma unroll
    for (int j = 0; j < Cfg::kFragsN; ++j) {
      const int row0 = m0 + w.row + i * kFragM, col0 = n0 + w.col + j * kFragN;
      if (row0 < args.m && col0 < args.n) store_fragment(args, acc[i][j], staging, row0, col0);
    }
}
// [store-block-tile]

// [block-tile-kernel]
/// 07b: chapter 06's cp.async pipeline feeding WMMA fragments. Tiles t+1 ..
/// t+Stages-1 are in flight while the warps multiply tile t from shared memory.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads, Cfg::kMinBlocksPerSm) block_tile_kernel(Bf16GemmArgs args) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  const int m0 = blockIdx.y * Cfg::kBM, n0 = blockIdx.x * Cfg::kBN;
  const WarpPlace w = Cfg::warp_place(threadIdx.x / 32);
  AccumulatorFragment acc[Cfg::kFragsM][Cfg::kFragsN];  // (WM, WN) of C, in fragments of 16 × 16
#pragma unroll
  for (int i = 0; i < Cfg::kFragsM; ++i)
#pragma unroll
    for (int j = 0; j < Cfg::kFragsN; ++j) wmma::fill_fragment(acc[i][j], 0.0f);
  const int k_tiles = ceil_div(args.k, Cfg::kBK);
  for (int s = 0; s < Cfg::kStages - 1; ++s) {  // prologue: k-tiles 0 .. Stages-2 in flight
    if (s < k_tiles) load_tile<Cfg>(args, m0, n0, s * Cfg::kBK, stage_memory<Cfg>(s));
    cp_async_commit();  // one group per k-tile, maybe empty: group g is k-tile g
  }
  for (int t = 0; t < k_tiles; ++t) {
    cp_async_wait<Cfg::kStages - 2>();  // this thread's copies of k-tile t have landed...
    __syncthreads();                    // ...and everyone's; and nobody still reads the stage refilled next
    const int next = t + Cfg::kStages - 1;
    if (next < k_tiles) load_tile<Cfg>(args, m0, n0, next * Cfg::kBK, stage_memory<Cfg>(next % Cfg::kStages));
    cp_async_commit();
    multiply_stage<Cfg>(acc, stage_memory<Cfg>(t % Cfg::kStages), w);
  }
  cp_async_wait<0>();  // nothing is in flight by now (the last groups are empty): free, and safe if that changes
  __syncthreads();     // every warp is done with the stages: the epilogue's staging reuses them
  store_block_tile<Cfg>(args, m0, n0, w, acc);
#else
  __trap();  // bf16 WMMA needs sm_80; the registry never launches this kernel on older GPUs
#endif
}
// [block-tile-kernel]

/// Refuses to launch a kernel whose code for this GPU was compiled (or JIT-compiled
/// from PTX) for a target before sm_80: its body would be the trap. Happens only
/// if the build's CMAKE_CUDA_ARCHITECTURES holds nothing of 80 or newer.
inline void require_sm80_code(const void* kernel) {
  cudaFuncAttributes attributes{};
  LADDER_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
  if (attributes.ptxVersion < 80)
    throw std::runtime_error("the WMMA bf16 kernels were compiled for compute_" +
                             std::to_string(attributes.ptxVersion) +
                             " only; rebuild with CMAKE_CUDA_ARCHITECTURES including 80 or newer");
}

// [block-tile-launch]
template <class Cfg>
void launch_block_tile(const Bf16GemmArgs& args, cudaStream_t stream) {
  const auto kernel = block_tile_kernel<Cfg>;
  static const bool code_checked = (require_sm80_code(reinterpret_cast<const void*>(kernel)), true);
  (void)code_checked;
  if (Cfg::kSmemBytes > 48 * 1024)  // above 48 KB a kernel must opt in (per device, so on every launch)
    LADDER_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Cfg::kSmemBytes));
  const dim3 grid(ceil_div(args.n, Cfg::kBN), ceil_div(args.m, Cfg::kBM));
  kernel<<<grid, Cfg::kThreads, Cfg::kSmemBytes, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [block-tile-launch]

/// 07b's requirements: sm_80 for bf16 WMMA and cp.async; 16-byte copies need
/// 16-byte aligned pointers and leading dimensions (multiples of 8 bf16). m, n
/// and k may be anything: the copies zero-fill what lies outside A and B.
inline GemmRequirements block_tile_requirements() {
  GemmRequirements need;
  need.min_compute_capability = 80;
  need.alignment_bytes = 16;
  return need;
}

}  // namespace ladder::wmma_gemm
