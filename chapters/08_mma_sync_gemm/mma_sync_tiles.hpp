/// \file mma_sync_tiles.hpp
/// \brief Chapter 08's index arithmetic, with no CUDA in it: the tile configuration, the
/// shared-memory layouts, which thread copies which 16-byte chunk, where each lane points
/// ldmatrix, which element of C each accumulator is, and the order blocks walk the grid.
///
/// The kernels (mma_sync_gemm.cuh) call every function here; the CPU tests
/// (test_mma_sync_model.cpp, through the host model in mma_sync_model.hpp) call the same
/// functions, so a passing CPU test vouches for the kernel's addressing. The per-lane
/// fragment tables, the ldmatrix row rule and the swizzle itself come from
/// common/gemm/mma_layout.hpp and are tested there.
#pragma once

#include <type_traits>

#include "common/gemm/mma_layout.hpp"

namespace ladder::mma_sync {

using mma::RowCol;

/// Which tile of C a block computes, counted in block tiles.
struct BlockPlace {
  int row, col;
  LADDER_HOST_DEVICE constexpr bool operator==(const BlockPlace& other) const {
    return row == other.row && col == other.col;
  }
};

// [grouped-order]
/// Block `block` of a 1-D grid of grid_m × grid_n blocks → the block tile it computes.
/// Blocks are taken in bands of `group_rows` block rows; inside a band, consecutive blocks
/// walk down a column of the band, then move one column right. The last band may be
/// shorter. group_rows = 1 is plain row-major order. A bijection of the grid (CPU-tested).
///
/// Why: blocks that run at the same time share the slabs of A and B they read. Row-major,
/// one wave of blocks spans a few block rows but every block column: all of B. Grouped, a
/// wave covers a squarer patch of C, so fewer distinct slabs, and more of them hit in L2.
LADDER_HOST_DEVICE constexpr BlockPlace grouped_block_place(int block, int grid_n, int grid_m, int group_rows) {
  const int band_blocks = group_rows * grid_n;  // blocks in one full band
  const int band = block / band_blocks;
  const int first_row = band * group_rows;
  const int rows = grid_m - first_row < group_rows ? grid_m - first_row : group_rows;  // this band's rows
  const int in_band = block - band * band_blocks;
  return {first_row + in_band % rows, in_band / rows};
}
// [grouped-order]

// [shared-tile]
/// How a stage stores a tile (a type, so that kernel names say it: Nsight, ptxas tables).
struct PaddedRows {};    // each row one chunk (8 bf16) longer than its data (08a)
struct SwizzledRows {};  // rows as long as their data, chunks XOR-swizzled within each row (08b on)

/// A Rows × Cols bf16 tile in shared memory: where logical (row, col) lives, and its size.
/// Both layouts keep the 8 bf16 of a 16-byte chunk together and in order, so one cp.async
/// fills a chunk and one ldmatrix row address names one.
template <class Layout, int Rows, int Cols>
struct SharedTile {
  static constexpr bool kPadded = std::is_same_v<Layout, PaddedRows>;
  static_assert(kPadded || std::is_same_v<Layout, SwizzledRows>, "a layout is PaddedRows or SwizzledRows");
  static constexpr int kRows = Rows, kCols = Cols;
  static constexpr int kChunksPerRow = Cols / mma::kChunkElements;
  static constexpr int kRowElements = kPadded ? Cols + mma::kChunkElements : Cols;
  static constexpr int kElements = Rows * kRowElements;
  /// Both layouts repeat every 8 rows: offset(row + 8, col) = offset(row, col) + 8 rows of
  /// elements (the swizzle's XOR term depends on row % 8, or on row / 2 % 4). So the kernel
  /// finds a lane's address once and reaches 8·j rows lower with a constant (CPU-tested).
  static constexpr int kRepeatRows = 8;

  static_assert(Cols % mma::kChunkElements == 0, "rows are whole 16-byte chunks");
  static_assert(!kPadded || kRowElements / mma::kChunkElements % 2 == 1,
                "padded rows are an odd number of chunks, so 8 consecutive rows start in 8 bank groups");
  static_assert(kPadded || kChunksPerRow == 4 || kChunksPerRow == 8 || kChunksPerRow == 16 || kChunksPerRow == 32,
                "mma::swizzled_chunk is conflict-free for rows of 4, 8, 16 or 32 chunks");

  static constexpr LADDER_HOST_DEVICE int offset(int row, int col) {
    if constexpr (kPadded)
      return mma::padded_offset(row, col, kRowElements);
    else
      return mma::swizzled_offset(row, col, kChunksPerRow);
  }
};
// [shared-tile]

// [tile-config]
/// One configuration of the kernel. The block computes a BM × BN tile of C, walking k in
/// steps of BK; its warps form a (BM / WM) × (BN / WN) grid of WM × WN warp tiles; each
/// warp tile is (WM / 16) × (WN / 8) mma.sync tiles of 16 × 8, and each k-tile is BK / 16
/// mma k-steps. Stages = k-tiles resident in shared memory (1: load, then multiply).
template <int BM, int BN, int BK, int WM, int WN, int Stages, class Layout, int GroupRows = 1>
struct TileConfig {
  static constexpr int kBM = BM, kBN = BN, kBK = BK, kWM = WM, kWN = WN;
  static constexpr int kStages = Stages;
  static constexpr int kGroupRows = GroupRows;  // block order: bands of this many block rows (1: row-major)
  static constexpr bool kInterleaved = false;   // 08e: a k-tile's loads spread over its k-steps
  static constexpr int kWarpsM = BM / WM, kWarpsN = BN / WN;
  static constexpr int kThreads = kWarpsM * kWarpsN * mma::kWarpSize;
  static constexpr int kMmaTilesM = WM / mma::kMmaM;  // 16-row mma tiles down a warp tile
  static constexpr int kMmaTilesN = WN / mma::kMmaN;  // 8-column mma tiles across it
  static constexpr int kKSteps = BK / mma::kMmaK;     // mma k-steps per k-tile

  using ATile = SharedTile<Layout, BM, BK>;  // (m, k): k contiguous, as A is in global memory
  using BTile = SharedTile<Layout, BK, BN>;  // (k, n): n contiguous, as B is
  static constexpr int kStageElements = ATile::kElements + BTile::kElements;
  static constexpr int kStageBytes = kStageElements * 2;  // bf16
  static constexpr int kSmemBytes = Stages * kStageBytes;
  static constexpr int kAChunksPerThread = BM * BK / mma::kChunkElements / kThreads;  // cp.async copies per k-tile
  static constexpr int kBChunksPerThread = BK * BN / mma::kChunkElements / kThreads;
  static constexpr int kARowsPerPass = kThreads / (BK / mma::kChunkElements);  // rows of A all threads copy at once
  static constexpr int kBRowsPerPass = kThreads / (BN / mma::kChunkElements);
  // Constant steps through the shared tiles, in elements (whole rows: see kRepeatRows).
  static constexpr int kAPassElements = kARowsPerPass * ATile::kRowElements;  // a thread's next chunk of A
  static constexpr int kBPassElements = kBRowsPerPass * BTile::kRowElements;  // a thread's next chunk of B
  static constexpr int kAMmaTileElements = mma::kMmaM * ATile::kRowElements;  // the next 16-row mma tile of A
  static constexpr int kBKStepElements = mma::kMmaK * BTile::kRowElements;    // the next k-step of B

  static_assert(BM % WM == 0 && BN % WN == 0, "the block tile splits into whole warp tiles");
  static_assert(WM % mma::kMmaM == 0, "a warp tile is whole 16-row mma tiles");
  static_assert(WN % (2 * mma::kMmaN) == 0, "one ldmatrix.x4.trans gives B for two 8-column mma tiles");
  static_assert(BK % mma::kMmaK == 0, "a k-tile is whole 16-deep mma k-steps");
  static_assert(kAChunksPerThread * kThreads * mma::kChunkElements == BM * BK &&
                    kBChunksPerThread * kThreads * mma::kChunkElements == BK * BN,
                "every thread copies the same whole number of chunks of each tile");
  static_assert(kThreads % (BK / mma::kChunkElements) == 0 && kThreads % (BN / mma::kChunkElements) == 0,
                "a pass of all threads copies whole rows");
  static_assert(kARowsPerPass % ATile::kRepeatRows == 0 && kBRowsPerPass % BTile::kRepeatRows == 0 &&
                    mma::kMmaM % ATile::kRepeatRows == 0 && mma::kMmaK % BTile::kRepeatRows == 0,
                "the kernel steps through the tiles in whole periods of the layout (see kRepeatRows)");
  static_assert(Stages >= 1, "at least the stage being multiplied");
  static_assert(kThreads <= 256, "at most 8 warps: 256 threads of up to 255 registers fit the SM's 65 536");
  static_assert(kSmemBytes <= 99 * 1024,
                "at most 99 KB of shared memory per block: the smallest sm_80+ limit (sm_86, sm_89)");
  // [tile-config]

  /// Where warp `warp`'s tile starts in the block tile: warps fill the block row by row.
  /// A configuration may hide this to arrange its warps differently (exercise 1).
  static constexpr LADDER_HOST_DEVICE RowCol warp_origin(int warp) {
    return {warp / kWarpsN * WM, warp % kWarpsN * WN};
  }

  /// Block `block` of the 1-D grid → its block tile (grouped_block_place).
  static constexpr LADDER_HOST_DEVICE BlockPlace block_place(int block, int grid_n, int grid_m) {
    return grouped_block_place(block, grid_n, grid_m, GroupRows);
  }
};

// [chunks]
/// The i-th 16-byte chunk thread `thread` copies of a k-tile of A: (row, first col) in the
/// BM × BK tile. Consecutive threads take consecutive chunks along a row, so a warp copies
/// whole rows of A (8 rows of 64 bytes for BK = 32, 4 of 128 for BK = 64), and chunk i lies
/// i passes of kARowsPerPass rows below chunk 0.
template <class Cfg>
LADDER_HOST_DEVICE constexpr RowCol a_chunk(int thread, int i) {
  constexpr int per_row = Cfg::kBK / mma::kChunkElements;
  return {thread / per_row + i * Cfg::kARowsPerPass, thread % per_row * mma::kChunkElements};
}

/// The same for B's BK × BN tile: a warp copies one row of B (512 bytes, BN = 256) or two
/// rows of 256 bytes (BN = 128).
template <class Cfg>
LADDER_HOST_DEVICE constexpr RowCol b_chunk(int thread, int i) {
  constexpr int per_row = Cfg::kBN / mma::kChunkElements;
  return {thread / per_row + i * Cfg::kBRowsPerPass, thread % per_row * mma::kChunkElements};
}
// [chunks]

// [stage-offsets]
/// Where thread `thread` puts its first chunk of A in the A tile (elements from the tile's
/// start); chunk i goes i · kAPassElements further on, whole rows lower (kRepeatRows). The
/// CPU test checks that this is ATile::offset of a_chunk(thread, i) for every i.
template <class Cfg>
LADDER_HOST_DEVICE constexpr int a_copy_offset(int thread) {
  const RowCol at = a_chunk<Cfg>(thread, 0);
  return Cfg::ATile::offset(at.row, at.col);
}
/// The same for B: chunk i goes i · kBPassElements further on.
template <class Cfg>
LADDER_HOST_DEVICE constexpr int b_copy_offset(int thread) {
  const RowCol at = b_chunk<Cfg>(thread, 0);
  return Cfg::BTile::offset(at.row, at.col);
}
// [stage-offsets]

// [lane-addresses]
/// The row of A (m, in the block tile) and first k that `lane` hands to ldmatrix.x4 for mma
/// tile `mi` of the warp tile at `warp_at`, k-step `ks`: the 16 × 16 A operand of that mma.
LADDER_HOST_DEVICE constexpr RowCol a_ldmatrix_row_col(RowCol warp_at, int lane, int mi, int ks) {
  const RowCol in_tile = mma::ldmatrix_a_row_col(lane);
  return {warp_at.row + mi * mma::kMmaM + in_tile.row, ks * mma::kMmaK + in_tile.col};
}

/// The row of B (k) and first n that `lane` hands to ldmatrix.x4.trans for the pair of
/// 8-column mma tiles 2·pair and 2·pair + 1 of the warp tile, k-step `ks`.
LADDER_HOST_DEVICE constexpr RowCol b_ldmatrix_row_col(RowCol warp_at, int lane, int pair, int ks) {
  const RowCol in_tile = mma::ldmatrix_b_trans_row_col(lane);
  return {ks * mma::kMmaK + in_tile.row, warp_at.col + pair * 2 * mma::kMmaN + in_tile.col};
}

/// The row address (elements from the A tile's start) `lane` gives ldmatrix.x4 for mma tile
/// mi = 0 of k-step ks; mma tile mi is mi · kAMmaTileElements further on.
template <class Cfg>
LADDER_HOST_DEVICE constexpr int a_ldmatrix_offset(RowCol warp_at, int lane, int ks) {
  const RowCol at = a_ldmatrix_row_col(warp_at, lane, 0, ks);
  return Cfg::ATile::offset(at.row, at.col);
}
/// The row address (elements from the B tile's start) `lane` gives ldmatrix.x4.trans for the
/// n-tile pair `pair` of k-step 0; k-step ks is ks · kBKStepElements further on.
template <class Cfg>
LADDER_HOST_DEVICE constexpr int b_ldmatrix_offset(RowCol warp_at, int lane, int pair) {
  const RowCol at = b_ldmatrix_row_col(warp_at, lane, pair, 0);
  return Cfg::BTile::offset(at.row, at.col);
}

/// The element of the block tile that accumulator e of `lane` holds in mma tile (mi, ni).
/// Accumulators e and e + 1 (e even) are neighbours in a row: the epilogue stores them as a pair.
LADDER_HOST_DEVICE constexpr RowCol c_row_col(RowCol warp_at, int lane, int mi, int ni, int e) {
  const RowCol in_tile = mma::c_fragment_element(lane, e);
  return {warp_at.row + mi * mma::kMmaM + in_tile.row, warp_at.col + ni * mma::kMmaN + in_tile.col};
}
// [lane-addresses]

// [interleaved-schedule]
/// Copy groups a thread of 08e (or 08c) may leave in flight at its wait: the newest
/// kStages - 2. Group g holds the copies of k-tile g. At k-tile t's wait, 08e has issued
/// kStages + t groups (that k-tile's went out in its k-step 0), which leaves groups
/// 0 .. t + 1 landed; 08c, waiting before its k-tile's copies, kStages - 1 + t: 0 .. t.
LADDER_HOST_DEVICE constexpr int groups_left_in_flight(int stages) { return stages - 2; }

/// What k-step `k_step` of k-tile `k_tile` of 08e's main loop does before its mma.sync.
struct InterleavedStep {
  bool wait_then_sync;  ///< wait for this thread's copies of k-tile k_tile + 1, then the barrier
  bool load_fragments;  ///< load the next k-step's fragments (all but the loop's very last k-step)
  int fragment_stage;   ///< ... from this stage
  int fragment_k_step;  ///< ... and this k-step of it
  int load_set;         ///< ... into this of the two register sets
  bool issue_copies;    ///< issue copy_k_tile's copies (if it exists) and commit a group
  int copy_k_tile;      ///< the k-tile kStages - 1 ahead, into stage copy_k_tile % kStages
  int mma_set;          ///< the register set this k-step multiplies: the one loaded a step before
};

/// 08e's schedule, a pure function so that the CPU test can play a whole block of it
/// (test_mma_sync_model.cpp, Chapter08Schedule): every warp, copies landing late.
///
/// The barrier comes in the last k-step, after which nobody reads k-tile k_tile's stage
/// again, and before the next k-tile's first fragments are read. The next k-step's
/// fragments are loaded before this one's mma.sync, from the next k-tile's stage after the
/// barrier. The copies go out in k-step 0, after the first loads, into the stage of k-tile
/// k_tile - 1 (k_tile + kStages - 1 modulo kStages), which every warp left before the
/// last barrier. The two register sets alternate by k-step, so with an even kKSteps the
/// prologue's set 0 is what every k-tile's first k-step multiplies.
LADDER_HOST_DEVICE constexpr InterleavedStep interleaved_step(int k_tile, int k_step, int k_steps, int stages,
                                                              int k_tiles) {
  const bool last = k_step == k_steps - 1;
  return {last,
          !last || k_tile + 1 < k_tiles,
          (k_tile + (last ? 1 : 0)) % stages,
          last ? 0 : k_step + 1,
          (k_step + 1) % 2,
          k_step == 0,
          k_tile + stages - 1,
          k_step % 2};
}
// [interleaved-schedule]

}  // namespace ladder::mma_sync
