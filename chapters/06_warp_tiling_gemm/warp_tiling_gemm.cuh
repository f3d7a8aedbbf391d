/// \file warp_tiling_gemm.cuh
/// \brief Chapter 06's kernel template: block → warp → thread tiles, then three ways to feed them.
///
/// The tile sizes and the number of shared-memory stages are template
/// parameters, and three short kernels share every piece below: 06a (one
/// stage, plain float4 loads), 06b (two stages, the next tile prefetched in
/// registers) and 06c-06e (cp.async pipelines). warp_tiling_gemm.cu registers
/// the chapter's steps; the exercises and solutions reuse the same template.
/// Needs 16-byte aligned pointers and leading dimensions that are multiples of
/// 4 floats; m, n and k may be anything.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "common/gemm/cp_async.cuh"
#include "common/gemm/device.cuh"

namespace ladder::warp_tiling {

/// Where a thread's tile of C (8 × 8 in the chapter) starts inside the block
/// tile: its first row of a_tile and its first column of b_tile (see TileConfig::place).
struct LanePlace {
  int row, col;
};

/// Which tile of C a block computes, counted in block tiles (see TileConfig::block_place).
struct BlockPlace {
  int row, col;
};

// [tile-config]
/// The tile sizes of one configuration. In every step of the chapter a thread
/// owns 8 × 8 elements of C: 8 rows kLanesM apart, and two groups of 4 columns
/// half a warp tile apart (so its shared loads are float4s that do not
/// conflict); the warp's 32 lanes form a kLanesM × kLanesN grid (8 × 4 for the
/// chapter's 64 × 32 warp tile). TileConfig, below, fixes those 8 × 8 and the
/// 128-register cap; the tuning sweep also tries wider thread tiles (TN = 16:
/// four groups of 4 columns, a quarter of a warp tile apart) with more registers.
template <int BM, int BN, int BK, int WM, int WN, int Stages, int TM, int TN, int MaxRegisters>
struct ThreadTileConfig {
  static constexpr int kStages = Stages;  // k-tiles in shared memory at once (06a: 1; pipelines: 1 + in flight)
  static constexpr int kBM = BM, kBN = BN, kBK = BK;  // block tile of C, and the k-step
  static constexpr int kWM = WM, kWN = WN;            // warp tile of C
  static constexpr int kTM = TM, kTN = TN;            // thread tile of C
  static constexpr int kMaxRegisters = MaxRegisters;  // per thread, at the kMinBlocksPerSm ptxas is asked for
  static constexpr int kLanesM = kWM / kTM;           // lanes along m in a warp: a thread's rows are kLanesM apart
  static constexpr int kLanesN = kWN / kTN;           // lanes along n in a warp
  static constexpr int kThreads = (BM / WM) * (BN / WN) * 32;
  static constexpr int kLdA = BK + 4;  // a_tile row: padded so 8 consecutive rows start in 8 different bank groups
  static constexpr int kStageFloats = BM * kLdA + BK * BN;  // one a_tile (m, k) and one b_tile (k, n)
  static constexpr int kSmemBytes = Stages * kStageFloats * int(sizeof(float));
  static constexpr int kAChunks = BM * BK / 4 / kThreads;  // float4s of A each thread stages per k-tile
  static constexpr int kBChunks = BK * BN / 4 / kThreads;
  static constexpr int kMinBlocksPerSm = 65536 / (kThreads * MaxRegisters);  // caps ptxas at MaxRegisters
  static constexpr int kUnrollSteps = BK == 8 ? 2 : 1;  // 4-wide k-steps unrolled in multiply_stage (see there)

  static_assert(BM % WM == 0 && BN % WN == 0, "the block tile splits into whole warp tiles");
  static_assert(WM % kTM == 0 && WN % kTN == 0 && kLanesM * kLanesN == 32, "a warp tile is 32 thread tiles");
  static_assert(kTN % 4 == 0 && kTM <= 8, "a thread's columns come in float4s; its rows' float4s of A fit 8");
  static_assert(kLanesM <= 8,
                "a float4 load of A reaches kLanesM rows of a_tile at once; up to 8 consecutive rows lie in "
                "different bank groups (odd kLdA / 4), so the load is one wavefront: WM <= 64");
  static_assert(kLanesN <= 8,
                "a float4 load of B reaches kLanesN * 16 contiguous bytes of b_tile; up to 128 bytes are one "
                "wavefront: WN <= 8 * TN (64 for the chapter's 8 x 8 thread tile, whose warp tiles are 64 x 32 "
                "or 32 x 64)");
  static_assert(BK % 4 == 0, "tiles are staged in float4s along k");
  static_assert(kAChunks * kThreads * 4 == BM * BK && kBChunks * kThreads * 4 == BK * BN,
                "every thread stages the same whole number of float4s of each tile");
  static_assert(kLdA % 8 == 4,
                "rows r and r+1..r+7 of a_tile start in 8 different groups of 4 banks: a warp's float4 reads of "
                "A (one chunk of up to 8 rows) are conflict-free; the staging stores, several chunks of each row "
                "per 8-lane phase, are not (the lesson, 06a)");
  static_assert(kMinBlocksPerSm >= 1, "kThreads x MaxRegisters must fit the SM's 65 536 registers");
  static_assert(Stages >= 1, "at least the stage being multiplied");
  static_assert(kSmemBytes <= 99 * 1024,
                "at most 99 KB of shared memory per block: the smallest sm_80+ limit (sm_86, sm_89)");
  // [tile-config]

  // [place]
  /// Block tile → warp tile → lane: where thread `lane` of warp `warp` starts.
  /// Warps tile the block row by row; lanes form a kLanesM × kLanesN grid
  /// inside the warp tile, 4 columns apart. (The CPU test checks that the
  /// block's threads own every element of the block tile exactly once.)
  static constexpr __host__ __device__ LanePlace place(int warp, int lane) {
    const int warp_row = warp / (BN / WN) * WM, warp_col = warp % (BN / WN) * WN;
    return {warp_row + lane / kLanesN, warp_col + lane % kLanesN * 4};
  }

  /// Block (bx, by) of a grid_n × grid_m grid computes block tile (by, bx):
  /// row-major, the order the hardware roughly launches blocks in. A
  /// configuration may hide this to launch tiles in another order (exercise 2).
  static constexpr __host__ __device__ BlockPlace block_place(int bx, int by, int /*grid_n*/, int /*grid_m*/) {
    return {by, bx};
  }
  // [place]
};

/// The chapter's configurations: 8 × 8 per thread, at most 128 registers each.
template <int BM, int BN, int BK, int WM, int WN, int Stages>
struct TileConfig : ThreadTileConfig<BM, BN, BK, WM, WN, Stages, 8, 8, 128> {};

// [thread-elements]
/// Row (in the block tile) of row i = 0..kTM-1 of the thread tile at `p`: kLanesM apart.
template <class Cfg>
constexpr __host__ __device__ int thread_row(LanePlace p, int i) {
  return p.row + i * Cfg::kLanesM;
}
/// Column of column j = 0..kTN-1 of the thread tile: groups of 4, the warp tile
/// split evenly between them (two groups half a warp tile apart for 8 × 8).
template <class Cfg>
constexpr __host__ __device__ int thread_col(LanePlace p, int j) {
  return p.col + j % 4 + j / 4 * (Cfg::kWN / (Cfg::kTN / 4));
}
// [thread-elements]

__device__ __forceinline__ float component(float4 v, int i) { return i == 0 ? v.x : i == 1 ? v.y : i == 2 ? v.z : v.w; }

// [thread-tile]
/// Where this thread's piece of C lies: block tile → warp tile → lane.
struct ThreadTile {
  int m0, n0;                     // the block tile's first row and column of C
  bool rows_inside, cols_inside;  // the whole block tile lies inside C: no bounds checks (block-uniform)
  LanePlace place;                // the thread's first row of a_tile and first column of b_tile
};

template <class Cfg>
__device__ __forceinline__ ThreadTile thread_tile(const GemmArgs& args) {
  const BlockPlace block = Cfg::block_place(int(blockIdx.x), int(blockIdx.y), int(gridDim.x), int(gridDim.y));
  ThreadTile tile;
  tile.m0 = block.row * Cfg::kBM;
  tile.n0 = block.col * Cfg::kBN;
  tile.rows_inside = tile.m0 + Cfg::kBM <= args.m;
  tile.cols_inside = tile.n0 + Cfg::kBN <= args.n;
  tile.place = Cfg::place(threadIdx.x / 32, threadIdx.x % 32);  // unsigned: / and % are a shift and a mask
  return tile;
}
// [thread-tile]

/// Stage `s` of the dynamic shared memory: an a_tile (m, k), then a b_tile (k, n).
template <class Cfg>
__device__ __forceinline__ float* stage_memory(int s) {
  extern __shared__ float4 shared_float4s[];  // float4: 16-byte alignment for cp.async and float4 reads
  return reinterpret_cast<float*>(shared_float4s) + s * Cfg::kStageFloats;
}

// [multiply-stage]
/// acc += a_tile · b_tile for one stage: the thread's rows thread_row(p, i) and
/// columns thread_col(p, j). A is read as float4s along k (4 steps at once), B
/// as float4s along n: 16 shared loads per 256 multiply-adds (8 × 8 per thread).
template <class Cfg>
__device__ __forceinline__ void multiply_stage(float (&acc)[Cfg::kTM][Cfg::kTN], const float* stage, LanePlace p) {
  const float* a_tile = stage;                         // (m, k)
  const float* b_tile = stage + Cfg::kBM * Cfg::kLdA;  // (k, n)
  // Unrolled, ptxas hoists the next step's shared loads above this step's math:
  // no loop overhead, but 32 more live registers. Both steps of BK = 8 fit in
  // 128 registers; 2 or 4 steps of BK = 16 spill, so those loops stay rolled.
#pragma unroll(Cfg::kUnrollSteps)
  for (int p4 = 0; p4 < Cfg::kBK; p4 += 4) {
    float4 a[Cfg::kTM];  // (m, 4 k): the thread's rows of A, 4 k-values each
#pragma unroll
    for (int i = 0; i < Cfg::kTM; ++i) a[i] = load4(&a_tile[thread_row<Cfg>(p, i) * Cfg::kLdA + p4]);
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      float4 b4[Cfg::kTN / 4];  // the thread's columns of row p4 + q of B, a float4 per group of 4
#pragma unroll
      for (int g = 0; g < Cfg::kTN / 4; ++g) b4[g] = load4(&b_tile[(p4 + q) * Cfg::kBN + thread_col<Cfg>(p, 4 * g)]);
      float b[Cfg::kTN];
#pragma unroll
      for (int j = 0; j < Cfg::kTN; ++j) b[j] = component(b4[j / 4], j % 4);
#pragma unroll
      for (int i = 0; i < Cfg::kTM; ++i)
#pragma unroll
        for (int j = 0; j < Cfg::kTN; ++j) acc[i][j] += component(a[i], q) * b[j];
    }
  }
}
// [multiply-stage]

/// alpha · acc (+ beta · C) to the thread's rows × groups of 4 columns:
/// 128-bit stores when the block tile lies inside C, per element at the edges.
template <class Cfg>
__device__ __forceinline__ void store_thread_tile(const GemmArgs& args, const ThreadTile& tile,
                                                  const float (&acc)[Cfg::kTM][Cfg::kTN]) {
  const bool inside = tile.rows_inside && tile.cols_inside;
#pragma unroll
  for (int i = 0; i < Cfg::kTM; ++i) {
    const int row = tile.m0 + thread_row<Cfg>(tile.place, i);
    if constexpr (Cfg::kTN == 8) {  // the chapter's two groups, written out: as a loop, ptxas schedules
      // the whole kernel differently (06b: 171 registers instead of 155, ptxas for sm_90)
      store_c4(args, row, tile.n0 + thread_col<Cfg>(tile.place, 0), {acc[i][0], acc[i][1], acc[i][2], acc[i][3]},
               inside);
      store_c4(args, row, tile.n0 + thread_col<Cfg>(tile.place, 4), {acc[i][4], acc[i][5], acc[i][6], acc[i][7]},
               inside);
    } else {
#pragma unroll
      for (int g = 0; g < Cfg::kTN / 4; ++g)
        store_c4(args, row, tile.n0 + thread_col<Cfg>(tile.place, 4 * g),
                 {acc[i][4 * g], acc[i][4 * g + 1], acc[i][4 * g + 2], acc[i][4 * g + 3]}, inside);
    }
  }
}

// [tile-loads]
/// One k-tile on its way through registers (06a, 06b): each thread loads its
/// kAChunks + kBChunks float4s of the tile from global memory, then stores them
/// to a stage. A keeps its (m, k) layout, so each is one 128-bit store.
template <class Cfg>
struct TileLoads {
  float4 a[Cfg::kAChunks], b[Cfg::kBChunks];  // this thread's float4s of one a_tile and one b_tile

  __device__ __forceinline__ void fetch(const GemmArgs& args, const ThreadTile& tile, int k0) {
    const bool k_inside = k0 + Cfg::kBK <= args.k;
#pragma unroll
    for (int l = 0; l < Cfg::kAChunks; ++l) {
      const int chunk = threadIdx.x + l * Cfg::kThreads;
      const int r = tile.m0 + chunk / (Cfg::kBK / 4), c = k0 + chunk % (Cfg::kBK / 4) * 4;
      a[l] = tile.rows_inside && k_inside ? load4(&args.a[r * args.lda + c])
                                          : load4_or_zero(args.a, args.lda, r, c, args.m, args.k);
    }
#pragma unroll
    for (int l = 0; l < Cfg::kBChunks; ++l) {
      const int chunk = threadIdx.x + l * Cfg::kThreads;
      const int r = k0 + chunk / (Cfg::kBN / 4), c = tile.n0 + chunk % (Cfg::kBN / 4) * 4;
      b[l] = tile.cols_inside && k_inside ? load4(&args.b[r * args.ldb + c])
                                          : load4_or_zero(args.b, args.ldb, r, c, args.k, args.n);
    }
  }

  __device__ __forceinline__ void store(float* stage) const {
#pragma unroll
    for (int l = 0; l < Cfg::kAChunks; ++l) {
      const int chunk = threadIdx.x + l * Cfg::kThreads;
      *reinterpret_cast<float4*>(&stage[chunk / (Cfg::kBK / 4) * Cfg::kLdA + chunk % (Cfg::kBK / 4) * 4]) = a[l];
    }
#pragma unroll
    for (int l = 0; l < Cfg::kBChunks; ++l) {
      const int chunk = threadIdx.x + l * Cfg::kThreads;
      *reinterpret_cast<float4*>(&stage[Cfg::kBM * Cfg::kLdA + chunk * 4]) = b[l];
    }
  }
};
// [tile-loads]

// [warp-tiling-kernel]
/// 06a, warp tiling alone: one stage, filled through registers with plain
/// float4 loads, two barriers per k-tile (chapter 05's loop, 06's tiles).
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads, Cfg::kMinBlocksPerSm) warp_tiling_kernel(GemmArgs args) {
  static_assert(Cfg::kStages == 1, "one stage: loaded, then multiplied");
  const ThreadTile tile = thread_tile<Cfg>(args);
  float acc[Cfg::kTM][Cfg::kTN] = {};  // (m, n): element (i, j) is C(thread_row(i), thread_col(j)) of the block tile
  float* stage = stage_memory<Cfg>(0);
  for (int k0 = 0; k0 < args.k; k0 += Cfg::kBK) {
    TileLoads<Cfg> loads;
    loads.fetch(args, tile, k0);  // global → registers: the warp waits for these loads...
    loads.store(stage);           // ...here, before it can store them
    __syncthreads();              // the whole k-tile is in shared memory
    multiply_stage<Cfg>(acc, stage, tile.place);
    __syncthreads();  // everyone is done with the stage before the next k-tile overwrites it
  }
  store_thread_tile<Cfg>(args, tile, acc);
}
// [warp-tiling-kernel]

// [prefetch-kernel]
/// 06b, register prefetch: tile t+1 is loaded into registers before tile t is
/// multiplied, so the loads are in flight during the math; then it is stored to
/// the other stage. One barrier per k-tile. No minimum of blocks per SM: with
/// the next tile in registers too, the kernel spills at the 128-register cap on
/// sm_75-sm_86, so ptxas may use more registers (and fit fewer blocks).
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads) register_prefetch_kernel(GemmArgs args) {
  static_assert(Cfg::kStages == 2, "the register pipeline holds one tile in registers: 2 stages");
  static_assert(Cfg::kSmemBytes <= 64 * 1024, "at most 64 KB of shared memory per block on sm_75");
  const ThreadTile tile = thread_tile<Cfg>(args);
  float acc[Cfg::kTM][Cfg::kTN] = {};
  const int k_tiles = ceil_div(args.k, Cfg::kBK);
  TileLoads<Cfg> next;
  next.fetch(args, tile, 0);
  next.store(stage_memory<Cfg>(0));
  __syncthreads();
  for (int t = 0; t < k_tiles; ++t) {
    if (t + 1 < k_tiles) next.fetch(args, tile, (t + 1) * Cfg::kBK);  // loads in flight during the math
    multiply_stage<Cfg>(acc, stage_memory<Cfg>(t % 2), tile.place);
    if (t + 1 < k_tiles) next.store(stage_memory<Cfg>((t + 1) % 2));  // the other stage: nobody reads it now
    __syncthreads();
  }
  store_thread_tile<Cfg>(args, tile, acc);
}
// [prefetch-kernel]

// cp_async_16, cp_async_commit and cp_async_wait: common/gemm/cp_async.cuh (shown in the lesson).

/// The edge tiles' copy of (r, c..c+3): the elements that exist, zeros for the rest.
__device__ __forceinline__ void cp_async_16_edge(float* dst, const float* matrix, int ld, int r, int c, int rows,
                                                 int cols) {
  const int bytes = 4 * valid_elements(r, c, rows, cols);
  cp_async_16(dst, bytes ? &matrix[r * ld + c] : matrix, bytes);  // 0 bytes: any valid address, nothing read
}

// [stage-async]
/// Issues the cp.async copies of k-tile `k0` into one stage: the same float4s
/// per thread as TileLoads, with no register in between. Interior tiles copy
/// 16 bytes unconditionally; edge tiles copy what exists and zero-fill.
template <class Cfg>
__device__ __forceinline__ void stage_async(const GemmArgs& args, const ThreadTile& tile, int k0, float* stage) {
  float* a_tile = stage;                         // (m, k), rows of kLdA floats
  float* b_tile = stage + Cfg::kBM * Cfg::kLdA;  // (k, n), rows of kBN floats
  const bool k_inside = k0 + Cfg::kBK <= args.k;
#pragma unroll
  for (int l = 0; l < Cfg::kAChunks; ++l) {  // a warp copies 512 bytes of A: 128 / BK rows of 4 BK bytes
    const int chunk = threadIdx.x + l * Cfg::kThreads;
    const int r = chunk / (Cfg::kBK / 4), c = chunk % (Cfg::kBK / 4) * 4;
    if (tile.rows_inside && k_inside)  // block-uniform: interior tiles skip the bounds arithmetic entirely
      cp_async_16(a_tile + r * Cfg::kLdA + c, &args.a[(tile.m0 + r) * args.lda + k0 + c], 16);
    else
      cp_async_16_edge(a_tile + r * Cfg::kLdA + c, args.a, args.lda, tile.m0 + r, k0 + c, args.m, args.k);
  }
#pragma unroll
  for (int l = 0; l < Cfg::kBChunks; ++l) {  // a warp copies 512 contiguous bytes of one row of B
    const int chunk = threadIdx.x + l * Cfg::kThreads;
    const int r = chunk / (Cfg::kBN / 4), c = chunk % (Cfg::kBN / 4) * 4;
    if (tile.cols_inside && k_inside)
      cp_async_16(b_tile + r * Cfg::kBN + c, &args.b[(k0 + r) * args.ldb + tile.n0 + c], 16);
    else
      cp_async_16_edge(b_tile + r * Cfg::kBN + c, args.b, args.ldb, k0 + r, tile.n0 + c, args.k, args.n);
  }
}
// [stage-async]

// [cp-async-kernel]
/// 06c-06e, the cp.async pipeline: tiles t+1 .. t+kStages-1 are in flight
/// while tile t is multiplied, and nothing of them occupies a register.
template <class Cfg>
__global__ void __launch_bounds__(Cfg::kThreads, Cfg::kMinBlocksPerSm) cp_async_kernel(GemmArgs args) {
  static_assert(Cfg::kStages >= 2, "one stage is multiplied while the others are loaded");
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  const ThreadTile tile = thread_tile<Cfg>(args);
  float acc[Cfg::kTM][Cfg::kTN] = {};
  const int k_tiles = ceil_div(args.k, Cfg::kBK);
  // Prologue: tiles 0 .. kStages-2 in flight, one commit group each.
  for (int s = 0; s < Cfg::kStages - 1; ++s) {
    if (s < k_tiles) stage_async<Cfg>(args, tile, s * Cfg::kBK, stage_memory<Cfg>(s));
    cp_async_commit();  // always commit (maybe an empty group): group g is tile g
  }
  for (int t = 0; t < k_tiles; ++t) {
    cp_async_wait<Cfg::kStages - 2>();      // this thread's copies of tile t have landed...
    __syncthreads();                        // ...and everyone's; and everyone is done with tile t-1's stage
    const int next = t + Cfg::kStages - 1;  // refill the stage tile t-1 used
    if (next < k_tiles) stage_async<Cfg>(args, tile, next * Cfg::kBK, stage_memory<Cfg>(next % Cfg::kStages));
    cp_async_commit();
    multiply_stage<Cfg>(acc, stage_memory<Cfg>(t % Cfg::kStages), tile.place);
  }
  store_thread_tile<Cfg>(args, tile, acc);
#else
  __trap();  // before sm_80 there is no cp.async; the registry never launches this kernel there
#endif
}
// [cp-async-kernel]

/// How a configuration's stages are filled: the chapter's steps 06a, 06b and 06c-06e.
enum class Pipeline { kNone, kRegisters, kCpAsync };

// [warp-tiling-launch]
template <class Cfg, Pipeline kPipeline>
void launch_warp_tiling(const GemmArgs& args, cudaStream_t stream) {
  void (*kernel)(GemmArgs) = nullptr;  // if constexpr: only the chosen kernel is instantiated
  if constexpr (kPipeline == Pipeline::kNone) {
    kernel = warp_tiling_kernel<Cfg>;
  } else if constexpr (kPipeline == Pipeline::kRegisters) {
    kernel = register_prefetch_kernel<Cfg>;
  } else {
    kernel = cp_async_kernel<Cfg>;
    // Built for pre-sm_80 targets only, a newer GPU would JIT this kernel from
    // their PTX, where its body is the trap: refuse with the reason instead
    // (asked once: the answer cannot change while the program runs).
    static const int ptx_version = [kernel] {
      cudaFuncAttributes attributes{};
      LADDER_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
      return attributes.ptxVersion;
    }();
    if (ptx_version < 80)
      throw std::runtime_error("the cp.async kernels were compiled for compute_" + std::to_string(ptx_version) +
                               " only; rebuild with CMAKE_CUDA_ARCHITECTURES including 80 or newer");
  }
  // Above 48 KB a kernel must opt in to more dynamic shared memory (per device,
  // so on every launch: it costs far less than the kernel).
  if (Cfg::kSmemBytes > 48 * 1024)
    LADDER_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Cfg::kSmemBytes));
  const dim3 grid(ceil_div(args.n, Cfg::kBN), ceil_div(args.m, Cfg::kBM));
  kernel<<<grid, Cfg::kThreads, Cfg::kSmemBytes, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [warp-tiling-launch]

/// float4 and cp.async need 16-byte aligned addresses: aligned pointers and
/// leading dimensions that are multiples of 4 floats; cp.async needs sm_80.
inline GemmRequirements requirements(Pipeline pipeline) {
  GemmRequirements need;
  need.min_compute_capability = pipeline == Pipeline::kCpAsync ? 80 : 0;
  need.alignment_bytes = 16;
  return need;
}

/// The registry entry of one configuration: `launch_warp_tiling<Cfg, kPipeline>` with its requirements.
template <class Cfg, Pipeline kPipeline>
GemmRung warp_tiling_rung(std::string name, RungKind kind, std::string summary, int chapter = 6) {
  return {std::move(name),         chapter,           kind, launch_warp_tiling<Cfg, kPipeline>,
          requirements(kPipeline), std::move(summary)};
}

}  // namespace ladder::warp_tiling
