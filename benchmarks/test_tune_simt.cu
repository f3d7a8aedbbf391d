/// \file test_tune_simt.cu
/// \brief The tuning candidates on the CPU, through chapter 06's models: each block's threads own
/// its tile exactly once, every shared load is one wavefront in the banks (and 2 or 4 passes of
/// the return path, as the lane order predicts), the block order visits every tile
/// once, and each fits an H100 or H200 (sm_90) with room for the registers ptxas may use.
///
///     ctest --test-dir build -R TuneSimt
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "benchmarks/tune_simt_candidates.cuh"
#include "chapters/06_warp_tiling_gemm/warp_tiling_model.cuh"

namespace ladder::tune_simt {
namespace {

namespace model = warp_tiling::model;

/// "" when blocks (bx, by) of a grid_n × grid_m grid reach every block tile exactly once.
template <class Cfg>
std::string block_order_problem(int grid_n, int grid_m) {
  std::set<std::pair<int, int>> seen;
  for (int by = 0; by < grid_m; ++by)
    for (int bx = 0; bx < grid_n; ++bx) {
      const BlockPlace place = Cfg::block_place(bx, by, grid_n, grid_m);
      if (place.row < 0 || place.row >= grid_m || place.col < 0 || place.col >= grid_n)
        return "block (" + std::to_string(bx) + ", " + std::to_string(by) + ") lands outside the grid";
      if (!seen.insert({place.row, place.col}).second)
        return "tile (" + std::to_string(place.row) + ", " + std::to_string(place.col) + ") is computed twice";
    }
  return "";
}

template <class Cfg>
void check_candidate() {
  const std::string name = candidate_name<Cfg>();
  EXPECT_EQ(model::coverage_problem<Cfg>(), "") << name;
  for (int warp = 0; warp < Cfg::kThreads / 32; ++warp) {
    const model::StepLoads loads = model::step_loads<Cfg>(warp);
    EXPECT_EQ(loads.a_wavefronts, loads.a_loads) << name << ", warp " << warp << ": a load of A conflicts";
    EXPECT_EQ(loads.b_wavefronts, loads.b_loads) << name << ", warp " << warp << ": a load of B conflicts";
    // The return path: A's loads pair in every order, B's only in the paired one.
    EXPECT_EQ(loads.a_passes, 2 * loads.a_loads) << name << ", warp " << warp;
    EXPECT_EQ(loads.b_passes, (Cfg::kPairedLanes ? 2 : 4) * loads.b_loads) << name << ", warp " << warp;
  }
  // 4096 / 128 and a ragged grid (a last group with fewer rows than the others).
  for (const auto& [grid_n, grid_m] : {std::pair{32, 32}, std::pair{16, 32}, std::pair{7, 13}})
    EXPECT_EQ(block_order_problem<Cfg>(grid_n, grid_m), "") << name << ", grid " << grid_n << " x " << grid_m;
  EXPECT_GE(model::blocks_per_sm(90, Cfg::kThreads, Cfg::kMaxRegisters, Cfg::kSmemBytes), 1)
      << name << " does not fit sm_90";
}

template <class... Cfgs>
void check_all(std::tuple<Cfgs...>* /*type list*/) {
  (check_candidate<Cfgs>(), ...);
}

template <class... Cfgs>
std::vector<std::string> names(std::tuple<Cfgs...>* /*type list*/) {
  return {candidate_name<Cfgs>()...};
}

TEST(TuneSimt, EveryCandidateMapsItsTilesOnceWithoutBankConflicts) { check_all(static_cast<Candidates*>(nullptr)); }

TEST(TuneSimt, TheCheckFindsABlockOrderThatRepeatsATile) {
  struct EveryBlockOnTileZero : TileConfig<128, 128, 16, 64, 32, 3> {
    static constexpr BlockPlace block_place(int, int, int, int) { return {0, 0}; }
  };
  EXPECT_NE(block_order_problem<EveryBlockOnTileZero>(4, 4).find("computed twice"), std::string::npos);
}

// The registry refuses a second rung of the same name, so the candidates' names must differ.
TEST(TuneSimt, CandidateNamesAreDistinctAndSayWhatDiffers) {
  const std::vector<std::string> all = names(static_cast<Candidates*>(nullptr));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
  using Grouped = Candidate<TileConfig<256, 128, 16, 64, 32, 3>, 8>;
  EXPECT_EQ(candidate_name<Grouped>(), "tune 256x128x16 w64x32 3-stage grouped 8");
  using Paired = Candidate<TileConfig<128, 128, 16, 64, 32, 3>, 0, true>;
  EXPECT_EQ(candidate_name<Paired>(), "tune 128x128x16 w64x32 3-stage paired");
  using Wide = Candidate<ThreadTileConfig<256, 128, 8, 64, 64, 3, 8, 16, 255>>;
  EXPECT_EQ(candidate_name<Wide>(), "tune 256x128x8 w64x64 3-stage t8x16");
  using Unrolled = Candidate<ThreadTileConfig<256, 128, 16, 64, 64, 3, 8, 16, 255>, 0, false, 2>;
  EXPECT_EQ(candidate_name<Unrolled>(), "tune 256x128x16 w64x64 3-stage t8x16 unroll 2");
  EXPECT_EQ(Unrolled::kUnrollSteps, 2);
  EXPECT_EQ(Unrolled::Configuration::kUnrollSteps, 1);  // BK 16 stays rolled unless a candidate says otherwise
}

// Round 2's thread tile of 8 x 16 reads B in four float4s a quarter of a warp tile apart: per
// 4-wide k-step 8 loads of A (2 passes each) and 16 of B (4 passes each), 80 passes for 512 FFMAs
// per lane, 10 per 64 where the 8 x 8 tiles take 12 (48 for 256), as cuBLAS's profile showed.
TEST(TuneSimt, TheWideThreadTileTakesTenPassesPer64Ffmas) {
  using Wide = Candidate<ThreadTileConfig<256, 128, 8, 64, 64, 3, 8, 16, 255>>;
  const model::StepLoads wide = model::step_loads<Wide>(0),
                         chapter = model::step_loads<TileConfig<128, 128, 16, 64, 32, 3>>(0);
  EXPECT_EQ(wide.a_loads + wide.b_loads, 24);
  EXPECT_EQ((wide.a_passes + wide.b_passes) * 64 / (4 * Wide::kTM * Wide::kTN), 10);
  EXPECT_EQ((chapter.a_passes + chapter.b_passes) * 64 / (4 * 8 * 8), 12);
  EXPECT_EQ(Wide::kThreads, 256);
  EXPECT_EQ(Wide::kMinBlocksPerSm, 1);
}

// The same thread tile in a 128 x 128 block is 4 warps of 64 x 64: at 255 registers two such
// blocks share an SM, 8 warps as cuBLAS's one block has, and their shared memory fits twice.
TEST(TuneSimt, TheSmallWideBlockFitsTwicePerSm) {
  using Small = Candidate<ThreadTileConfig<128, 128, 16, 64, 64, 3, 8, 16, 255>>;
  EXPECT_EQ(Small::kThreads, 128);
  EXPECT_EQ(Small::kMinBlocksPerSm, 2);
  EXPECT_LE(2 * Small::kSmemBytes, 227 * 1024);
  EXPECT_EQ(candidate_name<Small>(), "tune 128x128x16 w64x64 3-stage t8x16");
}

}  // namespace
}  // namespace ladder::tune_simt
