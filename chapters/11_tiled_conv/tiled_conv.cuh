/// \file chapters/11_tiled_conv/tiled_conv.cuh
/// \brief Chapter 11's tile geometry and staging: which outputs a block owns, which
/// input rows and columns (the halo) it stages in shared memory, and how big that is.
///
/// A block owns a kTileP × kTileQ patch of output pixels of one image, for one
/// output channel (11a) or a group of KB output channels (11b). For every input
/// channel it copies the input patch those outputs read, halo included, into
/// shared memory, with zeros where the patch reaches into the padding, so the
/// inner loop reads it with no bounds tests. The geometry functions are
/// constexpr and host-and-device: the kernels call them, and the CPU tests
/// (test_tiled_conv.cu) check them against common/conv/index.hpp.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "common/conv/conv.cuh"
#include "common/conv/index.hpp"
#include "common/core/cuda_check.cuh"
#include "common/core/host_device.hpp"

namespace ladder::tiled {

/// Output pixels per block: kTileP rows of kTileQ columns. kTileQ is a warp,
/// so a warp owns one row segment of 32 neighbouring output pixels: at stride
/// 1 its 32 reads of the halo tile are 32 consecutive words (all 32 banks, one
/// wavefront) and its 32 stores to y are 128 contiguous bytes.
inline constexpr int kTileQ = 32;
inline constexpr int kTileP = 8;
/// One thread per output pixel of the tile: 8 warps.
inline constexpr int kThreadsPerBlock = kTileP * kTileQ;
inline constexpr int kWarpsPerBlock = kThreadsPerBlock / kTileQ;
static_assert(kTileQ == 32, "a warp is one row segment of the tile: lane = output column");

/// 11b's register blocking: output channels per thread (KB).
inline constexpr int kChannelBlock = 8;
/// Every kernel of the chapter tells ptxas, through `__launch_bounds__`, that
/// 4 blocks must fit on an SM: a budget of 65536 / (4 × 256) = 64 registers
/// per thread. Given only the block size, ptxas 13.0 picks its own register
/// target, and for drafts of these kernels it spilled to meet it (a build
/// error in this project); with the budget named they use 35 to 45 (53 in the
/// exercise's solution).
inline constexpr int kMinBlocksPerSm = 4;

/// The largest filter and stride the kernels handle: their tap loops are
/// unrolled for S ≤ kMaxFilterExtent, and the shared-memory budget below is
/// sized for both. The rungs' requirements reject anything larger with the
/// registry's reason.
inline constexpr int kMaxFilterExtent = 7;
inline constexpr int kMaxStride = 2;

/// Dynamic shared memory every device grants a block without opting in
/// (cudaFuncAttributeMaxDynamicSharedMemorySize raises it on sm_70 and later).
inline constexpr std::size_t kSharedBytesWithoutOptIn = 48 * 1024;

/// Blocks of `tile` needed to cover `extent`: the last one may be ragged.
LADDER_HOST_DEVICE constexpr int tiles_over(int extent, int tile) { return (extent + tile - 1) / tile; }

/// Output tiles of one image, for a tile of `tile_rows` × kTileQ outputs.
LADDER_HOST_DEVICE constexpr int tiles_per_image(const ConvProblem& pr, int tile_rows) {
  return tiles_over(pr.p(), tile_rows) * tiles_over(pr.q(), kTileQ);
}

/// Blocks of a launch: one per (image, group of `kb` output channels, tile).
/// At most N·K·P·Q, which invalid_reason() bounds by INT32_MAX: so one grid
/// dimension (x, up to 2^31 − 1) holds them all, whatever N and K are (y and z
/// stop at 65535).
LADDER_HOST_DEVICE constexpr long long block_count(const ConvProblem& pr, int tile_rows, int kb) {
  return static_cast<long long>(pr.n) * tiles_over(pr.k, kb) * tiles_per_image(pr, tile_rows);
}

/// What block `block` computes: image n, output channels [k0, k0 + kb), and the
/// tile whose top-left output is (p0, q0). Tiles vary fastest, then channel
/// groups, then images.
struct BlockWork {
  int n, k0, p0, q0;
};
LADDER_HOST_DEVICE constexpr BlockWork block_work(const ConvProblem& pr, int block, int tile_rows, int kb) {
  const int tiles = tiles_per_image(pr, tile_rows);
  const int tiles_q = tiles_over(pr.q(), kTileQ);
  const int tile = block % tiles;
  const int group = block / tiles;
  const int groups = tiles_over(pr.k, kb);
  return {group / groups, group % groups * kb, tile / tiles_q * tile_rows, tile % tiles_q * kTileQ};
}

/// The input a tile of outputs reads, padding included: rows and columns of
/// the image (first may be negative, the end may run past H or W).
struct HaloTile {
  conv::InputRange rows, cols;
};
LADDER_HOST_DEVICE constexpr HaloTile halo_tile(const ConvProblem& pr, int p0, int q0, int tile_rows) {
  return {conv::input_rows_of_tile(pr, p0, tile_rows), conv::input_cols_of_tile(pr, q0, kTileQ)};
}

/// The halo tile's extents, the same for every tile: (tile_rows − 1)·stride + R
/// rows and (kTileQ − 1)·stride + S columns.
LADDER_HOST_DEVICE constexpr int halo_rows(const ConvProblem& pr, int tile_rows) {
  return halo_tile(pr, 0, 0, tile_rows).rows.count;
}
LADDER_HOST_DEVICE constexpr int halo_cols(const ConvProblem& pr) { return halo_tile(pr, 0, 0, kTileP).cols.count; }

/// Floats of the halo tile of one input channel, (rows, cols) row-major.
LADDER_HOST_DEVICE constexpr int halo_floats(const ConvProblem& pr, int tile_rows) {
  return halo_rows(pr, tile_rows) * halo_cols(pr);
}
/// Floats of the filter slice of one input channel: R·S taps of kb filters.
LADDER_HOST_DEVICE constexpr int filter_slice_floats(const ConvProblem& pr, int kb) { return kb * pr.r * pr.s; }

/// The dynamic shared memory of a block: the filter slice first (so each
/// tap's kb weights start 16-byte aligned when kb is a multiple of 4), then
/// the halo tile, then the halo's copy plan (one int per halo element).
LADDER_HOST_DEVICE constexpr std::size_t shared_bytes(const ConvProblem& pr, int tile_rows, int kb) {
  return sizeof(float) * static_cast<std::size_t>(filter_slice_floats(pr, kb) + halo_floats(pr, tile_rows)) +
         sizeof(int) * static_cast<std::size_t>(halo_floats(pr, tile_rows));
}

/// The problem with the largest halo the requirements admit: only R, S and
/// the stride shape the halo, so the other sizes are any valid ones.
inline constexpr ConvProblem kLargestHalo{1, 1, 64, 128, 1, kMaxFilterExtent, kMaxFilterExtent, kMaxStride, 0};
static_assert(shared_bytes(kLargestHalo, kTileP, kChannelBlock) <= kSharedBytesWithoutOptIn,
              "every problem the requirements admit fits without opting in to more shared memory");

/// Where element (i, j) of a halo tile comes from: its offset h·W + w within
/// one input channel's H×W plane, or −1 when it lies in the padding (it is
/// then zero). int suffices: invalid_reason() bounds N·C·H·W by INT32_MAX.
LADDER_HOST_DEVICE constexpr int halo_source(const ConvProblem& pr, HaloTile halo, int i, int j) {
  const int h = halo.rows.first + i, w = halo.cols.first + j;
  return conv::inside_image(pr, h, w) ? h * pr.w + w : -1;
}

/// The halo-tile index that output (p0 + tp, q0 + tq) reads at filter tap
/// (0, 0); tap (r, s) is r·halo_cols + s further. Output row tp starts tp·stride
/// rows into the halo, since input_row(p0 + tp, r) − input_row(p0, 0) = tp·stride + r.
LADDER_HOST_DEVICE constexpr int thread_halo_origin(const ConvProblem& pr, int halo_cols, int tp, int tq) {
  return tp * pr.stride * halo_cols + tq * pr.stride;
}

/// The requirements of every chapter-11 kernel: filters up to 7×7, strides up to 2.
inline ConvRequirements tiled_requirements() {
  ConvRequirements needs;
  needs.max_filter_extent = kMaxFilterExtent;
  needs.max_stride = kMaxStride;
  return needs;
}

/// The dynamic shared memory of a launch, after checking that the kernels
/// handle the problem: their tap loops are unrolled for S ≤ kMaxFilterExtent,
/// and shared_bytes() must fit what a block gets without opting in. The
/// registry rejects such problems first (tiled_requirements()); a launcher
/// called directly gets this message rather than a wrong answer or a failed launch.
inline std::size_t launch_shared_bytes(const ConvProblem& pr, int tile_rows, int kb) {
  if (pr.r > kMaxFilterExtent || pr.s > kMaxFilterExtent || pr.stride > kMaxStride)
    throw std::invalid_argument("tiled conv: " + describe(pr) + ": handles filters up to " +
                                std::to_string(kMaxFilterExtent) + "x" + std::to_string(kMaxFilterExtent) +
                                " and strides up to " + std::to_string(kMaxStride));
  const std::size_t bytes = shared_bytes(pr, tile_rows, kb);
  if (bytes > kSharedBytesWithoutOptIn)
    throw std::invalid_argument("tiled conv: " + describe(pr) + " needs " + std::to_string(bytes) +
                                " bytes of shared memory per block, more than the " +
                                std::to_string(kSharedBytesWithoutOptIn) + " a block gets without opting in");
  return bytes;
}

// [stage-halo]
/// Fills `plan` with halo_source() of every element of the (rows, cols) halo
/// tile, once per block: the halo's shape and place are the same for every
/// input channel, so the divisions and padding tests are done here and not
/// once per channel. Thread t writes elements t, t + 256, ..., the same ones it
/// copies in stage_halo_tile(), so it only ever reads back what it wrote
/// itself: no barrier is needed between the two. Shared memory, not registers:
/// a thread's share (2 to 10 entries, known only at run time) would be an
/// array indexed by a loop counter, which the compiler puts in local memory.
__device__ inline void plan_halo_copy(const ConvProblem& pr, HaloTile halo, int* plan) {
  const int floats = halo.rows.count * halo.cols.count;
  for (int e = static_cast<int>(threadIdx.x); e < floats; e += kThreadsPerBlock)
    plan[e] = halo_source(pr, halo, e / halo.cols.count, e % halo.cols.count);
}

/// Copies one input channel's halo tile from `plane` (its H×W values) into
/// `tile`, zeros in the padding, so the inner loop needs no bounds test.
/// Consecutive threads copy consecutive elements: neighbouring input columns
/// (coalesced) into neighbouring words (no bank conflict).
__device__ inline void stage_halo_tile(const float* __restrict__ plane, const int* plan, int floats, float* tile) {
#pragma unroll 1  // 8-row tile: 2 trips at 3x3 stride 1, 5 at stride 2, 6 at 7x7 stride 2; unrolling adds only code
  for (int e = static_cast<int>(threadIdx.x); e < floats; e += kThreadsPerBlock) {
    const int source = plan[e];
    const float value = plane[source < 0 ? 0 : source];  // always a valid address: no branch around the load
    tile[e] = source < 0 ? 0.0f : value;
  }
}
// [stage-halo]

// [stage-filter]
/// Copies the weights of output channels [k0, k0 + KB) for input channel c into
/// `slice` as (tap, KB): a tap's KB weights side by side, so one thread reads
/// them with KB/4 float4 loads. Channels past K are zero (their sums are not stored).
template <int KB>
__device__ void stage_filter_slice(const ConvProblem& pr, const float* __restrict__ w, int k0, int c, float* slice) {
#pragma unroll 1
  for (int e = static_cast<int>(threadIdx.x); e < filter_slice_floats(pr, KB); e += kThreadsPerBlock) {
    const int tap = e / KB, j = e % KB;  // consecutive threads, consecutive words of `slice`
    slice[e] = k0 + j < pr.k ? w[conv::kcrs_offset(pr, k0 + j, c, 0, 0) + tap] : 0.0f;
  }
}
// [stage-filter]

}  // namespace ladder::tiled
