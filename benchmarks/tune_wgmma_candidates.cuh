/// \file tune_wgmma_candidates.cuh
/// \brief The configurations `tune_wgmma` tries: chapter 09's persistent kernel (09c's CTA:
/// 128 × 256 × 64, 3 stages, a producer and two consumer warpgroups) with the three choices the
/// chapter and its exercise made one at a time, made together, for issue 13's targets; and
/// with two of fast.cu's, a stage handed back once per consumer warpgroup and 128 CTAs.
///
/// The chapter measures each idea alone against 09c: the band height of the tile order
/// (exercise 1, bands of 16 tile rows: the best rung on the H200), clusters sharing B (09d) and
/// one k-tile of wgmma left running (09e). Whether two of them add up, or one undoes another,
/// only a GPU can say; this sweep asks it in one run. A candidate that wins becomes a rung only
/// with the evidence, in chapter 09's lesson. The CPU test (test_tune_wgmma.cu) checks that each
/// candidate's tile order takes every tile of C once, with or without clusters, and that its
/// stages wait for the arrivals its consumers make.
#pragma once

#include <string>
#include <tuple>

#include "chapters/09_wgmma_tma_gemm/wgmma_tma_gemm.cuh"

namespace ladder::tune_wgmma {

/// 09c's CTA in bands of BandRows tile rows, with InFlight k-tiles of wgmma left running when a
/// stage is released, in clusters of Cluster CTAs on vertically adjacent tiles; with
/// WarpgroupRelease, one thread per consumer warpgroup hands a stage back to each CTA of the
/// cluster instead of lane 0 of each consumer warp (a quarter of the arrivals, as fast.cu's
/// last kernel and CUTLASS's Hopper pipelines do; chapter 09's lesson, beside the public anchor);
/// with MaxCtas, on at most that many persistent CTAs (0: as many as fit, as every rung).
///
/// With clusters the tile order walks units of Cluster tiles (hopper::cluster_tile_at), so its
/// bands count units: BandRows / Cluster of them make bands of BandRows tile rows, as 09d's
/// bands of 8 units are 16 tile rows. The name counts tile rows, so that candidates compare.
template <int BandRows, int InFlight, int Cluster, bool WarpgroupRelease = false, int MaxCtas = 0>
struct Candidate : wgmma::HopperTile<128, 256, 3, 2, true, true, Cluster> {
  static_assert(BandRows % Cluster == 0, "bands hold whole units of Cluster tile rows");
  static constexpr int kBandRows = BandRows;
  static constexpr int kGroupRows = BandRows / Cluster;
  static constexpr int kMmaInFlight = InFlight;
  static constexpr bool kReleasePerWarpgroup = WarpgroupRelease;
  static constexpr int kMaxCtas = MaxCtas;
};

// [candidates]
// Candidate<band rows, k-tiles in flight, cluster[, warpgroup release[, CTAs]]>. The chapter's
// rungs run beside them: 09c is <8, 0, 1>, 09e <8, 1, 1>, 09d <16, 0, 2>; exercise 1's solution
// is <16, 0, 1>. Every rung releases a stage per warp, on as many CTAs as fit.
using Candidates = std::tuple<Candidate<16, 0, 1>,        // the best rung on the H200, as a baseline in the same run
                              Candidate<32, 0, 1>,        // taller bands: at 4096³ a wave of 132 tiles spans 5 columns
                              Candidate<16, 1, 1>,        // the best rung's bands with 09e's wgmma in flight
                              Candidate<32, 1, 1>,        // ... and with taller bands
                              Candidate<8, 0, 2>,         // clusters with 09c's bands of 8 tile rows
                              Candidate<32, 0, 2>,        // ... and with taller bands (09d has 16)
                              Candidate<8, 1, 2>,         // all three ideas: clusters, wgmma in flight, a band height
                              Candidate<16, 1, 2>,        // ... with the best rung's bands
                              Candidate<32, 1, 2>,        // ... with taller bands
                              Candidate<16, 0, 1, true>,  // the best rung, releasing per warpgroup
                              Candidate<16, 0, 2, true>,  // 09d, releasing per warpgroup: 4 arrivals a stage, not 16
                              Candidate<16, 1, 2, true>,  // ... and with wgmma in flight
                              Candidate<16, 0, 1, false, 128>,  // the best rung on 128 CTAs: waves of half a band
                              Candidate<16, 0, 2, true, 128>>;  // fast.cu's structure: clusters, its release, 128
// [candidates]

/// "tune09 bands 16, 1 in flight, cluster 2", then ", warpgroup release" and ", 128 CTAs" where
/// they apply.
template <class Cfg>
std::string candidate_name() {
  return "tune09 bands " + std::to_string(Cfg::kBandRows) + ", " + std::to_string(Cfg::kMmaInFlight) +
         " in flight, cluster " + std::to_string(Cfg::kCluster) +
         (Cfg::kReleasePerWarpgroup ? ", warpgroup release" : "") +
         (Cfg::kMaxCtas > 0 ? ", " + std::to_string(Cfg::kMaxCtas) + " CTAs" : "");
}

}  // namespace ladder::tune_wgmma
