/// \file chapters/13_implicit_gemm_conv/implicit_gemm_tiles.hpp
/// \brief Chapter 13's kernel arithmetic, with no CUDA in it: the tile configuration, which
/// thread copies which 16-byte chunk of a stage, where each lane points ldmatrix, and which
/// element of the block tile each accumulator is.
///
/// Both shared tiles have the same shape: A is BM rows (output positions) × BK (reduction,
/// contiguous), B is BN rows (output channels) × BK (reduction, contiguous), each stored
/// with chapter 08's XOR swizzle (mma_sync::SharedTile). So one copy rule serves both, and
/// both are read by plain ldmatrix.x4: B needs no .trans (mma::ldmatrix_b_row_col says why).
/// The kernel (implicit_gemm_conv.cuh) calls every function here; the CPU test
/// test_implicit_gemm_tiles.cpp checks them, and one warp's ldmatrix + mma step on them.
///
/// 13g's configuration (WgmmaConvConfig) is here too: for k-tiles of 64 the same swizzle is
/// the 128-byte one wgmma reads, and the test checks that, and its ring of stages.
#pragma once

#include "chapters/08_mma_sync_gemm/mma_sync_tiles.hpp"
#include "chapters/09_wgmma_tma_gemm/hopper_layout.hpp"
#include "common/gemm/mma_layout.hpp"

namespace ladder::implicit_gemm {

using mma::RowCol;

// [tile-config]
/// One configuration of the kernel: a BM × BN block tile of the output (positions ×
/// channels), BK reduction steps per k-tile, warps of WM × WN, Stages k-tiles in the
/// cp.async ring; MinBlocks, the blocks per SM ptxas must leave registers for
/// (__launch_bounds__'s second argument). Without it ptxas picks a register budget by its
/// own heuristic, which for some shapes is too small and spills.
template <int BM, int BN, int BK, int WM, int WN, int Stages, int MinBlocks = 1>
struct ConvTileConfig {
  static constexpr int kBM = BM, kBN = BN, kBK = BK, kWM = WM, kWN = WN, kStages = Stages;
  static constexpr int kMinBlocksPerSm = MinBlocks;
  static constexpr int kWarpsM = BM / WM, kWarpsN = BN / WN;
  static constexpr int kThreads = kWarpsM * kWarpsN * mma::kWarpSize;
  static constexpr int kMmaTilesM = WM / mma::kMmaM;  // 16-row mma tiles down a warp tile
  static constexpr int kMmaTilesN = WN / mma::kMmaN;  // 8-column mma tiles across it
  static constexpr int kKSteps = BK / mma::kMmaK;     // mma k-steps per k-tile

  using ATile = mma_sync::SharedTile<mma_sync::SwizzledRows, BM, BK>;  // (position, step)
  using BTile = mma_sync::SharedTile<mma_sync::SwizzledRows, BN, BK>;  // (channel, step): n-major
  static constexpr int kStageElements = ATile::kElements + BTile::kElements;
  static constexpr int kSmemBytes = Stages * kStageElements * 2;  // bf16

  // Copies: a pass of all threads fills kRowsPerPass whole rows of either tile.
  static constexpr int kChunksPerRow = BK / mma::kChunkElements;
  static constexpr int kRowsPerPass = kThreads / kChunksPerRow;
  static constexpr int kAChunksPerThread = BM / kRowsPerPass;
  static constexpr int kBChunksPerThread = BN / kRowsPerPass;
  static constexpr int kPassElements = kRowsPerPass * BK;  // a thread's next chunk, either tile
  // ldmatrix: the next 16-row mma tile of A, the next pair of 8-channel mma tiles of B.
  static constexpr int kAMmaTileElements = mma::kMmaM * BK;
  static constexpr int kBPairElements = 2 * mma::kMmaN * BK;

  static_assert(BM % WM == 0 && BN % WN == 0, "the block tile splits into whole warp tiles");
  static_assert(WM % mma::kMmaM == 0, "a warp tile is whole 16-row mma tiles");
  static_assert(WN % (2 * mma::kMmaN) == 0, "one ldmatrix.x4 gives B for two 8-channel mma tiles");
  static_assert(BK % mma::kMmaK == 0, "a k-tile is whole 16-deep mma k-steps");
  static_assert(kThreads % kChunksPerRow == 0 && BM % kRowsPerPass == 0 && BN % kRowsPerPass == 0,
                "every thread copies the same whole number of chunks of each tile");
  static_assert(kRowsPerPass % ATile::kRepeatRows == 0 && mma::kMmaM % ATile::kRepeatRows == 0,
                "constant steps through a tile are whole periods of the swizzle (kRepeatRows)");
  static_assert(kThreads <= 256, "at most 8 warps");
  static_assert(Stages >= 2, "one stage is multiplied while the others are loaded");
  static_assert(kSmemBytes <= 99 * 1024, "at most 99 KB of shared memory: the smallest sm_80+ limit");

  /// Where warp `warp`'s tile starts in the block tile (row: position, col: channel).
  static constexpr LADDER_HOST_DEVICE RowCol warp_origin(int warp) {
    return {warp / kWarpsN * WM, warp % kWarpsN * WN};
  }
};
// [tile-config]

// [config]
/// 13a and 13b: chapter 08's pipelined shape (08c): 128 × 128 × 32, 4 warps of 64 × 64,
/// 4 stages, 64 KB. Chosen because 64 × 64 warp tiles read the fewest shared-memory
/// wavefronts per mma.sync of chapter 08's warp shapes (1.5, against 2.0 for 64 × 32), and
/// 4 stages keep 3 k-tiles of gathers in flight, which the implicit GEMM's scattered A
/// reads need more than a GEMM's streaming ones.
using Mma128x128x32s4 = ConvTileConfig<128, 128, 32, 64, 64, 4>;  // 128 threads, 65 536 B: > 48 KB, opt-in

// 13c, the sweep: tiles for the layers 128 × 128 fits badly. ResNet-50's 56 × 56 × 64
// layer has K = 64 output channels, so half of a 128-wide tile multiplies zeros; its
// 7 × 7 × 512 layer has M = 1 568 positions, 13 × 4 = 52 tiles of 128 × 128 for 132 SMs.
// The smaller shapes ask for more blocks per SM: 3 or 4 blocks of 128 threads leave at most
// 168 or 128 registers a thread (65 536 registers per SM, allocated 8 a thread at a time).
using Mma128x64x32s4 = ConvTileConfig<128, 64, 32, 64, 32, 4, 3>;  // 128 threads, 49 152 B
using Mma64x64x32s4 = ConvTileConfig<64, 64, 32, 32, 32, 4, 4>;    // 128 threads, 32 768 B
using Mma64x128x32s4 = ConvTileConfig<64, 128, 32, 32, 64, 4, 3>;  // 128 threads, 49 152 B
using Mma256x128x32s3 = ConvTileConfig<256, 128, 32, 64, 64, 3>;   // 256 threads, 73 728 B
using Mma128x128x64s3 = ConvTileConfig<128, 128, 64, 64, 64, 3>;   // 128 threads, 98 304 B
// Added after the first H200 run, for the 14 × 14 × 256 layer, whose best shape was 64 × 64 (392
// blocks, about 3 per SM of the 5 that fit): the same tile with k-tiles of 64, so half as many
// barriers and waits per FLOP. The next run made it 13d's choice on the 14 × 14 and 7 × 7 layers,
// taking only 3.4 and 6.4 % less time than 64 × 64 × 32 there.
using Mma64x64x64s3 = ConvTileConfig<64, 64, 64, 32, 32, 3, 4>;  // 128 threads, 49 152 B
// [config]

// [wgmma-config]
/// One shape of 13g: a BM × BN block tile, k-tiles of 64 steps (one 128-byte swizzle row),
/// a ring of Stages stages; each warpgroup multiplies 64 rows, so BM / 64 warpgroups, and
/// every thread also gathers. MmaInFlight: the k-tiles of wgmma a warpgroup leaves running
/// while it goes on to the next barrier (0 or 1). The ring then holds the tile being
/// multiplied, MmaInFlight tiles whose wgmma may still read, and kLookahead - 1 tiles of
/// gathers in flight beyond it, plus the one being gathered: Stages in all.
template <int BM, int BN, int Stages, int MmaInFlight, int MinBlocks = 1>
struct WgmmaConvConfig {
  static constexpr int kBM = BM, kBN = BN, kBK = hopper::kSw128RowElements, kStages = Stages;
  static constexpr int kMmaInFlight = MmaInFlight;
  static constexpr int kLookahead = Stages - 1 - MmaInFlight;  // k-tiles gathered ahead of the multiply
  static constexpr int kMinBlocksPerSm = MinBlocks;
  static constexpr int kWarpgroupThreads = 128, kWgmmaM = 64;
  static constexpr int kWarpgroups = BM / kWgmmaM;
  static constexpr int kThreads = kWarpgroups * kWarpgroupThreads;
  static constexpr int kAccumulators = BN / 2;  // fp32 per thread: 64 × BN over 128 threads
  // What chapter 09's start_stage and finish_stages read: one 64-row block per warpgroup, each
  // wgmma the tile's full width, B stored n × k (channels × steps: K-major, transpose-B 0).
  static constexpr int kMBlocks = 1, kWgmmaN = BN;
  static constexpr bool kBStoredNByK = true;

  using ATile = mma_sync::SharedTile<mma_sync::SwizzledRows, BM, kBK>;  // (position, step), K-major
  using BTile = mma_sync::SharedTile<mma_sync::SwizzledRows, BN, kBK>;  // (channel, step), K-major
  static constexpr int kStageElements = ATile::kElements + BTile::kElements;
  // 1 KB more than the stages: the swizzle needs 1024-byte aligned tiles, and the dynamic
  // shared memory is only guaranteed 16-byte aligned (chapter 09's aligned_dynamic_smem).
  static constexpr int kSmemBytes = Stages * kStageElements * 2 + hopper::kSw128AtomBytes;

  // Copies, as ConvTileConfig's: a pass of all threads fills kRowsPerPass whole rows.
  static constexpr int kChunksPerRow = kBK / mma::kChunkElements;
  static constexpr int kRowsPerPass = kThreads / kChunksPerRow;
  static constexpr int kAChunksPerThread = BM / kRowsPerPass;
  static constexpr int kBChunksPerThread = BN / kRowsPerPass;
  static constexpr int kPassElements = kRowsPerPass * kBK;

  static_assert(BM % kWgmmaM == 0, "whole warpgroups of 64 rows");
  static_assert(BN == 64 || BN == 128 || BN == 256,
                "chapter 09's wgmma_tile issues m64n64k16, m64n128k16 or m64n256k16");
  static_assert(MmaInFlight == 0 || MmaInFlight == 1, "wgmma_wait<0> or <1>");
  static_assert(kLookahead >= 1, "at least the next k-tile is gathered while one is multiplied");
  static_assert(BM % kRowsPerPass == 0 && BN % kRowsPerPass == 0 && kRowsPerPass % ATile::kRepeatRows == 0,
                "every thread copies whole passes, each a whole period of the swizzle");
  static_assert(ATile::kElements * 2 % hopper::kSw128AtomBytes == 0 &&
                    BTile::kElements * 2 % hopper::kSw128AtomBytes == 0,
                "every tile starts on a 1024-byte boundary, as the swizzle needs");
  static_assert(kSmemBytes <= 227 * 1024, "sm_90 gives a block at most 227 KB of shared memory");

  /// The stage k-tile `i` of a block's range lives in; the gathers issued at k-tile i go to
  /// ring_stage(i + kLookahead). Unsigned (i >= 0): a remainder by 4 is then one AND, where a
  /// signed one also fixes up negative i, in every trip of the loop.
  static constexpr LADDER_HOST_DEVICE int ring_stage(int i) { return int(unsigned(i) % kStages); }

  /// block_tile's warp origin: warp w's first row (16 per warp, 64 per warpgroup), column 0.
  static constexpr LADDER_HOST_DEVICE RowCol warp_origin(int warp) { return {warp * 16, 0}; }
};

/// 13g: 128 × 128, two warpgroups, 4 stages (one k-tile of wgmma in flight, 2 gathered
/// ahead), 129 KB: one block per SM.
using Wgmma128x128s4 = WgmmaConvConfig<128, 128, 4, 1>;
// 13h's other shapes. Two blocks per SM need at most 113 KB each, and at most 128 registers
// a thread for 256 threads (65 536 per SM); 64-row blocks are one warpgroup.
using Wgmma128x128s3 = WgmmaConvConfig<128, 128, 3, 0, 2>;  // 97 KB, wgmma waited for: 2 ahead
using Wgmma64x128s4 = WgmmaConvConfig<64, 128, 4, 1, 2>;    // 97 KB, 128 threads
using Wgmma128x64s4 = WgmmaConvConfig<128, 64, 4, 1, 2>;    // 97 KB: K = 64 layers
using Wgmma64x64s4 = WgmmaConvConfig<64, 64, 4, 1, 3>;      // 65 KB, 128 threads: small M and K
// Chapter 09's fastest GEMMs use wider tiles: each byte of A gathered into shared memory feeds
// twice the FLOPs of a 128-wide tile. 128 accumulators a thread, one block per SM.
using Wgmma128x256s4 = WgmmaConvConfig<128, 256, 4, 1>;  // 193 KB
// [wgmma-config]

// [chunks]
/// The i-th chunk thread `thread` copies of a k-tile, in either tile: (row, first step).
/// Consecutive threads take consecutive chunks along a row; chunk i is i passes lower.
template <class Cfg>
LADDER_HOST_DEVICE constexpr RowCol copy_row_col(int thread, int i) {
  return {thread / Cfg::kChunksPerRow + i * Cfg::kRowsPerPass, thread % Cfg::kChunksPerRow * mma::kChunkElements};
}
// [chunks]

// [lane-addresses]
/// The row of B (output channel, in the block tile) and first step that `lane` hands to
/// plain ldmatrix.x4 for the pair of 8-channel mma tiles 2·pair, 2·pair + 1, k-step `ks`.
LADDER_HOST_DEVICE constexpr RowCol b_ldmatrix_row_col(RowCol warp_at, int lane, int pair, int ks) {
  const RowCol in_tile = mma::ldmatrix_b_row_col(lane);
  return {warp_at.col + pair * 2 * mma::kMmaN + in_tile.row, ks * mma::kMmaK + in_tile.col};
}

/// Row addresses (elements from the tile's start) for mma tile 0 / pair 0 of k-step ks;
/// mma tile mi is mi · kAMmaTileElements further on, pair p is p · kBPairElements.
template <class Cfg>
LADDER_HOST_DEVICE constexpr int a_ldmatrix_offset(RowCol warp_at, int lane, int ks) {
  const RowCol at = mma_sync::a_ldmatrix_row_col(warp_at, lane, 0, ks);
  return Cfg::ATile::offset(at.row, at.col);
}
template <class Cfg>
LADDER_HOST_DEVICE constexpr int b_ldmatrix_offset(RowCol warp_at, int lane, int ks) {
  const RowCol at = b_ldmatrix_row_col(warp_at, lane, 0, ks);
  return Cfg::BTile::offset(at.row, at.col);
}
// [lane-addresses]

}  // namespace ladder::implicit_gemm
