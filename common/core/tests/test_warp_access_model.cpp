// The sector and bank-conflict counts of the lessons and worked solutions, on the CPU.
#include <gtest/gtest.h>

#include "common/core/warp_access_model.hpp"

namespace ladder::model {
namespace {

constexpr int kLd = 1024;  // leading dimension whose rows start on a sector

/// Chapter 01's map for a block of block_rows × block_cols threads (threadIdx.x along m).
auto naive_map(int block_rows) {
  return [=](int t) { return rows_fastest(t, block_rows); };
}
/// Chapter 02's map for a tile tile_cols wide (the thread number walks along a row).
auto coalesced_map(int tile_cols) {
  return [=](int t) { return cols_fastest(t, tile_cols); };
}

/// Every warp of a block of `threads` threads, at every step p in 0..7, costs `expected`.
template <class CellOf>
void expect_every_warp(CellOf cell_of, int threads, int ldb, DotStepSectors expected) {
  for (int warp = 0; warp < threads / kWarpSize; ++warp)
    for (int p = 0; p < 8; ++p) {
      const DotStepSectors got = dot_step_sectors(warp, cell_of, kLd, ldb, kLd, p);
      EXPECT_EQ(got.a, expected.a) << "warp " << warp << " p " << p;
      EXPECT_EQ(got.b, expected.b) << "warp " << warp << " p " << p;
      EXPECT_EQ(got.c, expected.c) << "warp " << warp << " p " << p;
    }
}

TEST(WarpAccessModel, CountsSectorsAndWavefronts) {
  WarpAddresses same{}, consecutive{}, strided{};
  for (int lane = 0; lane < kWarpSize; ++lane) {
    same[lane] = 64;
    consecutive[lane] = 4 * lane;
    strided[lane] = 128 * lane;  // every lane in bank 0, its own sector
  }
  EXPECT_EQ(sectors(same), 1);
  EXPECT_EQ(sectors(consecutive), 4);
  EXPECT_EQ(sectors(strided), 32);
  EXPECT_EQ(wavefronts(same), 1);  // broadcast
  EXPECT_EQ(wavefronts(consecutive), 1);
  EXPECT_EQ(wavefronts(strided), 32);
  strided[5] = -1;  // an inactive lane takes no part
  EXPECT_EQ(sectors(strided), 31);
  EXPECT_EQ(wavefronts(strided), 31);
  strided[0] = -1;  // inactive before a lane of word 0: -1 / 4 is 0 in C++, which must not count as "seen"
  strided[6] = 0;
  EXPECT_EQ(wavefronts(strided), 30) << "lane 6's word 0 shares bank 0 with the 29 other active words";
}

// Chapter 02's table: 33 sectors per warp-step for the naive map, 5 for the coalesced one.
TEST(WarpAccessModel, Chapter02SectorTable) {
  expect_every_warp(naive_map(32), 1024, kLd, {32, 1, 32});
  expect_every_warp(coalesced_map(32), 1024, kLd, {1, 4, 4});
  // A row of B that does not start on a sector: 32 floats straddle 5 sectors.
  EXPECT_EQ(dot_step_sectors(0, coalesced_map(32), kLd, 1001, kLd, 1).b, 5);
}

// Chapter 01, exercise 3: fewer rows per warp, fewer sectors of A.
TEST(WarpAccessModel, Chapter01BlockShapes) {
  expect_every_warp(naive_map(16), 16 * 16, kLd, {16, 1, 16});  // a warp: 16 rows x 2 columns
  expect_every_warp(naive_map(8), 8 * 32, kLd, {8, 1, 8});      // a warp: 8 rows x 4 columns
}

// Chapter 02, exercise 3: a warp over two rows of 16 columns costs 4 sectors per step, not 5.
TEST(WarpAccessModel, Chapter02TwoRowsPerWarp) {
  expect_every_warp(coalesced_map(16), 16 * 16, kLd, {2, 2, 4});
  EXPECT_EQ(dot_step_sectors(0, coalesced_map(16), kLd, 1001, kLd, 1).b, 3);  // unaligned row of B
}

/// Global load requests and sectors of a whole one-element-per-thread kernel at
/// n × n × n with square tiles of `tile` (every block alike: n a multiple of tile and of 8).
template <class CellOf>
void totals(CellOf cell_of, int tile, int n, long long& requests, long long& sectors_read) {
  requests = sectors_read = 0;
  for (int warp = 0; warp < tile * tile / kWarpSize; ++warp)
    for (int p = 0; p < n; ++p) {
      const DotStepSectors step = dot_step_sectors(warp, cell_of, n, n, n, p);
      requests += 2;  // one load of A, one of B
      sectors_read += step.a + step.b;
    }
  const long long blocks = (long long)(n / tile) * (n / tile);
  requests *= blocks;
  sectors_read *= blocks;
}

// Chapter 02, exercise 2: what Nsight Compute should report at 1024³ for the loads
// (l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum, l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum).
TEST(WarpAccessModel, Chapter02NsightPrediction) {
  long long requests = 0, sectors_read = 0;
  totals(naive_map(32), 32, 1024, requests, sectors_read);
  EXPECT_EQ(requests, 67'108'864);         // 32,768 warps × 1024 steps × 2 loads
  EXPECT_EQ(sectors_read, 1'107'296'256);  // × 33 sectors per step
  EXPECT_DOUBLE_EQ(double(sectors_read) / requests, 16.5);
  totals(coalesced_map(32), 32, 1024, requests, sectors_read);
  EXPECT_EQ(requests, 67'108'864);
  EXPECT_EQ(sectors_read, 167'772'160);  // × 5 sectors per step
  EXPECT_DOUBLE_EQ(double(sectors_read) / requests, 2.5);
}

// Chapter 03: the chapter's tiles are conflict-free; exercise 3 transposes b_tile.
TEST(WarpAccessModel, Chapter03TransposedB) {
  for (int warp = 0; warp < 32; ++warp)  // warp = row ty of the block, lane = tx
    for (int p = 0; p < 32; ++p) {
      EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return (t / 32) * 32 + p; }), 1);  // a_tile[ty][p]
      EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return p * 32 + t % 32; }), 1);    // b_tile[p][tx]
      for (int row = 32; row <= 33; ++row) {
        const int ways = row == 32 ? 32 : 1;
        EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return (t % 32) * row + t / 32; }), ways);  // b_tile[tx][ty] =
        EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return (t % 32) * row + p; }), ways);       // b_tile[tx][p]
      }
    }
}

// Chapter 03, exercise 2: with 16-wide tiles a warp spans two rows, still conflict-free.
TEST(WarpAccessModel, Chapter03Tile16) {
  for (int warp = 0; warp < 8; ++warp)
    for (int p = 0; p < 16; ++p) {
      EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return (t / 16) * 16 + p; }), 1);  // a_tile[ty][p]
      EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return p * 16 + t % 16; }), 1);    // b_tile[p][tx]
      EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return t; }), 1);                  // the staging stores
    }
}

// Chapter 04, exercise 3: 1-D tiling along n. a_tile (rows of 8 floats) and b_tile (rows of 64).
TEST(WarpAccessModel, Chapter04OneDimensionalAlongN) {
  constexpr int kBK = 8, kBN = 64, kTM = 8, kTN = 8;
  for (int warp = 0; warp < 16; ++warp)
    for (int p = 0; p < kBK; ++p) {
      // The chapter: a thread owns rows ty*8.. of column tx (ty = t / 64): a_tile is one word per warp.
      for (int i = 0; i < kTM; ++i)
        EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return ((t / kBN) * kTM + i) * kBK + p; }), 1);
      EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return p * kBN + t % kBN; }), 1);
      // The exercise: a thread owns columns tx*8.. of row ty (ty = t / 8, tx = t % 8).
      EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return (t / 8) * kBK + p; }), 1);  // 4 words, broadcast to 8
      for (int j = 0; j < kTN; ++j)  // 8 words 8 apart: tx and tx + 4 share a bank
        EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return p * kBN + (t % 8) * kTN + j; }), 2);
    }
}

// Chapter 05, exercise 3: with BK = 16 the transposing stores of A into a_tile
// (rows of 128 + 4 floats) stay conflict-free only if a warp covers columns 0..7
// of k (ac = 0, 4) rather than 0..15 (ac = 0, 4, 8, 12, where rows ac and ac + 8
// start in the same bank).
TEST(WarpAccessModel, Chapter05TransposedStoresWithBk16) {
  constexpr int kRow = 128 + 4;
  for (int warp = 0; warp < 8; ++warp)
    for (int load = 0; load < 2; ++load)
      for (int c = 0; c < 4; ++c) {
        // The chapter's map extended: element e = t + 256·load, row e / 4, k-column e % 4 · 4.
        EXPECT_EQ(shared_wavefronts(warp,
                                    [&](int t) {
                                      const int e = t + 256 * load;
                                      return (e % 4 * 4 + c) * kRow + e / 4;
                                    }),
                  2);
        // The solution's map: row t / 2, k-column t % 2 · 4 + 8·load.
        EXPECT_EQ(shared_wavefronts(warp, [&](int t) { return (t % 2 * 4 + 8 * load + c) * kRow + t / 2; }), 1);
      }
}

// The wavefront costs per shared load that chapters 03-06 state in their
// generated SASS blocks (the `wavefronts=` of each <!-- sass:begin --> marker),
// from each kernel's index map for warp 0 and 1 of a block (byte addresses
// within the tile; a tile row starts on a 128-byte boundary in every case).
constexpr long long word_bytes(long long word) { return word * kFloatBytes; }

TEST(WarpAccessModel, LessonWavefrontsChapters03And04) {
  for (int warp = 0; warp < 2; ++warp) {
    // 03: 32 × 32 tiles, a warp is one row ty. a_tile[ty][p..p+3] merged into one
    // LDS.128 (a broadcast), b_tile[p][tx] one LDS per step.
    const auto a03 = warp_addresses(warp, [](int t) { return word_bytes((t / 32) * 32 + 4); });
    const auto b03 = warp_addresses(warp, [](int t) { return word_bytes(5 * 32 + t % 32); });
    EXPECT_EQ(vector_wavefronts(a03, 16), 1);
    EXPECT_EQ(vector_wavefronts(b03, 4), 1);
    EXPECT_EQ(shared_load_passes(a03, 16), 2);  // the return path: a broadcast pairs, 4 registers in 2 passes
    EXPECT_EQ(shared_load_passes(b03, 4), 1);
    // 04 1-D: 512 threads as 8 rows of 64, a_tile[64][8], b_tile[8][64].
    const auto a04 = warp_addresses(warp, [](int t) { return word_bytes((t / 64 * 8 + 3) * 8 + 4); });
    const auto b04 = warp_addresses(warp, [](int t) { return word_bytes(5 * 64 + t % 64); });
    EXPECT_EQ(vector_wavefronts(a04, 16), 1);
    EXPECT_EQ(vector_wavefronts(b04, 4), 1);
    EXPECT_EQ(shared_load_passes(a04, 16), 2);
    EXPECT_EQ(shared_load_passes(b04, 4), 1);
    // 04 2-D: 16 × 16 threads, a_tile[128][8] read down a column (2-way), and
    // b_tile[p][tx*8 .. +3] merged into LDS.128s 32 bytes apart (4-way).
    const auto a2d = warp_addresses(warp, [](int t) { return word_bytes((t / 16 * 8 + 3) * 8 + 5); });
    const auto b2d = warp_addresses(warp, [](int t) { return word_bytes(5 * 128 + t % 16 * 8); });
    EXPECT_EQ(vector_wavefronts(a2d, 4), 2);
    EXPECT_EQ(vector_wavefronts(b2d, 16), 4);
    EXPECT_EQ(shared_load_passes(a2d, 4), 2);  // one register a lane, 2-way: 2
    // 4 return passes (neighbouring lanes read different columns) × tx and tx + 4 clashing inside
    // each 8-lane phase: 8, what the H200 measured (3.20 wavefronts per load of 10, chapter 04).
    EXPECT_EQ(phase_conflict(b2d, 16), 2);
    EXPECT_EQ(shared_load_passes(b2d, 16), 8);
  }
}

TEST(WarpAccessModel, LessonWavefrontsChapter05) {
  for (int warp = 0; warp < 8; ++warp) {
    // a_tile[p][ty*4] (rows of 132 floats) and b_tile[p][tx*4] (rows of 128): 1 and 2, 3/2 on average.
    const auto a05 = warp_addresses(warp, [](int t) { return word_bytes(5 * 132 + t / 16 * 4); });
    const auto b05 = warp_addresses(warp, [](int t) { return word_bytes(5 * 128 + t % 16 * 4); });
    EXPECT_EQ(vector_wavefronts(a05, 16), 1);
    EXPECT_EQ(vector_wavefronts(b05, 16), 2);
    // With the return path: A's lanes pair (n and n ^ 1 share ty), B's do not: 2 and 4, 3 on average.
    EXPECT_EQ(shared_load_passes(a05, 16), 2);
    EXPECT_EQ(shared_load_passes(b05, 16), 4);
  }
}

TEST(WarpAccessModel, VectorWavefrontsNeedEnoughPassesForTheBytes) {
  const auto distinct = warp_addresses(0, [](int t) { return word_bytes(4 * t); });  // 512 contiguous bytes
  EXPECT_EQ(vector_wavefronts(distinct, 16), 4);
  const auto words = warp_addresses(0, [](int t) { return word_bytes(t); });
  EXPECT_EQ(vector_wavefronts(words, 4), 1);
  EXPECT_EQ(vector_wavefronts(words, 4), wavefronts(words));
}

// The rule as stated on NVIDIA's forums for compute capability 7.x: the return
// path moves one register of the whole warp (128 bytes) per pass, and lanes that
// pair up on addresses (n with n ^ 1, or n with n ^ 2) halve that.
TEST(WarpAccessModel, ReturnPathPassesFollowThePairingRule) {
  // The forum's example: lane n reads byte n % 4 * 16. 64 bytes, one bank pass,
  // but lanes n and n ^ 1 (or n ^ 2) read different pieces: 4 passes.
  const auto quarter = warp_addresses(0, [](int t) { return word_bytes(t % 4 * 4); });
  EXPECT_EQ(vector_wavefronts(quarter, 16), 1);
  EXPECT_EQ(return_passes(quarter, 16), 4);
  EXPECT_EQ(shared_load_passes(quarter, 16), 4);
  // The same four pieces, paired along n ^ 1 and along n ^ 2: 2 passes.
  const auto pairs1 = warp_addresses(0, [](int t) { return word_bytes(t / 2 % 4 * 4); });
  const auto pairs2 = warp_addresses(0, [](int t) { return word_bytes((t % 2 + t / 4 % 2 * 2) * 4); });
  EXPECT_TRUE(lanes_pair_up(pairs1, 1));
  EXPECT_FALSE(lanes_pair_up(pairs1, 2));
  EXPECT_TRUE(lanes_pair_up(pairs2, 2));
  EXPECT_FALSE(lanes_pair_up(pairs2, 1));
  EXPECT_EQ(shared_load_passes(pairs1, 16), 2);
  EXPECT_EQ(shared_load_passes(pairs2, 16), 2);
  // A broadcast pairs both ways; an 8-byte load needs 2 registers, 1 pass when paired.
  const auto broadcast = warp_addresses(0, [](int) { return word_bytes(12); });
  EXPECT_EQ(shared_load_passes(broadcast, 16), 2);
  EXPECT_EQ(shared_load_passes(broadcast, 8), 1);
  EXPECT_EQ(shared_load_passes(broadcast, 4), 1);
  EXPECT_EQ(shared_load_passes(quarter, 8), 2);
  // Lanes that take no part do not spoil the pairing.
  WarpAddresses half = pairs1;
  for (int lane = 1; lane < kWarpSize; lane += 2) half[lane] = -1;
  EXPECT_EQ(return_passes(half, 16), 2);
  // 512 distinct contiguous bytes: no conflict inside a phase, 4 passes. 8 rows 128 bytes
  // apart, all in one group of 4 banks, clash 8 ways inside every phase: 4 × 8 = 32 (chapter
  // 03 exercise 3's unpadded transposed B, whose measured time fits that count).
  const auto distinct = warp_addresses(0, [](int t) { return word_bytes(4 * t); });
  const auto one_group = warp_addresses(0, [](int t) { return word_bytes(t % 8 * 32); });
  EXPECT_EQ(shared_load_passes(distinct, 16), 4);
  EXPECT_EQ(phase_conflict(one_group, 16), 8);
  EXPECT_EQ(shared_load_passes(one_group, 16), 32);
}

// A phase is 8 lanes of a 16-byte load, 16 of an 8-byte one, the whole warp of a 4-byte one;
// the warp's bank count stays a floor.
TEST(WarpAccessModel, PhasesFollowTheAccessWidth) {
  EXPECT_EQ(lanes_per_phase(16), 8);
  EXPECT_EQ(lanes_per_phase(8), 16);
  EXPECT_EQ(lanes_per_phase(4), 32);
  // Lanes 0-7 and 8-15 read the same bank group in different rows: a conflict across
  // phases only, for 16-byte loads; inside one phase, for 8-byte ones.
  const auto across = warp_addresses(0, [](int t) { return word_bytes(t / 8 % 2 * 32 + t % 8 * 4); });
  EXPECT_EQ(phase_conflict(across, 16), 1);
  EXPECT_EQ(phase_conflict(across, 8), 2);
  EXPECT_EQ(vector_wavefronts(across, 16), 2);
  EXPECT_EQ(shared_load_passes(across, 16), 4);  // 4 return passes, no conflict inside a phase
  // A phase whose lanes all sit out counts no conflict.
  WarpAddresses first_phase_only = across;
  for (int lane = 8; lane < kWarpSize; ++lane) first_phase_only[lane] = -1;
  EXPECT_EQ(phase_conflict(first_phase_only, 16), 1);
}

}  // namespace
}  // namespace ladder::model
