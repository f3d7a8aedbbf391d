/// \file chapters/13_implicit_gemm_conv/test_implicit_gemm_tiles.cpp
/// \brief Chapter 13's kernel addressing on the CPU: the plain-ldmatrix path for an n-major
/// B (one warp's ldmatrix + mma.sync step, modelled from the PTX ISA, against a triple
/// loop), and, for the rung's configuration, which chunks the threads copy, the lanes'
/// ldmatrix addresses, their bank groups and which element each accumulator is.
#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

#include "chapters/13_implicit_gemm_conv/implicit_gemm_tiles.hpp"
#include "common/gemm/testing/mma_warp_model.hpp"

namespace ladder::implicit_gemm {
namespace {

using mma::kChunkElements;
using mma::kWarpSize;

// ---------------------------------------------------------------------------
// One warp's step with B stored n-major and read by plain ldmatrix.x4
// ---------------------------------------------------------------------------

using mma::model::Tile16;

/// How a kernel reads its n-major B: which (n row, k column) each lane points at, .trans or not.
struct BPlan {
  RowCol (*b_row_col)(int lane) = mma::ldmatrix_b_row_col;
  bool trans = false;
};

constexpr int kChunksPerRow = 4;  // BK = 32: the rung's 64-byte rows
constexpr int kTileRows = 64;

/// A swizzled tile of kTileRows × 32 holding `block` at (row0, col0), 1000 elsewhere, so a
/// read outside the block shows in the product.
std::vector<float> stored_tile(const Tile16& block, int row0, int col0) {
  std::vector<float> smem(kTileRows * kChunksPerRow * kChunkElements, 1000.0f);
  for (int row = 0; row < 16; ++row)
    for (int col = 0; col < 16; ++col)
      smem[mma::swizzled_offset(row0 + row, col0 + col, kChunksPerRow)] = block[row][col];
  return smem;
}

/// D (16 × 16) = A (16 m × 16 k) · B (16 k × 16 n), with A stored (m, k) and B stored n-major
/// (n, k), both swizzled, as the kernel stores them: ldmatrix.x4 of each, then one mma per n-half.
Tile16 warp_step(const Tile16& a, const Tile16& b, int a_row, int b_row, int col, BPlan plan) {
  Tile16 b_nmajor{};
  for (int k = 0; k < 16; ++k)
    for (int n = 0; n < 16; ++n) b_nmajor[n][k] = b[k][n];
  const std::vector<float> a_smem = stored_tile(a, a_row, col), b_smem = stored_tile(b_nmajor, b_row, col);
  std::array<int, kWarpSize> a_rows{}, b_rows{};
  for (int lane = 0; lane < kWarpSize; ++lane) {
    const RowCol in_a = mma::ldmatrix_a_row_col(lane), in_b = plan.b_row_col(lane);
    a_rows[lane] = mma::swizzled_offset(a_row + in_a.row, col + in_a.col, kChunksPerRow);
    b_rows[lane] = mma::swizzled_offset(b_row + in_b.row, col + in_b.col, kChunksPerRow);
  }
  return mma::model::warp_product(mma::model::ldmatrix_x4(a_smem, a_rows, false),
                                  mma::model::ldmatrix_x4(b_smem, b_rows, plan.trans));
}

using mma::model::random_tile;
using mma::model::triple_loop;

TEST(Chapter13Ldmatrix, PlainBLanesPointAtEachRowOfTheNMajorTileOnce) {
  std::array<std::array<int, 16>, 16> reads{};  // [n][k]
  for (int lane = 0; lane < kWarpSize; ++lane) {
    const RowCol at = mma::ldmatrix_b_row_col(lane);
    EXPECT_EQ(at.row, 8 * (lane / 16) + lane % 8) << "lane " << lane;
    EXPECT_EQ(at.col, 8 * (lane / 8 % 2)) << "lane " << lane;
    ASSERT_TRUE(at.row >= 0 && at.row < 16 && (at.col == 0 || at.col == 8)) << "lane " << lane;
    for (int k = at.col; k < at.col + kChunkElements; ++k) ++reads[at.row][k];
  }
  for (int n = 0; n < 16; ++n)
    for (int k = 0; k < 16; ++k) EXPECT_EQ(reads[n][k], 1) << "(n " << n << ", k " << k << ")";
}

TEST(Chapter13Ldmatrix, PlainLdmatrixOfAnNMajorBComputesTheProduct) {
  std::mt19937 rng(13);
  for (int a_row = 0; a_row < kTileRows; a_row += 16)
    for (int col = 0; col < kChunksPerRow * kChunkElements; col += 16) {
      const Tile16 a = random_tile(rng), b = random_tile(rng);
      const int b_row = kTileRows - 16 - a_row;
      EXPECT_EQ(warp_step(a, b, a_row, b_row, col, BPlan{}), triple_loop(a, b)) << "A row " << a_row << " col " << col;
    }
}

// The check can fail: each plan has one deliberate mistake.
TEST(Chapter13Ldmatrix, CatchesAWrongBPlan) {
  std::mt19937 rng(8);
  const Tile16 a = random_tile(rng), b = random_tile(rng);
  ASSERT_EQ(warp_step(a, b, 16, 32, 16, BPlan{}), triple_loop(a, b));
  BPlan transposed;  // chapter 08's .trans on an n-major tile
  transposed.trans = true;
  BPlan a_lanes;  // A's lane rule: registers 1 and 2 swap meaning, so n-tile 0 gets n 8..15's k 0..7
  a_lanes.b_row_col = mma::ldmatrix_a_row_col;
  BPlan trans_lanes;  // chapter 08's B lanes with .trans: k rows, n columns, the wrong way round here
  trans_lanes.b_row_col = mma::ldmatrix_b_trans_row_col;
  trans_lanes.trans = true;
  EXPECT_NE(warp_step(a, b, 16, 32, 16, transposed), triple_loop(a, b));
  EXPECT_NE(warp_step(a, b, 16, 32, 16, a_lanes), triple_loop(a, b));
  EXPECT_NE(warp_step(a, b, 16, 32, 16, trans_lanes), triple_loop(a, b));
}

// ---------------------------------------------------------------------------
// The rungs' configurations: 13a/13b's, and 13c's sweep
// ---------------------------------------------------------------------------

TEST(Chapter13Tiles, TheFirstRungsConfiguration) {
  using Cfg = Mma128x128x32s4;
  EXPECT_EQ(Cfg::kThreads, 128);
  EXPECT_EQ(Cfg::kSmemBytes, 65536) << "4 stages of (128 + 128) × 32 bf16";
  EXPECT_EQ(Cfg::kAChunksPerThread, 4);
  EXPECT_EQ(Cfg::kBChunksPerThread, 4);
}

template <class Cfg>
class Chapter13Configs : public ::testing::Test {};
using Configs = ::testing::Types<Mma128x128x32s4, Mma128x64x32s4, Mma64x64x32s4, Mma64x128x32s4, Mma256x128x32s3,
                                 Mma128x128x64s3, Mma64x64x64s3>;
TYPED_TEST_SUITE(Chapter13Configs, Configs);

/// Every chunk of a rows × BK tile is copied by exactly one (thread, i), and the kernel's
/// constant step (kPassElements) reaches the layout's offset of chunk i.
template <class Cfg>
void expect_copies_cover(int rows, int chunks_per_thread, int (*offset)(int, int)) {
  std::vector<int> copies(rows * Cfg::kBK, 0);
  for (int thread = 0; thread < Cfg::kThreads; ++thread)
    for (int i = 0; i < chunks_per_thread; ++i) {
      const RowCol at = copy_row_col<Cfg>(thread, i);
      ASSERT_TRUE(at.row < rows && at.col + kChunkElements <= Cfg::kBK) << "thread " << thread << " i " << i;
      for (int col = at.col; col < at.col + kChunkElements; ++col) ++copies[at.row * Cfg::kBK + col];
      const RowCol first = copy_row_col<Cfg>(thread, 0);
      EXPECT_EQ(offset(first.row, first.col) + i * Cfg::kPassElements, offset(at.row, at.col))
          << "thread " << thread << " i " << i;
    }
  for (int e = 0; e < rows * Cfg::kBK; ++e) EXPECT_EQ(copies[e], 1) << "element " << e;
}

TYPED_TEST(Chapter13Configs, EveryChunkOfAStageIsCopiedOnce) {
  using Cfg = TypeParam;
  expect_copies_cover<Cfg>(Cfg::kBM, Cfg::kAChunksPerThread, Cfg::ATile::offset);
  expect_copies_cover<Cfg>(Cfg::kBN, Cfg::kBChunksPerThread, Cfg::BTile::offset);
}

TYPED_TEST(Chapter13Configs, LdmatrixStepsReachTheLayoutsAddresses) {
  using Cfg = TypeParam;
  for (int warp = 0; warp < Cfg::kThreads / kWarpSize; ++warp)
    for (int lane = 0; lane < kWarpSize; ++lane)
      for (int ks = 0; ks < Cfg::kKSteps; ++ks) {
        const RowCol warp_at = Cfg::warp_origin(warp);
        for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi) {
          const RowCol at = mma_sync::a_ldmatrix_row_col(warp_at, lane, mi, ks);
          EXPECT_EQ(a_ldmatrix_offset<Cfg>(warp_at, lane, ks) + mi * Cfg::kAMmaTileElements,
                    Cfg::ATile::offset(at.row, at.col));
        }
        for (int pair = 0; pair < Cfg::kMmaTilesN / 2; ++pair) {
          const RowCol at = b_ldmatrix_row_col(warp_at, lane, pair, ks);
          EXPECT_EQ(b_ldmatrix_offset<Cfg>(warp_at, lane, ks) + pair * Cfg::kBPairElements,
                    Cfg::BTile::offset(at.row, at.col));
        }
      }
}

/// The most chunks of one ldmatrix phase (8 lanes) that share a bank group: 1 is conflict-free.
int conflict_ways(const std::array<int, 8>& element_offsets) {
  std::array<int, mma::kBankGroups> in_group{};
  int most = 0;
  for (int offset : element_offsets) {
    const int count = ++in_group[mma::bank_group(2 * offset)];
    most = count > most ? count : most;
  }
  return most;
}

TYPED_TEST(Chapter13Configs, EveryLdmatrixPhaseIsConflictFree) {
  using Cfg = TypeParam;
  for (int warp = 0; warp < Cfg::kThreads / kWarpSize; ++warp)
    for (int ks = 0; ks < Cfg::kKSteps; ++ks)
      for (int phase = 0; phase < 4; ++phase) {
        const RowCol warp_at = Cfg::warp_origin(warp);
        for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi) {
          std::array<int, 8> offsets{};
          for (int r = 0; r < 8; ++r) {
            const RowCol at = mma_sync::a_ldmatrix_row_col(warp_at, 8 * phase + r, mi, ks);
            offsets[r] = Cfg::ATile::offset(at.row, at.col);
          }
          EXPECT_EQ(conflict_ways(offsets), 1) << "A warp " << warp << " ks " << ks << " mi " << mi;
        }
        for (int pair = 0; pair < Cfg::kMmaTilesN / 2; ++pair) {
          std::array<int, 8> offsets{};
          for (int r = 0; r < 8; ++r) {
            const RowCol at = b_ldmatrix_row_col(warp_at, 8 * phase + r, pair, ks);
            offsets[r] = Cfg::BTile::offset(at.row, at.col);
          }
          EXPECT_EQ(conflict_ways(offsets), 1) << "B warp " << warp << " ks " << ks << " pair " << pair;
        }
      }
}

/// Who owns each element of a rows × cols block tile: the epilogue stores accumulators in pairs
/// (col, col + 1), and every element must end up with exactly one owner.
class PairOwners {
 public:
  PairOwners(int rows, int cols) : rows_(rows), cols_(cols), owners_(rows * cols, 0) {}
  /// Counts the pair at `at`; false, counting nothing, if it reaches outside the tile.
  bool add(RowCol at) {
    if (at.row < 0 || at.row >= rows_ || at.col < 0 || at.col + 1 >= cols_) return false;
    ++owners_[at.row * cols_ + at.col];
    ++owners_[at.row * cols_ + at.col + 1];
    return true;
  }
  void expect_each_owned_once() const {
    for (int e = 0; e < rows_ * cols_; ++e) EXPECT_EQ(owners_[e], 1) << "element " << e;
  }

 private:
  int rows_, cols_;
  std::vector<int> owners_;
};

TYPED_TEST(Chapter13Configs, AccumulatorsCoverTheBlockTileOnce) {
  using Cfg = TypeParam;
  PairOwners owners(Cfg::kBM, Cfg::kBN);
  for (int warp = 0; warp < Cfg::kThreads / kWarpSize; ++warp)
    for (int lane = 0; lane < kWarpSize; ++lane)
      for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi)
        for (int ni = 0; ni < Cfg::kMmaTilesN; ++ni)
          for (int e = 0; e < mma::kCElementsPerLane; e += 2) {
            const RowCol at = mma_sync::c_row_col(Cfg::warp_origin(warp), lane, mi, ni, e);
            ASSERT_TRUE(owners.add(at));
            EXPECT_EQ(mma_sync::c_row_col(Cfg::warp_origin(warp), lane, mi, ni, e + 1), (RowCol{at.row, at.col + 1}))
                << "the epilogue stores e, e + 1 as neighbouring channels";
          }
  owners.expect_each_owned_once();
}

// ---------------------------------------------------------------------------
// 13g and 13h: the wgmma shapes
// ---------------------------------------------------------------------------

// 13g keeps 13b's gather, which writes chunks where SharedTile's swizzle says. For rows of 64
// bf16 that must be the 128-byte swizzle TMA writes and wgmma reads (chapter 09), or wgmma
// would multiply permuted steps.
TEST(Chapter13Wgmma, TheSwizzleOf64WideRowsIsWgmmas128ByteSwizzle) {
  using Tile = mma_sync::SharedTile<mma_sync::SwizzledRows, 128, 64>;
  for (int row = 0; row < 128; ++row)
    for (int k = 0; k < 64; ++k)
      ASSERT_EQ(Tile::offset(row, k), hopper::sw128_element_offset(row, k)) << row << " " << k;
  // And a 32-wide row (13a's k-tiles) is not: its 64-byte rows swizzle differently.
  using Narrow = mma_sync::SharedTile<mma_sync::SwizzledRows, 128, 32>;
  int differ = 0;
  for (int row = 0; row < 16; ++row)
    for (int k = 0; k < 32; k += 8) differ += Narrow::offset(row, k) % 64 != hopper::sw128_element_offset(row, k) % 64;
  EXPECT_GT(differ, 0);
}

template <class Cfg>
class Chapter13WgmmaConfigs : public ::testing::Test {};
using WgmmaConfigs =
    ::testing::Types<Wgmma128x128s4, Wgmma128x128s3, Wgmma64x128s4, Wgmma128x64s4, Wgmma64x64s4, Wgmma128x256s4>;
TYPED_TEST_SUITE(Chapter13WgmmaConfigs, WgmmaConfigs);

TYPED_TEST(Chapter13WgmmaConfigs, EveryChunkOfAStageIsCopiedOnce) {
  using Cfg = TypeParam;
  expect_copies_cover<Cfg>(Cfg::kBM, Cfg::kAChunksPerThread, Cfg::ATile::offset);
  expect_copies_cover<Cfg>(Cfg::kBN, Cfg::kBChunksPerThread, Cfg::BTile::offset);
}

/// Each warpgroup's wgmma accumulators (chapter 09's layout) cover its 64 rows, and the block's
/// warpgroups the block tile, once; the epilogue's pairs are neighbouring channels.
TYPED_TEST(Chapter13WgmmaConfigs, AccumulatorsCoverTheBlockTileOnce) {
  using Cfg = TypeParam;
  PairOwners owners(Cfg::kBM, Cfg::kBN);
  for (int warpgroup = 0; warpgroup < Cfg::kWarpgroups; ++warpgroup)
    for (int thread = 0; thread < Cfg::kWarpgroupThreads; ++thread)
      for (int reg = 0; reg < Cfg::kAccumulators; reg += 2) {
        const RowCol at = hopper::wgmma_accumulator_at(thread, reg);
        ASSERT_TRUE(owners.add({warpgroup * Cfg::kWgmmaM + at.row, at.col}));
        EXPECT_EQ(hopper::wgmma_accumulator_at(thread, reg + 1), (RowCol{at.row, at.col + 1}));
      }
  owners.expect_each_owned_once();
}

/// wgmma reads each warpgroup's A rows and the whole B tile, k-step by k-step, through the
/// kernel's descriptors (chapter 09's, modelled from the PTX ISA by hopper::k_major_read_address):
/// every 16-byte chunk must be read from where the gather wrote it (SharedTile::offset).
TYPED_TEST(Chapter13WgmmaConfigs, WgmmaReadsEveryChunkWhereTheGatherWroteIt) {
  using Cfg = TypeParam;
  for (std::uint32_t stage : {0x0u, 0x8000u, std::uint32_t(3 * Cfg::kStageElements * 2)}) {
    const std::uint32_t b_start = stage + Cfg::ATile::kElements * 2;
    ASSERT_TRUE(hopper::sw128_tile_start_fits(stage) && hopper::sw128_tile_start_fits(b_start));
    for (int ks = 0; ks < Cfg::kBK / hopper::kWgmmaK; ++ks)
      for (int chunk = 0; chunk < 2; ++chunk) {
        const int k = ks * hopper::kWgmmaK + chunk * kChunkElements;
        for (int warpgroup = 0; warpgroup < Cfg::kWarpgroups; ++warpgroup) {
          const std::uint32_t rows = hopper::sw128_rows_start(stage, warpgroup * Cfg::kWgmmaM);
          for (int row = 0; row < Cfg::kWgmmaM; ++row)
            ASSERT_EQ(hopper::k_major_read_address(hopper::sw128_k_step_descriptor(rows, ks), row, chunk),
                      int(stage) + 2 * Cfg::ATile::offset(warpgroup * Cfg::kWgmmaM + row, k))
                << "A, warpgroup " << warpgroup << " row " << row << " k " << k;
        }
        for (int n = 0; n < Cfg::kBN; ++n)
          ASSERT_EQ(hopper::k_major_read_address(hopper::sw128_k_step_descriptor(b_start, ks), n, chunk),
                    int(b_start) + 2 * Cfg::BTile::offset(n, k))
              << "B, channel " << n << " k " << k;
      }
  }
}

// The check is not blind: the same 64-wide rows, unswizzled, are not where wgmma looks (only
// rows 0, 8, 16, ... whose swizzle leaves every chunk in place agree).
TEST(Chapter13Wgmma, TheReadCheckCatchesAnUnswizzledTile) {
  int misses = 0;
  for (int row = 0; row < 64; ++row)
    for (int chunk = 0; chunk < 2; ++chunk)
      misses += hopper::k_major_read_address(hopper::sw128_k_step_descriptor(0, 1), row, chunk) !=
                2 * (row * 64 + hopper::kWgmmaK + chunk * kChunkElements);
  EXPECT_EQ(misses, 2 * 56) << "every row but the 8 whose row mod 8 is 0";
}

/// Whether the ring of Stages, gathering kLookahead k-tiles ahead and leaving MmaInFlight
/// k-tiles of wgmma running, ever refills a stage still in use. At k-tile i, after the barrier:
/// tile i is being multiplied (its wgmma is issued before the gathers), tiles
/// i - MmaInFlight .. i - 1 may still be read by wgmma (each warpgroup waited until at most
/// MmaInFlight groups ran), and the gathers of tiles i + 1 .. i + lookahead - 1 are in flight;
/// the gathers of tile i + lookahead go to its stage.
bool ring_refills_a_busy_stage(int stages, int lookahead, int mma_in_flight, int k_tiles) {
  for (int i = 0; i < k_tiles; ++i) {
    const int refilled = (i + lookahead) % stages;
    for (int busy = i - mma_in_flight; busy < i + lookahead; ++busy)
      if (busy >= 0 && busy < k_tiles && busy % stages == refilled) return true;
  }
  return false;
}

TYPED_TEST(Chapter13WgmmaConfigs, TheRingNeverRefillsAStageInUse) {
  using Cfg = TypeParam;
  EXPECT_FALSE(ring_refills_a_busy_stage(Cfg::kStages, Cfg::kLookahead, Cfg::kMmaInFlight, 50));
  for (int i = 0; i < 2 * Cfg::kStages; ++i) EXPECT_EQ(Cfg::ring_stage(i), i % Cfg::kStages);
  EXPECT_EQ(Cfg::kSmemBytes, Cfg::kStages * (Cfg::kBM + Cfg::kBN) * 64 * 2 + 1024);
}

TEST(Chapter13Wgmma, TheRingCheckCatchesALookaheadTooFar) {
  // 4 stages, one k-tile of wgmma in flight: gathering 3 ahead (as 13b does with 4 stages and
  // no wgmma in flight) would refill the stage the previous k-tile's wgmma may still read.
  EXPECT_TRUE(ring_refills_a_busy_stage(4, 3, 1, 50));
  EXPECT_FALSE(ring_refills_a_busy_stage(4, 2, 1, 50));
  EXPECT_FALSE(ring_refills_a_busy_stage(4, 3, 0, 50));
}

TEST(Chapter13Wgmma, TheFirstRungsConfiguration) {
  using Cfg = Wgmma128x128s4;
  EXPECT_EQ(Cfg::kThreads, 256) << "two warpgroups of 64 rows";
  EXPECT_EQ(Cfg::kLookahead, 2);
  EXPECT_EQ(Cfg::kSmemBytes, 4 * 32768 + 1024);
  EXPECT_EQ(Cfg::kAChunksPerThread, 4);
  EXPECT_EQ(Cfg::kBChunksPerThread, 4);
}

}  // namespace
}  // namespace ladder::implicit_gemm
