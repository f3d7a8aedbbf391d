// The register and shared-memory layouts of the tensor-core rungs, on the CPU: who owns
// each element of an mma.sync m16n8k16 fragment, which rows the lanes hand to ldmatrix,
// the bank groups of the XOR swizzle, and a host model of one warp's ldmatrix + mma.sync
// step, checked against a plain triple loop (and shown to fail when a mapping is wrong).
#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <random>
#include <vector>

#include "common/gemm/mma_layout.hpp"
#include "common/gemm/testing/mma_warp_model.hpp"

namespace ladder::mma {

// gtest prints a RowCol that fails a check as (row, col); found by argument-dependent lookup.
static void PrintTo(const RowCol& at, std::ostream* os) { *os << "(" << at.row << ", " << at.col << ")"; }

namespace {

constexpr int kChunksPerRow[] = {4, 8, 16, 32};  // rows of 64, 128, 256, 512 bytes
constexpr int kBf16Bytes = 2;
constexpr int kTileRows = 64;  // rows of the shared-memory tiles the tests lay out

// ---------------------------------------------------------------------------
// Fragment ownership
// ---------------------------------------------------------------------------

/// Every element of a rows x cols tile is held by exactly one (lane, e), e < per_lane.
void expect_each_element_owned_once(int rows, int cols, int per_lane, RowCol (*element_of)(int, int)) {
  std::vector<int> owners(rows * cols, 0);
  for (int lane = 0; lane < kWarpSize; ++lane)
    for (int e = 0; e < per_lane; ++e) {
      const RowCol at = element_of(lane, e);
      ASSERT_TRUE(at.row >= 0 && at.row < rows && at.col >= 0 && at.col < cols) << "lane " << lane << " e " << e;
      ++owners[at.row * cols + at.col];
    }
  for (int row = 0; row < rows; ++row)
    for (int col = 0; col < cols; ++col) EXPECT_EQ(owners[row * cols + col], 1) << "(" << row << ", " << col << ")";
}

TEST(MmaFragments, EveryElementHasOneOwner) {
  expect_each_element_owned_once(kMmaM, kMmaK, kAElementsPerLane, a_fragment_element);
  expect_each_element_owned_once(kMmaK, kMmaN, kBElementsPerLane, b_fragment_element);
  expect_each_element_owned_once(kMmaM, kMmaN, kCElementsPerLane, c_fragment_element);
}

// The PTX ISA's tables for m16n8k16 (.bf16 A and B, .f32 C), written the way the ISA
// writes them, case by case, against the header's bit arithmetic.
TEST(MmaFragments, MatchThePtxTables) {
  for (int lane = 0; lane < kWarpSize; ++lane) {
    const int group = lane >> 2, thread = lane % 4;
    for (int i = 0; i < 8; ++i) {
      const int row = (i < 2 || (4 <= i && i < 6)) ? group : group + 8;
      const int col = i < 4 ? thread * 2 + (i & 1) : thread * 2 + (i & 1) + 8;
      EXPECT_EQ(a_fragment_element(lane, i), (RowCol{row, col})) << "lane " << lane << " a" << i;
    }
    for (int i = 0; i < 4; ++i) {
      const int row = i < 2 ? thread * 2 + (i & 1) : thread * 2 + (i & 1) + 8;
      EXPECT_EQ(b_fragment_element(lane, i), (RowCol{row, group})) << "lane " << lane << " b" << i;
      EXPECT_EQ(c_fragment_element(lane, i), (RowCol{i < 2 ? group : group + 8, thread * 2 + (i & 1)}))
          << "lane " << lane << " c" << i;
    }
  }
}

// The accumulators sit where A's registers 0 and 1 sit: a finished C can be the A of a
// later mma without moving between lanes.
TEST(MmaFragments, AccumulatorsHaveTheShapeOfAsFirstRegisters) {
  for (int lane = 0; lane < kWarpSize; ++lane)
    for (int e = 0; e < kCElementsPerLane; ++e) EXPECT_EQ(c_fragment_element(lane, e), a_fragment_element(lane, e));
}

// ---------------------------------------------------------------------------
// ldmatrix row addresses
// ---------------------------------------------------------------------------

/// Each phase (8 lanes) of ldmatrix.x4 points at the 8 rows of one 8 x 8 matrix, matrix i
/// at rows 8*(i%2).., columns 8*(i/2)..; together the four cover the 16 x 16 tile once.
void expect_lanes_cover_tile(RowCol (*row_col_of)(int)) {
  std::array<std::array<int, 16>, 16> reads{};
  for (int lane = 0; lane < kWarpSize; ++lane) {
    const int matrix = lane / 8;
    const RowCol at = row_col_of(lane);
    EXPECT_EQ(at, (RowCol{8 * (matrix % 2) + lane % 8, 8 * (matrix / 2)})) << "lane " << lane;
    ASSERT_TRUE(at.row >= 0 && at.row < 16 && (at.col == 0 || at.col == 8)) << "lane " << lane;
    for (int col = at.col; col < at.col + kChunkElements; ++col) ++reads[at.row][col];
  }
  for (int row = 0; row < 16; ++row)
    for (int col = 0; col < 16; ++col) EXPECT_EQ(reads[row][col], 1) << "(" << row << ", " << col << ")";
}

TEST(Ldmatrix, LanesOfAPointAtEachRowOnce) { expect_lanes_cover_tile(ldmatrix_a_row_col); }
TEST(Ldmatrix, LanesOfBPointAtEachRowOnce) { expect_lanes_cover_tile(ldmatrix_b_trans_row_col); }

// ---------------------------------------------------------------------------
// Bank groups of one ldmatrix phase
// ---------------------------------------------------------------------------

using PhaseBytes = std::array<int, 8>;  // byte offsets of the 8 chunks one phase reads

/// How many chunks of the phase share its busiest bank group: 1 is conflict-free,
/// n an n-way conflict (the 8 chunks are distinct, so none is a broadcast).
int conflict_ways(const PhaseBytes& bytes) {
  std::array<int, kBankGroups> chunks_in_group{};
  int most = 0;
  for (int byte : bytes) {
    const int count = ++chunks_in_group[bank_group(byte)];
    most = count > most ? count : most;
  }
  return most;
}

/// The phase that reads logical chunk `chunk` of rows first_row..first_row+7.
template <class OffsetOf>
PhaseBytes phase_bytes(OffsetOf offset_of, int first_row, int chunk) {
  PhaseBytes bytes{};
  for (int r = 0; r < 8; ++r) bytes[r] = offset_of(first_row + r, chunk * kChunkElements) * kBf16Bytes;
  return bytes;
}

/// The worst phase over every logical chunk and every aligned group of 8 rows.
template <class OffsetOf>
int worst_phase(OffsetOf offset_of, int chunks_per_row) {
  int worst = 0;
  for (int first_row = 0; first_row < kTileRows; first_row += 8)
    for (int chunk = 0; chunk < chunks_per_row; ++chunk) {
      const int ways = conflict_ways(phase_bytes(offset_of, first_row, chunk));
      worst = ways > worst ? ways : worst;
    }
  return worst;
}

TEST(Swizzle, IsABijectionWithinEachRow) {
  for (int chunks_per_row : kChunksPerRow)
    for (int row = 0; row < kTileRows; ++row) {
      std::vector<int> hits(chunks_per_row, 0);
      for (int chunk = 0; chunk < chunks_per_row; ++chunk) {
        const int physical = swizzled_chunk(row, chunk, chunks_per_row);
        ASSERT_TRUE(physical >= 0 && physical < chunks_per_row) << chunks_per_row << " row " << row;
        ++hits[physical];
      }
      for (int physical = 0; physical < chunks_per_row; ++physical)
        EXPECT_EQ(hits[physical], 1) << chunks_per_row << " chunks per row, row " << row;
    }
}

TEST(Swizzle, OffsetsCoverTheTileOnce) {
  for (int chunks_per_row : kChunksPerRow) {
    const int row_elements = chunks_per_row * kChunkElements;
    std::vector<int> hits(kTileRows * row_elements, 0);
    for (int row = 0; row < kTileRows; ++row)
      for (int col = 0; col < row_elements; ++col) {
        const int offset = swizzled_offset(row, col, chunks_per_row);
        ASSERT_TRUE(offset >= 0 && offset < int(hits.size())) << "(" << row << ", " << col << ")";
        ++hits[offset];
      }
    for (int offset = 0; offset < int(hits.size()); ++offset)
      EXPECT_EQ(hits[offset], 1) << chunks_per_row << " chunks per row, offset " << offset;
  }
}

TEST(Swizzle, EveryLdmatrixPhaseIsConflictFree) {
  for (int chunks_per_row : kChunksPerRow) {
    auto swizzled = [=](int row, int col) { return swizzled_offset(row, col, chunks_per_row); };
    EXPECT_EQ(worst_phase(swizzled, chunks_per_row), 1) << chunks_per_row << " chunks per row";
  }
}

// The contrast: unswizzled rows of 64 bytes fold 8 rows onto 2 bank groups (4-way);
// rows of 128 bytes or more put all 8 in one (8-way).
TEST(Swizzle, UnswizzledRowsConflict) {
  const int expected_ways[] = {4, 8, 8, 8};
  for (int w = 0; w < 4; ++w) {
    const int chunks_per_row = kChunksPerRow[w];
    auto plain = [=](int row, int col) { return padded_offset(row, col, chunks_per_row * kChunkElements); };
    EXPECT_EQ(worst_phase(plain, chunks_per_row), expected_ways[w]) << chunks_per_row << " chunks per row";
  }
}

// Rung 1's alternative: rows of 32 bf16 padded by 8 are 5 chunks long, and 5 is odd, so
// 8 consecutive rows start in 8 distinct bank groups. So are 64 + 8 (9 chunks).
TEST(Padding, PaddedRowsAreConflictFree) {
  for (int row_elements : {32, 64}) {
    auto padded = [=](int row, int col) { return padded_offset(row, col, row_elements + kChunkElements); };
    EXPECT_EQ(worst_phase(padded, row_elements / kChunkElements), 1) << row_elements << " + 8";
  }
}

// The lanes' own addresses, for every 16 x 16 A tile of a swizzled shared-memory tile:
// each of the four phases of ldmatrix.x4 is conflict-free.
TEST(Swizzle, LdmatrixOfEverySubTileOfAIsConflictFree) {
  for (int chunks_per_row : kChunksPerRow)
    for (int m0 = 0; m0 < kTileRows; m0 += kMmaM)
      for (int k0 = 0; k0 < chunks_per_row * kChunkElements; k0 += kMmaK)
        for (int phase = 0; phase < 4; ++phase) {
          PhaseBytes bytes{};
          for (int r = 0; r < 8; ++r) {
            const RowCol at = ldmatrix_a_row_col(8 * phase + r);
            bytes[r] = swizzled_offset(m0 + at.row, k0 + at.col, chunks_per_row) * kBf16Bytes;
          }
          EXPECT_EQ(conflict_ways(bytes), 1) << chunks_per_row << " m0 " << m0 << " k0 " << k0 << " phase " << phase;
        }
}

// ---------------------------------------------------------------------------
// One warp's step, through the host model of common/gemm/testing/mma_warp_model.hpp:
// ldmatrix.x4 of A, ldmatrix.x4.trans of B, two mma.sync
// (n 0..7 and n 8..15). The ldmatrix model is written from the PTX ISA's description
// alone; only the mma model reads the fragment tables. If the two disagree, or the lane
// addresses or the swizzle are wrong, the product is wrong.
// ---------------------------------------------------------------------------

using model::Tile16;

/// What the kernel chooses: which row each lane points at, whether B is transposed on
/// the way, and the layout the row addresses assume. A correct plan reads the layout
/// the tiles were stored with (swizzled_offset).
struct WarpStepPlan {
  RowCol (*a_row_col)(int lane) = ldmatrix_a_row_col;
  RowCol (*b_row_col)(int lane) = ldmatrix_b_trans_row_col;
  bool b_trans = true;
  int (*load_offset)(int row, int col, int chunks_per_row) = swizzled_offset;
};

/// Where the 16 x 16 operands sit inside their shared-memory tiles.
struct Placement {
  int chunks_per_row;  // width of both tiles
  int a_row, a_col;    // A's (m0, k0)
  int b_row, b_col;    // B's (k0, n0)
};

/// A tile of kTileRows rows stored swizzled, with `block` at (row0, col0) and a value no
/// operand holds everywhere else, so that reading outside the block shows in the product.
std::vector<float> stored_tile(const Tile16& block, int row0, int col0, int chunks_per_row) {
  std::vector<float> smem(kTileRows * chunks_per_row * kChunkElements, 1000.0f);
  for (int row = 0; row < 16; ++row)
    for (int col = 0; col < 16; ++col) smem[swizzled_offset(row0 + row, col0 + col, chunks_per_row)] = block[row][col];
  return smem;
}

/// D (16 x 16) = A (16 x 16) * B (16 x 16) as one warp computes it: two ldmatrix.x4,
/// then one mma.sync per n-half, each lane's accumulators scattered to D.
Tile16 warp_step(const Tile16& a, const Tile16& b, Placement at, WarpStepPlan plan) {
  const std::vector<float> a_smem = stored_tile(a, at.a_row, at.a_col, at.chunks_per_row);
  const std::vector<float> b_smem = stored_tile(b, at.b_row, at.b_col, at.chunks_per_row);
  std::array<int, kWarpSize> a_rows{}, b_rows{};
  for (int lane = 0; lane < kWarpSize; ++lane) {
    const RowCol in_a = plan.a_row_col(lane), in_b = plan.b_row_col(lane);
    a_rows[lane] = plan.load_offset(at.a_row + in_a.row, at.a_col + in_a.col, at.chunks_per_row);
    b_rows[lane] = plan.load_offset(at.b_row + in_b.row, at.b_col + in_b.col, at.chunks_per_row);
  }
  return model::warp_product(model::ldmatrix_x4(a_smem, a_rows, false),
                             model::ldmatrix_x4(b_smem, b_rows, plan.b_trans));
}

using model::random_tile;
using model::triple_loop;

/// Every placement of the operands at a multiple of 16 inside tiles of every width.
std::vector<Placement> every_placement() {
  std::vector<Placement> placements;
  for (int chunks_per_row : kChunksPerRow)
    for (int row0 = 0; row0 < kTileRows; row0 += 16)
      for (int col0 = 0; col0 < chunks_per_row * kChunkElements; col0 += 16)
        placements.push_back({chunks_per_row, row0, col0, kTileRows - 16 - row0, col0});
  return placements;
}

TEST(WarpStepModel, MatchesTheTripleLoop) {
  std::mt19937 rng(2024);
  for (const Placement& at : every_placement()) {
    const Tile16 a = random_tile(rng), b = random_tile(rng);
    EXPECT_EQ(warp_step(a, b, at, WarpStepPlan{}), triple_loop(a, b))
        << at.chunks_per_row << " chunks per row, A at (" << at.a_row << ", " << at.a_col << ")";
  }
}

// The model can fail: each plan below has one deliberate mistake.
TEST(WarpStepModel, CatchesAWrongPlan) {
  WarpStepPlan swapped_matrices;  // matrices 1 and 2 exchanged: A's k and m halves transposed
  swapped_matrices.a_row_col = [](int lane) { return RowCol{8 * (lane / 16) + lane % 8, 8 * (lane / 8 % 2)}; };
  WarpStepPlan b_not_transposed;  // B read as if it were n-major
  b_not_transposed.b_trans = false;
  WarpStepPlan unswizzled_reads;  // row addresses that ignore the swizzle
  unswizzled_reads.load_offset = [](int row, int col, int chunks_per_row) {
    return padded_offset(row, col, chunks_per_row * kChunkElements);
  };
  std::mt19937 rng(7);
  const Tile16 a = random_tile(rng), b = random_tile(rng);
  const Placement at{8, 16, 16, 32, 48};
  ASSERT_EQ(warp_step(a, b, at, WarpStepPlan{}), triple_loop(a, b));
  EXPECT_NE(warp_step(a, b, at, swapped_matrices), triple_loop(a, b));
  EXPECT_NE(warp_step(a, b, at, b_not_transposed), triple_loop(a, b));
  EXPECT_NE(warp_step(a, b, at, unswizzled_reads), triple_loop(a, b));
}

}  // namespace
}  // namespace ladder::mma
