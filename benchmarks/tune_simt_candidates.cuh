/// \file tune_simt_candidates.cuh
/// \brief The configurations `tune_simt` tries: chapter 06's kernel template (the cp.async
/// pipeline of 06c-06e) with other block tiles, k-tiles, stage counts, warp tiles and block
/// orders, for issue 9's SIMT tuning.
///
/// Each candidate changes one or two things about 06e (128 × 128 × 16, warp 64 × 32, three
/// stages, row-major block order, the chapter's lane order), so that the table of a GPU run says what each change is
/// worth on that GPU. A candidate that wins becomes a chapter step only with the evidence that chose it, in chapter
/// 06's lesson. The CPU test (test_tune_simt.cu) checks every candidate's index mapping, shared-memory wavefronts and
/// return-path passes with chapter 06's models; the compiler checks TileConfig's static_asserts. Spills are allowed
/// here, unlike in the chapters (see benchmarks/CMakeLists.txt): tune_simt reports them.
#pragma once

#include <string>
#include <tuple>

#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"
#include "solutions/06_warp_tiling_gemm/ex2_block_order.cuh"

namespace ladder::tune_simt {

using warp_tiling::BlockPlace;
using warp_tiling::LanePlace;
using warp_tiling::ThreadTileConfig;
using warp_tiling::TileConfig;

/// A configuration of chapter 06's template, launched in row-major block order (GroupRows 0,
/// the chapter's) or in groups of GroupRows block rows (chapter 06's exercise 2, for L2 reuse),
/// with the chapter's lane order or, with PairedLanes, one in which both float4 loads pair up;
/// UnrollSteps 4-wide k-steps unrolled in multiply_stage (the configuration's own choice, or more:
/// unrolled, ptxas issues the next step's shared loads among this step's FFMAs).
template <class Tiles, int GroupRows = 0, bool PairedLanes = false, int UnrollSteps = Tiles::kUnrollSteps>
struct Candidate : Tiles {
  using Configuration = Tiles;
  static constexpr int kGroupRows = GroupRows;
  static constexpr bool kPairedLanes = PairedLanes;
  static constexpr int kUnrollSteps = UnrollSteps;
  static_assert(UnrollSteps >= 1 && (Tiles::kBK / 4) % UnrollSteps == 0, "whole groups of the k-tile's 4-wide steps");
  static constexpr __host__ __device__ BlockPlace block_place(int bx, int by, int grid_n, int grid_m) {
    if constexpr (GroupRows == 0) {
      return Tiles::block_place(bx, by, grid_n, grid_m);
    } else {
      return warp_tiling::solution2::grouped_block_place<GroupRows>(bx, by, grid_n, grid_m);
    }
  }

  /// The same kLanesM × kLanesN lane grid in another order. Shared memory returns one
  /// register of the warp per pass, so an LDS.128 takes 4 passes, or 2 when lanes n and
  /// n ^ 1 (or n and n ^ 2) read the same address (common/core/warp_access_model.hpp). The
  /// chapter's order pairs A's loads (a row is kLanesN consecutive lanes) but not B's
  /// (neighbouring lanes take neighbouring columns): 48 passes per 4-wide k-step. Here bit 0 of
  /// the lane and its top bits choose the column, the bits between choose the row: lanes n and
  /// n ^ 1 differ only in column, so they read the same row of A, and lanes n and n ^ 2 differ
  /// only in row, so they read the same columns of B. Both loads pair: 32 passes.
  static constexpr __host__ __device__ LanePlace place(int warp, int lane) {
    if constexpr (!PairedLanes) {
      return Tiles::place(warp, lane);
    } else {
      const LanePlace warp_origin = Tiles::place(warp, 0);
      const int row = (lane >> 1) % Tiles::kLanesM, col = (lane & 1) + 2 * ((lane >> 1) / Tiles::kLanesM);
      return {warp_origin.row + row, warp_origin.col + col * 4};
    }
  }
};

// [candidates]
// TileConfig<BM, BN, BK, WM, WN, stages>; 06e is TileConfig<128, 128, 16, 64, 32, 3>.
using Candidates =
    std::tuple<Candidate<TileConfig<128, 128, 8, 64, 32, 3>>,   // 06c's BK 8 (its two k-steps unrolled), a third stage
               Candidate<TileConfig<128, 128, 8, 64, 32, 4>>,   // ... and a fourth
               Candidate<TileConfig<128, 128, 16, 64, 32, 4>>,  // 06e with a fourth stage
               Candidate<TileConfig<128, 128, 32, 64, 32, 2>>,  // BK 32: half 06e's barriers per FLOP
               Candidate<TileConfig<128, 128, 16, 32, 64, 3>>,  // 06e with the 32 x 64 warp tile
               Candidate<TileConfig<256, 128, 16, 64, 32, 2>>,  // 512 threads, a 256-row block tile: a quarter
               Candidate<TileConfig<256, 128, 16, 64, 32, 3>>,  //   less L2 -> SM traffic per FLOP than 128 x 128
               Candidate<TileConfig<128, 256, 16, 64, 32, 2>>,  // the same with 256 columns
               Candidate<TileConfig<128, 256, 16, 64, 32, 3>>,
               Candidate<TileConfig<128, 128, 8, 64, 32, 3>, 8>,   // the block orders of exercise 2: groups of 8 rows
               Candidate<TileConfig<128, 128, 16, 64, 32, 3>, 8>,  // 06e, grouped
               Candidate<TileConfig<256, 128, 16, 64, 32, 3>, 8>,
               Candidate<TileConfig<128, 128, 16, 64, 32, 3>, 0, true>,  // 06e, lanes paired for the return path
               Candidate<TileConfig<128, 128, 16, 64, 32, 3>, 8, true>,  // ... and grouped
               // Round 2, from the H200 profile (chapter 06, "What the next round should try"): cuBLAS's
               // shape. 8 x 16 per thread, 256 threads, one block per SM with up to 255 registers: 3 shared
               // loads per 64 FFMAs instead of 4, twice the independent FFMAs per warp.
               Candidate<ThreadTileConfig<256, 128, 8, 64, 64, 3, 8, 16, 255>>,
               Candidate<ThreadTileConfig<256, 128, 16, 64, 64, 2, 8, 16, 255>>,
               Candidate<ThreadTileConfig<256, 128, 16, 64, 64, 3, 8, 16, 255>>,
               // The same thread and warp tiles in smaller blocks: 128 threads (4 warps) on 128 x 128,
               // two blocks per SM, so one block's barrier wait is covered by the other's FFMAs (cuBLAS's
               // 8 warps per SM in two independent halves); with round 1's best k-tile (BK 32) too; and
               // 256 threads on 128 x 256, the other way round.
               Candidate<ThreadTileConfig<128, 128, 16, 64, 64, 3, 8, 16, 255>>,
               Candidate<ThreadTileConfig<128, 128, 32, 64, 64, 2, 8, 16, 255>>,
               Candidate<ThreadTileConfig<128, 256, 16, 64, 64, 3, 8, 16, 255>>,
               // Their 4-wide k-steps stay rolled, like 06e's at 128 registers, and in the SASS (nvcc
               // 13.0) each trip opens with its own 10 shared loads, which the next FFMA waits for. Two
               // steps unrolled fit in 218 to 255 registers without spilling, and the second step's loads
               // issue among the first step's FFMAs.
               Candidate<ThreadTileConfig<256, 128, 16, 64, 64, 2, 8, 16, 255>, 0, false, 2>,
               Candidate<ThreadTileConfig<256, 128, 16, 64, 64, 3, 8, 16, 255>, 0, false, 2>,
               Candidate<ThreadTileConfig<128, 128, 32, 64, 64, 2, 8, 16, 255>, 0, false, 2>>;
// [candidates]

/// "tune 128x128x16 w64x32 3-stage", with " t8x16" for a thread tile other than 8 × 8,
/// " grouped 8" for a grouped block order, " paired" for the paired lane order and " unroll 2"
/// for more k-steps unrolled than the configuration's own.
template <class Cfg>
std::string candidate_name() {
  std::string name = "tune " + std::to_string(Cfg::kBM) + "x" + std::to_string(Cfg::kBN) + "x" +
                     std::to_string(Cfg::kBK) + " w" + std::to_string(Cfg::kWM) + "x" + std::to_string(Cfg::kWN) + " " +
                     std::to_string(Cfg::kStages) + "-stage";
  if (Cfg::kTM != 8 || Cfg::kTN != 8) name += " t" + std::to_string(Cfg::kTM) + "x" + std::to_string(Cfg::kTN);
  if (Cfg::kGroupRows > 0) name += " grouped " + std::to_string(Cfg::kGroupRows);
  if (Cfg::kPairedLanes) name += " paired";
  if (Cfg::kUnrollSteps != Cfg::Configuration::kUnrollSteps) name += " unroll " + std::to_string(Cfg::kUnrollSteps);
  return name;
}

}  // namespace ladder::tune_simt
