/// \file test_tune_wgmma.cu
/// \brief chapter 09's sweep on the CPU: every candidate's tile order takes each tile of C
/// once, in bands of the tile rows its name says, with or without clusters; none repeats a
/// chapter rung; none holds every stage of its ring; and a stage's empty barrier waits for
/// exactly the arrivals its consumers make.
///
///     ctest --test-dir build -R TuneWgmma
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "benchmarks/tune_wgmma_candidates.cuh"
#include "chapters/09_wgmma_tma_gemm/hopper_layout.hpp"
#include "chapters/09_wgmma_tma_gemm/persistent_gemm.cuh"

namespace ladder::tune_wgmma {
namespace {

/// "" when the persistent kernel's walk (every unit, every rank of its cluster) takes each
/// tile of an m_tiles × n_tiles grid once; tiles past C's last row only help load B.
template <class Cfg>
std::string tile_order_problem(int m_tiles, int n_tiles) {
  std::vector<int> taken(m_tiles * n_tiles, 0);
  const int units = (m_tiles + Cfg::kCluster - 1) / Cfg::kCluster * n_tiles;
  for (int unit = 0; unit < units; ++unit)
    for (int rank = 0; rank < Cfg::kCluster; ++rank) {
      const hopper::ScheduledTile tile =
          hopper::cluster_tile_at(unit, rank, Cfg::kCluster, m_tiles, n_tiles, Cfg::kGroupRows);
      if (tile.tile_n < 0 || tile.tile_n >= n_tiles || tile.tile_m < 0)
        return "unit " + std::to_string(unit) + " lands outside C";
      if (tile.tile_m < m_tiles && ++taken[tile.tile_m * n_tiles + tile.tile_n] > 1)
        return "tile (" + std::to_string(tile.tile_m) + ", " + std::to_string(tile.tile_n) + ") is computed twice";
    }
  for (int t = 0; t < m_tiles * n_tiles; ++t)
    if (taken[t] == 0)
      return "tile (" + std::to_string(t / n_tiles) + ", " + std::to_string(t % n_tiles) + ") is missed";
  return "";
}

/// The tile rows the first band spans: the rows the walk visits before it first moves to
/// column 1 (a band walks down its rows column by column).
template <class Cfg>
int first_band_rows(int m_tiles, int n_tiles) {
  std::set<int> rows;
  for (int unit = 0;; ++unit) {
    const hopper::ScheduledTile first =
        hopper::cluster_tile_at(unit, 0, Cfg::kCluster, m_tiles, n_tiles, Cfg::kGroupRows);
    if (first.tile_n != 0) return int(rows.size());
    for (int rank = 0; rank < Cfg::kCluster; ++rank) rows.insert(first.tile_m + rank);
  }
}

/// The arrivals a stage gets in one round, counted the kernel's way: every consumer thread
/// (warpgroups 1 .. kConsumers) that release_stride picks arrives once on each CTA of its
/// cluster, so each CTA's barrier hears from that many threads of every CTA.
template <class Cfg>
int arrivals_made() {
  int releasers = 0;
  for (int thread = Cfg::kWarpgroupThreads; thread < Cfg::kThreads; ++thread)
    releasers += thread % wgmma::release_stride<Cfg>() == 0;
  return releasers * Cfg::kCluster;
}

template <class Cfg>
void check_candidate() {
  const std::string name = candidate_name<Cfg>();
  // 2048, 4096 and 8192 in 128 x 256 tiles, the tune phase's ragged 2305 x 2565 (odd tile rows,
  // more tiles than SMs), and 1031 x 1029.
  for (const auto& [m_tiles, n_tiles] :
       {std::pair{16, 8}, std::pair{32, 16}, std::pair{64, 32}, std::pair{19, 11}, std::pair{9, 5}})
    EXPECT_EQ(tile_order_problem<Cfg>(m_tiles, n_tiles), "") << name << ", " << m_tiles << " x " << n_tiles << " tiles";
  EXPECT_EQ(first_band_rows<Cfg>(64, 32), Cfg::kBandRows) << name;
  EXPECT_LT(Cfg::kMmaInFlight, Cfg::kStages) << name << ": the consumers would hold every stage";
  EXPECT_EQ(arrivals_made<Cfg>(), wgmma::empty_arrivals<Cfg>())
      << name << ": a stage would never, or too soon, be free";
}

template <class... Cfgs>
void check_all(std::tuple<Cfgs...>* /*type list*/) {
  (check_candidate<Cfgs>(), ...);
}

template <class... Cfgs>
std::vector<std::string> names(std::tuple<Cfgs...>* /*type list*/) {
  return {candidate_name<Cfgs>()...};
}

TEST(TuneWgmma, EveryCandidateTakesEachTileOnceInBandsOfItsRows) { check_all(static_cast<Candidates*>(nullptr)); }

// Bands counted in units of a cluster, not in tile rows, would be twice as tall as named.
struct BandsInUnits : Candidate<16, 0, 2> {
  static constexpr int kGroupRows = 16;
};

TEST(TuneWgmma, TheBandCheckCatchesBandsCountedInUnits) {
  EXPECT_EQ(tile_order_problem<BandsInUnits>(32, 16), "") << "still a valid order...";
  EXPECT_EQ(first_band_rows<BandsInUnits>(64, 32), 32) << "...but of bands of 32 tile rows";
}

// 09d's bands of 8 units are bands of 16 tile rows: the sweep's names count tile rows, so
// <16, 0, 2> is 09d, and the chapter's rungs are not repeated among the candidates.
TEST(TuneWgmma, BandsCountTileRowsAndNoCandidateIsAChapterRung) {
  EXPECT_EQ(first_band_rows<wgmma::Tile09d>(64, 32), 16);
  EXPECT_EQ(first_band_rows<wgmma::Tile09c>(64, 32), 8);
  const std::vector<std::string> all = names(static_cast<Candidates*>(nullptr));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size()) << "the registry refuses a repeated name";
  for (const std::string& chapter_rung : {candidate_name<Candidate<8, 0, 1>>(), candidate_name<Candidate<8, 1, 1>>(),
                                          candidate_name<Candidate<16, 0, 2>>()})
    EXPECT_EQ(std::count(all.begin(), all.end(), chapter_rung), 0) << chapter_rung << " is a chapter rung already";
  using AllThree = Candidate<16, 1, 2>;
  EXPECT_EQ(candidate_name<AllThree>(), "tune09 bands 16, 1 in flight, cluster 2");
  using ClusterPerWarpgroup = Candidate<16, 0, 2, true>;
  EXPECT_EQ(candidate_name<ClusterPerWarpgroup>(), "tune09 bands 16, 0 in flight, cluster 2, warpgroup release");
  using LikeFastCu = Candidate<16, 0, 2, true, 128>;
  EXPECT_EQ(candidate_name<LikeFastCu>(), "tune09 bands 16, 0 in flight, cluster 2, warpgroup release, 128 CTAs");
}

// The chapter's rungs hand a stage back per warp: 8 arrivals a stage, 16 in 09d's clusters of
// 2. Per warpgroup, 09d's would be fast.cu's 4.
TEST(TuneWgmma, AStageWaitsForTheArrivalsItsConsumersMake) {
  using ClusterPerWarpgroup = Candidate<16, 0, 2, true>;
  EXPECT_EQ(wgmma::empty_arrivals<wgmma::Tile09c>(), 8);
  EXPECT_EQ(wgmma::empty_arrivals<wgmma::Tile09e>(), 8);
  EXPECT_EQ(wgmma::empty_arrivals<wgmma::Tile09d>(), 16);
  EXPECT_EQ(wgmma::empty_arrivals<ClusterPerWarpgroup>(), 4);
  EXPECT_EQ(arrivals_made<wgmma::Tile09c>(), 8);
  EXPECT_EQ(arrivals_made<wgmma::Tile09d>(), 16);
  EXPECT_EQ(arrivals_made<ClusterPerWarpgroup>(), 4);
}

}  // namespace
}  // namespace ladder::tune_wgmma
