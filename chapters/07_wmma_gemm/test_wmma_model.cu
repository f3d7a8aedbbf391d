/// \file test_wmma_model.cu
/// \brief Chapter 07 on the CPU: 07b's index maps cover its tiles once, the padding spreads rows over the
/// bank groups, every fragment is 256-bit aligned, and the sizes and occupancy the lesson states.
///
///     ctest --test-dir build -R Chapter07Model
///
/// The functions tested are the ones the kernel calls (wmma_gemm.cuh). What
/// cannot be tested here is which lane reads what inside load_matrix_sync:
/// WMMA does not say. The bank model assumes what the SASS of nvcc 13.0 shows
/// (the lesson's "What limits it"): each fragment load instruction reads 16
/// bytes from each of 8 consecutive rows.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>
#include <vector>

#include "chapters/07_wmma_gemm/wmma_gemm.cuh"
#include "common/core/occupancy_model.hpp"

namespace {

using namespace ladder::wmma_gemm;
using Cfg = BlockTile07b;

/// The bank group (16 bytes of the 128-byte line of banks) of a shared-memory byte offset.
int bank_group(int byte_offset) { return byte_offset / 16 % 8; }

/// How many of the 8 bank groups the first 16 bytes of 8 consecutive rows fall in.
int groups_of_eight_rows(int row_stride_bytes) {
  std::set<int> groups;
  for (int r = 0; r < 8; ++r) groups.insert(bank_group(r * row_stride_bytes));
  return int(groups.size());
}

TEST(Chapter07Model, TheChaptersConfiguration) {
  EXPECT_EQ(Cfg::kThreads, 256);
  EXPECT_EQ(Cfg::kFragsM, 4);
  EXPECT_EQ(Cfg::kFragsN, 2);
  EXPECT_EQ(Cfg::kStageElements * 2, 18944) << "a_tile 128 x 40 and b_tile 32 x 136 bf16";
  EXPECT_EQ(Cfg::kSmemBytes, 56832) << "3 stages: above 48 KB, so the launch opts in";
  EXPECT_EQ(Cfg::kMinBlocksPerSm, 2) << "__launch_bounds__(256, 2): at most 128 registers";
}

TEST(Chapter07Model, WarpsOwnEveryFragmentOfTheBlockTileOnce) {
  std::vector<int> owners((Cfg::kBM / kFragM) * (Cfg::kBN / kFragN), 0);
  for (int warp = 0; warp < Cfg::kWarps; ++warp) {
    const WarpPlace w = Cfg::warp_place(warp);
    for (int i = 0; i < Cfg::kFragsM; ++i)
      for (int j = 0; j < Cfg::kFragsN; ++j) {
        const int row = w.row + i * kFragM, col = w.col + j * kFragN;
        ASSERT_TRUE(row >= 0 && row < Cfg::kBM && col >= 0 && col < Cfg::kBN) << "warp " << warp;
        ++owners[row / kFragM * (Cfg::kBN / kFragN) + col / kFragN];
      }
  }
  for (int owner_count : owners) EXPECT_EQ(owner_count, 1);
}

TEST(Chapter07Model, ThreadsCopyEveryElementOfBothTilesOnce) {
  std::vector<int> a_copies(Cfg::kBM * Cfg::kBK, 0), b_copies(Cfg::kBK * Cfg::kBN, 0);
  for (int thread = 0; thread < Cfg::kThreads; ++thread) {
    for (int l = 0; l < Cfg::kAChunks; ++l) {
      const ChunkPlace p = Cfg::a_chunk(thread + l * Cfg::kThreads);
      ASSERT_TRUE(p.row < Cfg::kBM && p.col + 8 <= Cfg::kBK);
      for (int e = 0; e < 8; ++e) ++a_copies[p.row * Cfg::kBK + p.col + e];
    }
    for (int l = 0; l < Cfg::kBChunks; ++l) {
      const ChunkPlace p = Cfg::b_chunk(thread + l * Cfg::kThreads);
      ASSERT_TRUE(p.row < Cfg::kBK && p.col + 8 <= Cfg::kBN);
      for (int e = 0; e < 8; ++e) ++b_copies[p.row * Cfg::kBN + p.col + e];
    }
  }
  for (int count : a_copies) EXPECT_EQ(count, 1);
  for (int count : b_copies) EXPECT_EQ(count, 1);
}

// The padding rule of rows_in_distinct_bank_groups, counted: padded rows of A
// (80 bytes) and B (272 bytes) put 8 consecutive rows in 8 bank groups; the
// unpadded 64 and 256 bytes in 2 and 1, a 4-way and an 8-way conflict.
TEST(Chapter07Model, PaddedRowsStartInEightBankGroups) {
  EXPECT_EQ(groups_of_eight_rows(Cfg::kLdA * 2), 8);
  EXPECT_EQ(groups_of_eight_rows(Cfg::kLdB * 2), 8);
  EXPECT_EQ(groups_of_eight_rows(Cfg::kBK * 2), 2);
  EXPECT_EQ(groups_of_eight_rows(Cfg::kBN * 2), 1);
  EXPECT_EQ(groups_of_eight_rows(kStagingLd * 4), 8);
  for (int stride = 16; stride <= 512; stride += 16)
    EXPECT_EQ(rows_in_distinct_bank_groups(stride), groups_of_eight_rows(stride) == 8) << stride << " bytes";
}

// A warp's 32 cp.async chunks of one copy step land 4 in each bank group: 4
// wavefronts for 512 bytes, the fewest possible.
TEST(Chapter07Model, EachWarpsCopiesFillTheBankGroupsEvenly) {
  for (int warp = 0; warp < Cfg::kWarps; ++warp)
    for (int l = 0; l < Cfg::kAChunks; ++l) {
      std::array<int, 8> a_groups{}, b_groups{};
      for (int lane = 0; lane < 32; ++lane) {
        const int chunk = warp * 32 + lane + l * Cfg::kThreads;
        const ChunkPlace a = Cfg::a_chunk(chunk), b = Cfg::b_chunk(chunk);
        ++a_groups[bank_group((a.row * Cfg::kLdA + a.col) * 2)];
        ++b_groups[bank_group((Cfg::kBM * Cfg::kLdA + b.row * Cfg::kLdB + b.col) * 2)];
      }
      for (int g = 0; g < 8; ++g) {
        EXPECT_EQ(a_groups[g], 4) << "warp " << warp << " step " << l << " group " << g;
        EXPECT_EQ(b_groups[g], 4) << "warp " << warp << " step " << l << " group " << g;
      }
    }
}

// The epilogue: each lane reads two float4s of row lane / 2 of the staging
// tile; each of the two loads spreads the warp's 32 chunks 4 to a bank group.
TEST(Chapter07Model, StagingReadsTakeFourWavefrontsEach) {
  for (int half = 0; half < 2; ++half) {
    std::array<int, 8> groups{};
    for (int lane = 0; lane < 32; ++lane) ++groups[bank_group((lane / 2 * kStagingLd + lane % 2 * 8 + half * 4) * 4)];
    for (int g = 0; g < 8; ++g) EXPECT_EQ(groups[g], 4) << "group " << g;
  }
}

// load_matrix_sync and store_matrix_sync need 256-bit aligned tile pointers:
// every fragment of every stage, and every warp's staging tile.
TEST(Chapter07Model, EveryFragmentPointerIs256BitAligned) {
  for (int stage = 0; stage < Cfg::kStages; ++stage)
    for (int warp = 0; warp < Cfg::kWarps; ++warp) {
      const WarpPlace w = Cfg::warp_place(warp);
      const int base = stage * Cfg::kStageElements;
      for (int kk = 0; kk < Cfg::kBK; kk += kFragK) {
        for (int i = 0; i < Cfg::kFragsM; ++i) EXPECT_EQ((base + (w.row + i * kFragM) * Cfg::kLdA + kk) * 2 % 32, 0);
        for (int j = 0; j < Cfg::kFragsN; ++j)
          EXPECT_EQ((base + Cfg::kBM * Cfg::kLdA + kk * Cfg::kLdB + w.col + j * kFragN) * 2 % 32, 0);
      }
      EXPECT_EQ(warp * kStagingFloats * 4 % 32, 0);
    }
  EXPECT_LE(Cfg::kWarps * kStagingFloats * 4, Cfg::kSmemBytes) << "the staging tiles reuse the stages' memory";
}

// Blocks per SM at ptxas's 128 registers (the lesson's table): two on sm_80
// and sm_90; one on sm_86 and sm_89, whose 100 KB of shared memory hold one
// block of 55.5 KB (+ 1 KB reserved) but not two.
TEST(Chapter07Model, BlocksPerSmPerArchitecture) {
  using ladder::model::occupancy;
  using ladder::model::sm_resources;
  for (int cc : {80, 90}) EXPECT_EQ(occupancy(sm_resources(cc), 256, 128, Cfg::kSmemBytes).blocks, 2) << cc;
  for (int cc : {86, 89}) EXPECT_EQ(occupancy(sm_resources(cc), 256, 128, Cfg::kSmemBytes).blocks, 1) << cc;
}

}  // namespace
