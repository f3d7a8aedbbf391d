/// \file test_mma_sync_model.cpp
/// \brief Chapter 08 on the CPU: the kernel's index arithmetic, run through a host model of
/// cp.async, ldmatrix and mma.sync (mma_sync_model.hpp), and the numbers the lesson states.
///
///     ctest --test-dir build -R Chapter08Model
///
/// No CUDA here: the functions under test are the constexpr ones the kernels call
/// (mma_sync_tiles.hpp, common/gemm/mma_layout.hpp), so this builds and runs anywhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "chapters/08_mma_sync_gemm/exercises/ex1_warp_tile.hpp"
#include "chapters/08_mma_sync_gemm/mma_sync_configs.hpp"
#include "chapters/08_mma_sync_gemm/mma_sync_model.hpp"
#include "common/core/exercise_tests.hpp"
#include "common/core/occupancy_model.hpp"

namespace ladder::mma_sync {
namespace {

/// Runs `check<Cfg>()` for every configuration the chapter registers.
template <template <class> class Check>
void for_each_config() {
  Check<Padded>{}("08a Padded");
  Check<Swizzled>{}("08b Swizzled");
  Check<Pipelined>{}("08c Pipelined");
  Check<Sweep128x128x32s4>{}("08d 128x128x32 s4");
  Check<Sweep128x128x32s3>{}("08d 128x128x32 s3");
  Check<Sweep128x256x32s3>{}("08d 128x256x32 s3");
  Check<Sweep256x128x32s3>{}("08d 256x128x32 s3");
  Check<Sweep128x256x32s4>{}("08d 128x256x32 s4");
  Check<Sweep128x128x64s3>{}("08d 128x128x64 s3");
  Check<Interleaved128x128x64s3>{}("08e Interleaved128x128x64s3");
}

// ---------------------------------------------------------------------------
// Shared memory: copies, layouts, conflicts, bytes
// ---------------------------------------------------------------------------

template <class Cfg>
struct LayoutsRepeat {
  void operator()(const char* name) const {
    EXPECT_EQ(model::repeat_problem<typename Cfg::ATile>(), "") << name << ", A tile";
    EXPECT_EQ(model::repeat_problem<typename Cfg::BTile>(), "") << name << ", B tile";
  }
};
// load_stage and load_fragments step down the tiles by whole rows; that is only right
// because both layouts repeat every 8 rows.
TEST(Chapter08Model, LayoutsRepeatEvery8Rows) { for_each_config<LayoutsRepeat>(); }

template <class Cfg>
struct LdmatrixSteps {
  void operator()(const char* name) const { EXPECT_EQ(model::ldmatrix_step_problem<Cfg>(), "") << name; }
};
// load_fragments finds one row address per lane and steps 16 rows on from it; every
// address it reaches is the layout's own for that lane's row.
TEST(Chapter08Model, LdmatrixStepsLandWhereTheLayoutSays) { for_each_config<LdmatrixSteps>(); }

template <class Cfg>
struct CopiesCoverStage {
  void operator()(const char* name) const { EXPECT_EQ(model::copy_coverage_problem<Cfg>(), "") << name; }
};
// Every thread's cp.async chunks, taken together, fill each element of a stage's A and B
// tiles exactly once, each where the layout says its (row, col) lives.
TEST(Chapter08Model, CopiesFillEachStageOnce) { for_each_config<CopiesCoverStage>(); }

template <class Cfg>
struct LdmatrixConflictFree {
  void operator()(const char* name) const { EXPECT_EQ(model::worst_ldmatrix_conflict<Cfg>(), 1) << name; }
};
// The lanes' own ldmatrix addresses, for every warp, k-step and operand: each phase of 8
// rows hits 8 different bank groups, padded (08a) and swizzled (08b on).
TEST(Chapter08Model, EveryLdmatrixPhaseIsConflictFree) { for_each_config<LdmatrixConflictFree>(); }

// A warp's pass of 32 chunks is 512 bytes, so at least 4 wavefronts; the model predicts
// that both layouts take exactly 4 (a prediction: how cp.async writes shared memory is
// not documented at this level; Nsight Compute's shared-store counters can tell).
TEST(Chapter08Model, CopyPassesTakeFourWavefronts) {
  for (int warp = 0; warp < 4; ++warp)
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(model::copy_wavefronts<Padded>(warp, i, true), 4);
      EXPECT_EQ(model::copy_wavefronts<Padded>(warp, i, false), 4);
      EXPECT_EQ(model::copy_wavefronts<Swizzled>(warp, i, true), 4);
      EXPECT_EQ(model::copy_wavefronts<Swizzled>(warp, i, false), 4);
    }
}

// The lesson's count: per k-tile, a 64 x 64 warp tile's 8 ldmatrix.x4 per k-step (4
// wavefronts each) feed 32 mma.sync, and the stage's copies add 1 wavefront per 128 bytes.
TEST(Chapter08Model, SharedWavefrontsPerMma) {
  // 128 x 128 x 32: 256 mma.sync per k-tile; 64 ldmatrix.x4 = 256 wavefronts; 16 KB copied = 128.
  EXPECT_DOUBLE_EQ(model::shared_wavefronts_per_mma<Padded>(), 1.5);
  EXPECT_DOUBLE_EQ(model::shared_wavefronts_per_mma<Swizzled>(), 1.5);
  EXPECT_DOUBLE_EQ(model::shared_wavefronts_per_mma<Sweep128x128x32s4>(), 1.5);
  EXPECT_DOUBLE_EQ(model::shared_wavefronts_per_mma<Sweep128x128x64s3>(), 1.5);
  // 8 warps on 128 x 256 or 256 x 128: 512 mma.sync, 512 + 192 wavefronts.
  EXPECT_DOUBLE_EQ(model::shared_wavefronts_per_mma<Sweep128x256x32s3>(), 1.375);
  EXPECT_DOUBLE_EQ(model::shared_wavefronts_per_mma<Sweep256x128x32s3>(), 1.375);
}

// The lesson's table of threads and shared memory per block.
TEST(Chapter08Model, SharedMemoryPerConfiguration) {
  EXPECT_EQ(Padded::kThreads, 128);
  EXPECT_EQ(Padded::kSmemBytes, 128 * 40 * 2 + 32 * 136 * 2);  // 18 944: rows of 32 + 8 and 128 + 8 bf16
  EXPECT_EQ(Swizzled::kSmemBytes, 16384);                      // 128 x 32 + 32 x 128 bf16
  EXPECT_EQ(Pipelined::kSmemBytes, 65536);                     // 4 stages: above 48 KB, the opt-in
  EXPECT_EQ(Sweep128x128x32s4::kSmemBytes, 65536);
  EXPECT_EQ(Sweep128x128x32s3::kSmemBytes, 49152);  // exactly 48 KB: no opt-in needed
  EXPECT_EQ(Sweep128x256x32s3::kSmemBytes, 73728);
  EXPECT_EQ(Sweep256x128x32s3::kSmemBytes, 73728);
  EXPECT_EQ(Sweep128x256x32s4::kSmemBytes, 98304);
  EXPECT_EQ(Sweep128x128x64s3::kSmemBytes, 98304);
  EXPECT_EQ(Sweep128x256x32s3::kThreads, 256);
  EXPECT_EQ(Sweep256x128x32s3::kThreads, 256);
  EXPECT_EQ(Sweep128x128x64s3::kThreads, 128);
}

// ---------------------------------------------------------------------------
// Warps, accumulators, blocks
// ---------------------------------------------------------------------------

template <class Cfg>
struct AccumulatorsCover {
  void operator()(const char* name) const { EXPECT_EQ(model::accumulator_coverage_problem<Cfg>(), "") << name; }
};
TEST(Chapter08Model, AccumulatorsHoldTheBlockTileOnce) { for_each_config<AccumulatorsCover>(); }

// Each accumulator pair the epilogue stores together is two neighbours in a row.
TEST(Chapter08Model, EpiloguePairsAreRowNeighbours) {
  for (int lane = 0; lane < mma::kWarpSize; ++lane)
    for (int e = 0; e < mma::kCElementsPerLane; e += 2) {
      const RowCol first = c_row_col({64, 64}, lane, 1, 3, e), second = c_row_col({64, 64}, lane, 1, 3, e + 1);
      EXPECT_EQ(second.row, first.row) << "lane " << lane;
      EXPECT_EQ(second.col, first.col + 1) << "lane " << lane;
      EXPECT_EQ(first.col % 2, 0) << "lane " << lane << ": a pair starts at an even column, 4-byte aligned";
    }
}

struct Overlapping : Swizzled {  // every warp on the first warp tile
  static constexpr RowCol warp_origin(int) { return {0, 0}; }
};
TEST(Chapter08Model, CoverageCheckFindsAWrongWarpMapping) {
  EXPECT_NE(model::accumulator_coverage_problem<Overlapping>().find("owners"), std::string::npos);
}

const int kGrids[][2] = {{1, 1},    {1, 40},  {3, 5},   {8, 8},   {9, 7},    {17, 3},
                         {13, 100}, {32, 32}, {64, 64}, {65, 31}, {8192, 1}, {100, 13}};

template <class Cfg>
struct OrderIsBijection {
  void operator()(const char* name) const {
    for (const auto& grid : kGrids)
      EXPECT_EQ(model::block_order_problem<Cfg>(grid[0], grid[1]), "") << name << ", " << grid[0] << " x " << grid[1];
  }
};
TEST(Chapter08Model, BlockOrderIsABijectionOfTheGrid) {
  for_each_config<OrderIsBijection>();
  for (int group_rows : {1, 2, 3, 4, 8, 16, 100})
    for (const auto& grid : kGrids) {
      std::vector<int> hits(grid[0] * grid[1], 0);
      for (int block = 0; block < grid[0] * grid[1]; ++block) {
        const BlockPlace p = grouped_block_place(block, grid[1], grid[0], group_rows);
        ASSERT_TRUE(p.row >= 0 && p.row < grid[0] && p.col >= 0 && p.col < grid[1]) << "block " << block;
        ++hits[p.row * grid[1] + p.col];
      }
      for (int h : hits) EXPECT_EQ(h, 1) << "group " << group_rows << ", " << grid[0] << " x " << grid[1];
    }
}

TEST(Chapter08Model, GroupedOrderWalksDownABand) {
  // 08a-08c: row-major. 08d: down 8 block rows, then one column right.
  EXPECT_EQ(Pipelined::block_place(5, 32, 32), (BlockPlace{0, 5}));
  for (int block = 0; block < 8; ++block) EXPECT_EQ(Pipelined::block_place(block, 32, 32), (BlockPlace{0, block}));
  for (int block = 0; block < 8; ++block)
    EXPECT_EQ(Sweep128x128x32s4::block_place(block, 32, 32), (BlockPlace{block, 0}));
  EXPECT_EQ(Sweep128x128x32s4::block_place(8, 32, 32), (BlockPlace{0, 1}));
  EXPECT_EQ(Sweep128x128x32s4::block_place(8 * 32, 32, 32), (BlockPlace{8, 0}));  // the second band
  // The last band of a 20-row grid has 4 rows: it walks down 4, then right.
  EXPECT_EQ(Sweep128x128x32s4::block_place(16 * 10 + 5, 10, 20), (BlockPlace{17, 1}));
}

// The lesson's L2 prediction (model::slabs_per_wave): waves of 132 SMs x 2 blocks of
// 128 x 128 (H100 SXM, H200), or x 1 block of 128 x 256. At 4096^3 the grid is only 32
// blocks wide and grouping changes little; at 8192^3 a row-major wave reads about 5 slabs
// of A and all 64 of B, a grouped one about 44 slabs in all.
TEST(Chapter08Model, GroupedOrderReadsFewerSlabsPerWave) {
  EXPECT_NEAR(model::slabs_per_wave<Pipelined>(4096, 4096, 264), 40.75, 1e-9);
  EXPECT_NEAR(model::slabs_per_wave<Sweep128x128x32s4>(4096, 4096, 264), 45.25, 1e-9);
  EXPECT_NEAR(model::slabs_per_wave<Pipelined>(8192, 8192, 264), 68.875, 1e-9);
  EXPECT_NEAR(model::slabs_per_wave<Sweep128x128x32s4>(8192, 8192, 264), 43.5, 1e-9);
  EXPECT_NEAR(model::slabs_per_wave<Sweep128x256x32s3>(8192, 8192, 132), 28.0, 1e-9);
}

struct Repeating : Swizzled {  // the first band twice, the last never
  static constexpr BlockPlace block_place(int block, int grid_n, int grid_m) {
    return {block / grid_n % (grid_m > 1 ? grid_m - 1 : 1), block % grid_n};
  }
};
TEST(Chapter08Model, BijectionCheckFindsAWrongOrder) {
  EXPECT_NE(model::block_order_problem<Repeating>(4, 4).find("blocks"), std::string::npos);
}

// Blocks (warps) per SM, from the registers ptxas reports (nvcc 13.0, the lesson's
// table) and the shared memory above: predictions of occupancy, per architecture.
TEST(Chapter08Model, BlocksPerSmPerArchitecture) {
  using ladder::model::occupancy;
  using ladder::model::sm_resources;
  const auto blocks = [](int cc, int threads, int registers, int shared) {
    return occupancy(sm_resources(cc), threads, registers, shared).blocks;
  };
  // Anywhere from 169 to 255 registers a thread gives the same answers: ptxas reports 219
  // to 233 for these kernels, and a compiler that moves a few either way changes nothing.
  for (int registers : {169, 222, 240, 255})
    for (int cc : {80, 86, 89, 90}) {
      // 4 warps of 64 x 64: 2 blocks fit the 65 536 registers (8 warps per SM).
      EXPECT_EQ(blocks(cc, 128, registers, Padded::kSmemBytes), 2) << cc;
      EXPECT_EQ(blocks(cc, 128, registers, Swizzled::kSmemBytes), 2) << cc;
      EXPECT_EQ(blocks(cc, 128, registers, Sweep128x128x32s3::kSmemBytes), 2) << cc;
      // 8 warps: one block (8 warps per SM).
      EXPECT_EQ(blocks(cc, 256, registers, Sweep128x256x32s3::kSmemBytes), 1) << cc;
    }
  EXPECT_EQ(blocks(90, 128, 168, Swizzled::kSmemBytes), 3) << "at 168 registers or fewer, a third block would fit";
  for (int cc : {80, 90}) EXPECT_EQ(blocks(cc, 128, 240, Pipelined::kSmemBytes), 2) << cc;
  for (int cc : {86, 89}) {  // 100 KB per SM: one block of 64 KB, or of 96 KB
    EXPECT_EQ(blocks(cc, 128, 240, Pipelined::kSmemBytes), 1) << cc;
    EXPECT_EQ(blocks(cc, 128, 240, Sweep128x128x64s3::kSmemBytes), 1) << cc;
  }
  EXPECT_EQ(blocks(80, 128, 240, Sweep128x128x64s3::kSmemBytes), 1);  // 164 KB: one of 96 KB
  EXPECT_EQ(blocks(90, 128, 240, Sweep128x128x64s3::kSmemBytes), 2);  // 228 KB: two
}

// ---------------------------------------------------------------------------
// The whole kernel on the CPU
// ---------------------------------------------------------------------------

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

/// rows × cols of small integers (exact in bf16, and every sum below exact in float),
/// with `pad` NaN columns after each row: the kernel must never read them.
model::Matrix random_matrix(int rows, int cols, int pad, std::mt19937& rng) {
  std::uniform_int_distribution<int> value(-4, 4);
  model::Matrix matrix{rows, cols, cols + pad, {}};
  matrix.values.assign(static_cast<std::size_t>(rows) * matrix.ld, kNaN);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) matrix.values[static_cast<std::size_t>(r) * matrix.ld + c] = float(value(rng));
  return matrix;
}

/// "" when the model of the kernel gives exactly the plain triple loop on an m × n × k problem,
/// writes each element of C once, and leaves C's padding alone.
template <class Cfg>
std::string kernel_problem(int m, int n, int k, float alpha, float beta, unsigned seed) {
  std::mt19937 rng(seed);
  const model::Matrix a = random_matrix(m, k, 3, rng), b = random_matrix(k, n, 5, rng);
  model::Matrix c = random_matrix(m, n, 7, rng);
  if (beta == 0.0f)  // C is write-only: poison it, as the GPU tests do
    for (float& x : c.values) x = kNaN;
  const model::Matrix c0 = c;
  std::vector<int> writes;
  model::run_kernel<Cfg>(a, b, c, alpha, beta, writes);
  for (int r = 0; r < m; ++r)
    for (int col = 0; col < c.ld; ++col) {
      const std::string where = "(" + std::to_string(r) + ", " + std::to_string(col) + ")";
      const float got = c.at(r, col);
      if (col >= n) {
        if (!std::isnan(got)) return "padding of C written at " + where;
        continue;
      }
      if (writes[static_cast<std::size_t>(r) * n + col] != 1)
        return "C" + where + " written " + std::to_string(writes[static_cast<std::size_t>(r) * n + col]) + " times";
      float dot = 0.0f;
      for (int i = 0; i < k; ++i) dot += a.at(r, i) * b.at(i, col);
      const float want = beta != 0.0f ? alpha * dot + beta * c0.at(r, col) : alpha * dot;
      if (got != want) return "C" + where + " = " + std::to_string(got) + ", want " + std::to_string(want);
    }
  return "";
}

template <class Cfg>
struct KernelMatches {
  void operator()(const char* name) const {
    // Ragged in m, n and k (a partial chunk of 5 and a partial k-tile), with and without
    // beta; then whole tiles, more k-tiles than stages.
    EXPECT_EQ(kernel_problem<Cfg>(Cfg::kBM + 37, Cfg::kBN + 21, 2 * Cfg::kBK + 5, 1.0f, 0.0f, 1), "") << name;
    EXPECT_EQ(kernel_problem<Cfg>(17, 33, 7, -0.5f, 2.0f, 2), "") << name;
    EXPECT_EQ(kernel_problem<Cfg>(Cfg::kBM, 2 * Cfg::kBN, 5 * Cfg::kBK, 2.0f, 0.0f, 3), "") << name;
  }
};
// The whole dataflow of the kernel, from global memory through the stage, the lanes'
// registers and the accumulators back to C, against a plain loop.
TEST(Chapter08Model, KernelModelMatchesTheTripleLoop) { for_each_config<KernelMatches>(); }

TEST(Chapter08Model, KernelModelCatchesAWrongWarpMapping) {
  EXPECT_NE(kernel_problem<Overlapping>(128, 128, 32, 1.0f, 0.0f, 4), "");
}

// ---------------------------------------------------------------------------
// 08e's schedule (interleaved_step), played by a whole block
// ---------------------------------------------------------------------------

using Schedule = InterleavedStep (*)(int k_tile, int k_step, int k_steps, int stages, int k_tiles);

/// interleaved_kernel's copies, waits, barriers, fragment loads and mma.sync on the CPU:
/// `warps` warps run its prologue and its main loop (as `schedule` says) over `k_tiles`
/// k-tiles in a random interleaving, and each warp's committed copy groups land in any order:
/// at random moments for even seeds, and for odd seeds as late as they can, only when nothing
/// else can happen (what a hazard needs to show). A warp stands for its threads, which issue
/// and wait for the same groups. Returns the first problem: fragments read from a stage whose
/// copies have not all landed or hold another k-tile, an mma.sync multiplying fragments of
/// the wrong k-step, or a deadlock; "" if none. Each wait leaves `left_in_flight` groups in
/// flight, the kernel's groups_left_in_flight unless a test says otherwise.
std::string schedule_problem(Schedule schedule, int stages, int k_steps, int k_tiles, int warps, unsigned seed,
                             int left_in_flight) {
  enum class Op { kCopyCommit, kWait, kSync, kLoad, kMma };
  struct Step {
    Op op;
    int stage = -1, k_tile = -1, k_step = -1, set = -1;  // the operands the op uses
  };
  std::vector<Step> program;  // the same for every warp, as the kernel's control flow is
  for (int s = 0; s < stages - 1; ++s) program.push_back({Op::kCopyCommit, s, s < k_tiles ? s : -1});
  program.push_back({Op::kWait});
  program.push_back({Op::kSync});
  program.push_back({Op::kLoad, 0, -1, 0, 0});
  for (int t = 0; t < k_tiles; ++t)
    for (int ks = 0; ks < k_steps; ++ks) {
      const InterleavedStep step = schedule(t, ks, k_steps, stages, k_tiles);
      if (step.wait_then_sync) {
        program.push_back({Op::kWait});
        program.push_back({Op::kSync});
      }
      if (step.load_fragments)
        program.push_back({Op::kLoad, step.fragment_stage, -1, step.fragment_k_step, step.load_set});
      if (step.issue_copies) {
        const bool exists = step.copy_k_tile < k_tiles;
        program.push_back({Op::kCopyCommit, exists ? step.copy_k_tile % stages : -1, exists ? step.copy_k_tile : -1});
      }
      program.push_back({Op::kMma, -1, t, ks, step.mma_set});
    }

  struct Copy {
    int k_tile = -1;  // the k-tile this warp last copied into the stage
    bool landed = true;
  };
  struct Warp {
    std::size_t pc = 0;
    bool at_barrier = false;
    std::vector<Copy> stages;
    std::vector<std::vector<std::pair<int, int>>> groups;     // per committed group, its (stage, k-tile) copies,
                                                              // emptied when it lands
    std::pair<int, int> fragments[2] = {{-1, -1}, {-1, -1}};  // (k-tile, k-step) each register set holds
  };
  std::vector<Warp> block(warps);
  for (Warp& w : block) w.stages.resize(stages);
  const auto wait_passes = [&](const Warp& warp) {  // every group but the newest left_in_flight has landed
    const int older = int(warp.groups.size()) - left_in_flight;
    for (int g = 0; g < older; ++g)
      if (!warp.groups[g].empty()) return false;
    return true;
  };
  std::mt19937 random(seed);
  for (;;) {
    // The moves that can happen now: 2w warp w goes on, 2w + 1 one of its groups lands, and
    // 2 * warps the barrier opens.
    std::vector<int> can;
    bool all_at_barrier = true;
    for (int w = 0; w < warps; ++w) {
      const Warp& warp = block[w];
      all_at_barrier = all_at_barrier && warp.at_barrier;
      if (warp.pc < program.size() && !warp.at_barrier && (program[warp.pc].op != Op::kWait || wait_passes(warp)))
        can.push_back(2 * w);
      for (const auto& group : warp.groups)
        if (!group.empty()) {
          can.push_back(2 * w + 1);
          break;
        }
    }
    if (all_at_barrier) can.push_back(2 * warps);
    const auto lands = [](int move) { return move % 2 == 1; };
    if (seed % 2 == 1 && !std::all_of(can.begin(), can.end(), lands))
      can.erase(std::remove_if(can.begin(), can.end(), lands), can.end());
    if (can.empty()) break;
    const int move = can[random() % can.size()];
    if (move == 2 * warps) {
      for (Warp& warp : block) warp.at_barrier = false;
      continue;
    }
    Warp& warp = block[move / 2];
    if (move % 2 == 1) {  // one of its pending groups, at random, lands
      std::vector<std::size_t> pending;
      for (std::size_t g = 0; g < warp.groups.size(); ++g)
        if (!warp.groups[g].empty()) pending.push_back(g);
      std::vector<std::pair<int, int>>& group = warp.groups[pending[random() % pending.size()]];
      for (const auto& [stage, k_tile] : group)
        if (warp.stages[stage].k_tile == k_tile) warp.stages[stage].landed = true;
      group.clear();
      continue;
    }
    const Step& step = program[warp.pc++];
    switch (step.op) {
      case Op::kCopyCommit:
        warp.groups.emplace_back();
        if (step.stage >= 0) {
          warp.stages[step.stage] = {step.k_tile, false};
          warp.groups.back().emplace_back(step.stage, step.k_tile);
        }
        break;
      case Op::kWait:
        break;  // it could go on: wait_passes held
      case Op::kSync:
        warp.at_barrier = true;
        break;
      case Op::kLoad: {
        const int k_tile = block[0].stages[step.stage].k_tile;
        for (int w = 0; w < warps; ++w) {
          const Copy& copy = block[w].stages[step.stage];
          if (copy.k_tile != k_tile || !copy.landed)
            return "warp " + std::to_string(move / 2) + " read stage " + std::to_string(step.stage) + " while warp " +
                   std::to_string(w) + "'s copies of k-tile " + std::to_string(copy.k_tile) +
                   (copy.landed ? " overwrote k-tile " + std::to_string(k_tile) : " were in flight");
        }
        warp.fragments[step.set] = {k_tile, step.k_step};
        break;
      }
      case Op::kMma:
        if (warp.fragments[step.set] != std::make_pair(step.k_tile, step.k_step))
          return "warp " + std::to_string(move / 2) + " at k-tile " + std::to_string(step.k_tile) + ", k-step " +
                 std::to_string(step.k_step) + " multiplied the fragments of k-tile " +
                 std::to_string(warp.fragments[step.set].first) + ", k-step " +
                 std::to_string(warp.fragments[step.set].second);
        break;
    }
  }
  for (int w = 0; w < warps; ++w)
    if (block[w].pc < program.size())
      return "deadlock: warp " + std::to_string(w) + " stopped at step " + std::to_string(block[w].pc) + " of " +
             std::to_string(program.size());
  return "";
}

TEST(Chapter08Schedule, EveryFragmentComesFromItsLandedKTile) {
  EXPECT_EQ(Interleaved128x128x64s3::kKSteps, 4);  // the registered 08e: 3 stages, 4 k-steps
  for (int stages : {2, 3, 4, 5})
    for (int k_steps : {2, 4})
      for (int k_tiles : {1, 2, 3, 4, 7, 11})
        for (unsigned seed = 0; seed < 30; ++seed)
          EXPECT_EQ(
              schedule_problem(interleaved_step, stages, k_steps, k_tiles, 4, seed, groups_left_in_flight(stages)), "")
              << stages << " stages, " << k_steps << " k-steps, " << k_tiles << " k-tiles, seed " << seed;
}

/// Whether some interleaving of a block of 4 warps, with 3 stages and 4 k-steps as the
/// registered 08e, shows a problem containing `what`.
bool caught(Schedule schedule, const std::string& what, int left_in_flight = groups_left_in_flight(3)) {
  for (unsigned seed = 0; seed < 200; ++seed)
    if (schedule_problem(schedule, 3, 4, 7, 4, seed, left_in_flight).find(what) != std::string::npos) return true;
  return false;
}

TEST(Chapter08Schedule, CatchesCopiesIntoTheStageBeingRead) {
  // One k-tile further ahead: into k-tile t's own stage, which this k-tile still reads.
  EXPECT_TRUE(caught(
      [](int k_tile, int k_step, int k_steps, int stages, int k_tiles) {
        InterleavedStep step = interleaved_step(k_tile, k_step, k_steps, stages, k_tiles);
        ++step.copy_k_tile;
        return step;
      },
      "were in flight"));
}

TEST(Chapter08Schedule, CatchesTheBarrierAtTheKTilesStart) {
  // 08c's place for the barrier: the next k-tile's first fragments are then read unwaited.
  EXPECT_TRUE(caught(
      [](int k_tile, int k_step, int k_steps, int stages, int k_tiles) {
        InterleavedStep step = interleaved_step(k_tile, k_step, k_steps, stages, k_tiles);
        step.wait_then_sync = k_step == 0;
        return step;
      },
      "read stage"));
}

TEST(Chapter08Schedule, CatchesFragmentsFromTheWrongStage) {
  // The last k-step's loads from this k-tile's stage instead of the next one's.
  EXPECT_TRUE(caught(
      [](int k_tile, int k_step, int k_steps, int stages, int k_tiles) {
        InterleavedStep step = interleaved_step(k_tile, k_step, k_steps, stages, k_tiles);
        step.fragment_stage = k_tile % stages;
        return step;
      },
      "multiplied the fragments of k-tile"));
}

TEST(Chapter08Schedule, CatchesSwappedRegisterSets) {
  // Multiplying the set being loaded this k-step: it holds the next k-step's fragments.
  EXPECT_TRUE(caught(
      [](int k_tile, int k_step, int k_steps, int stages, int k_tiles) {
        InterleavedStep step = interleaved_step(k_tile, k_step, k_steps, stages, k_tiles);
        std::swap(step.load_set, step.mma_set);
        return step;
      },
      "multiplied the fragments of k-tile"));
}

TEST(Chapter08Schedule, CatchesAWaitThatLeavesTooManyInFlight) {
  // Leaving kStages - 1 groups in flight: k-tile t + 1 may not have landed at the barrier.
  EXPECT_TRUE(caught(interleaved_step, "were in flight", groups_left_in_flight(3) + 1));
}

TEST(Chapter08Schedule, CatchesMissingCopies) {
  // No copies in the main loop: the stages keep the prologue's k-tiles.
  EXPECT_TRUE(caught(
      [](int k_tile, int k_step, int k_steps, int stages, int k_tiles) {
        InterleavedStep step = interleaved_step(k_tile, k_step, k_steps, stages, k_tiles);
        step.issue_copies = false;
        return step;
      },
      "multiplied the fragments of k-tile"));
}

// ---------------------------------------------------------------------------
// Exercise 1: skipped unless LADDER_TEST_EXERCISES=1, like the GPU test of the starter.
// ---------------------------------------------------------------------------

TEST(Chapter08ExerciseModel, MyWarpTilesCoverTheBlockTileOnce) {
  LADDER_SKIP_EXERCISE_STARTER();
  using exercise1::MyWarpTiles;
  EXPECT_EQ(model::accumulator_coverage_problem<MyWarpTiles>(), "");
  EXPECT_EQ(model::ldmatrix_step_problem<MyWarpTiles>(), "");
  EXPECT_EQ(model::worst_ldmatrix_conflict<MyWarpTiles>(), 1);
  EXPECT_EQ(kernel_problem<MyWarpTiles>(150, 200, 70, 1.0f, 0.0f, 5), "");
}

}  // namespace
}  // namespace ladder::mma_sync
