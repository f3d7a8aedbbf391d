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
#pragma once

#include "chapters/08_mma_sync_gemm/mma_sync_tiles.hpp"
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
