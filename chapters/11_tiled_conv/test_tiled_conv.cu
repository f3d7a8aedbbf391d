/// \file chapters/11_tiled_conv/test_tiled_conv.cu
/// \brief Chapter 11 on the GPU: the shared conv rung tests for 11a, 11b and the exercise; and, on any
/// machine, what the rungs declare, the tile geometry they share, and a host model of their dataflow.
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/11_tiled_conv/tiled_conv.cuh"
#include "common/conv/device_conv.cuh"  // random_conv_inputs
#include "common/conv/reference.hpp"
#include "common/conv/testing/conv_rung_test.cuh"
#include "common/core/warp_access_model.hpp"

LADDER_CONV_RUNG_TESTS(Chapter11, 11, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starter is unfinished on purpose.
LADDER_CONV_RUNG_TESTS(Chapter11Exercises, 11, ladder::RungKind::Exercise);

namespace {

using ladder::ConvProblem;
namespace conv = ladder::conv;
namespace tiled = ladder::tiled;

constexpr const char* kTiled = "11a tiled, shared-memory input tile";
constexpr const char* kBlocked = "11b tiled + output-channel blocking";
constexpr const char* kExercise = "11 ex1 tiled, two output rows per thread";

/// The block shapes of 11a, 11b and the exercise: output rows per tile, output channels per thread.
struct BlockShape {
  int tile_rows, kb;
};
constexpr BlockShape kShapes[] = {
    {tiled::kTileP, 1}, {tiled::kTileP, tiled::kChannelBlock}, {2 * tiled::kTileP, tiled::kChannelBlock}};

/// The default layer of the lessons: ResNet-50's 28x28x128 3x3 layer at batch 32.
constexpr ConvProblem kResnet{32, 128, 28, 28, 128, 3, 3, 1, 1};

TEST(Chapter11Requirements, RungsAreRegisteredAsFp32Nchw) {
  int chapter_rungs = 0;
  for (const ladder::ConvRung& rung : ladder::conv_registry())
    if (rung.chapter == 11 && rung.kind == ladder::RungKind::Chapter) {
      ++chapter_rungs;
      EXPECT_EQ(rung.precision(), ladder::ConvPrecision::Fp32Nchw) << rung.name;
    }
  EXPECT_EQ(chapter_rungs, 2) << "11a and 11b";
  ASSERT_TRUE(ladder::find_conv(kTiled).has_value());
  ASSERT_TRUE(ladder::find_conv(kBlocked).has_value());
  const auto exercise = ladder::find_conv(kExercise);
  ASSERT_TRUE(exercise.has_value());
  EXPECT_EQ(exercise->kind, ladder::RungKind::Exercise);
}

TEST(Chapter11Requirements, FiltersUpTo7x7AndStridesUpTo2) {
  for (const char* name : {kTiled, kBlocked, kExercise}) {
    const auto rung = ladder::find_conv(name);
    ASSERT_TRUE(rung.has_value()) << name;
    EXPECT_FALSE(ladder::unsupported_reason(*rung, kResnet, 90).has_value()) << name;
    // Every shared test problem runs but the one at stride 3, which is skipped with the reason.
    for (const ConvProblem& problem : ladder::testing::ragged_conv_problems())
      EXPECT_EQ(ladder::unsupported_reason(*rung, problem, 75).has_value(), problem.stride > tiled::kMaxStride)
          << name << ": " << describe(problem);
    const auto too_wide = ladder::unsupported_reason(*rung, {1, 3, 32, 32, 8, 9, 9, 1, 4}, 90);
    ASSERT_TRUE(too_wide.has_value()) << name;
    EXPECT_NE(too_wide->find("handles filters up to 7x7"), std::string::npos) << *too_wide;
    const auto too_far = ladder::unsupported_reason(*rung, {1, 3, 32, 32, 8, 3, 3, 3, 1}, 90);
    ASSERT_TRUE(too_far.has_value()) << name;
    EXPECT_NE(too_far->find("handles strides up to 2"), std::string::npos) << *too_far;
  }
}

TEST(Chapter11Requirements, LaunchersRefuseWhatTheRequirementsReject) {
  // A launcher called directly, past the registry, throws instead of computing
  // a wrong answer (its tap loop stops at 7) or failing to launch.
  for (const BlockShape& shape : kShapes) {
    EXPECT_THROW(tiled::launch_shared_bytes({1, 3, 32, 32, 8, 9, 9, 1, 4}, shape.tile_rows, shape.kb),
                 std::invalid_argument);
    EXPECT_THROW(tiled::launch_shared_bytes({1, 3, 32, 32, 8, 3, 3, 3, 1}, shape.tile_rows, shape.kb),
                 std::invalid_argument);
    EXPECT_EQ(tiled::launch_shared_bytes(kResnet, shape.tile_rows, shape.kb),
              tiled::shared_bytes(kResnet, shape.tile_rows, shape.kb));
  }
}

TEST(Chapter11Geometry, SharedMemoryFitsWithoutOptingIn) {
  for (const BlockShape& shape : kShapes) {
    // The largest halo the requirements admit: 7x7, stride 2.
    const std::size_t most = tiled::shared_bytes(tiled::kLargestHalo, shape.tile_rows, shape.kb);
    EXPECT_LE(most, tiled::kSharedBytesWithoutOptIn) << shape.tile_rows << " rows, KB " << shape.kb;
    const std::size_t halo = ((shape.tile_rows - 1) * 2 + 7) * (31 * 2 + 7);  // rows x cols at 7x7, stride 2
    EXPECT_EQ(most, sizeof(float) * shape.kb * 49 + (sizeof(float) + sizeof(int)) * halo);
  }
  // The lesson's numbers for the default layer: a 10 x 34 halo per 8 x 32 tile,
  // staged beside its copy plan and the filter slice.
  EXPECT_EQ(tiled::halo_rows(kResnet, tiled::kTileP), 10);
  EXPECT_EQ(tiled::halo_cols(kResnet), 34);
  EXPECT_EQ(tiled::shared_bytes(kResnet, tiled::kTileP, 1), 4u * (9 + 340 + 340));
  EXPECT_EQ(tiled::shared_bytes(kResnet, tiled::kTileP, 8), 4u * (72 + 340 + 340));
  EXPECT_EQ(tiled::tiles_per_image(kResnet, tiled::kTileP), 4);
  EXPECT_EQ(tiled::block_count(kResnet, tiled::kTileP, 1), 16384);
  EXPECT_EQ(tiled::block_count(kResnet, tiled::kTileP, 8), 2048);
  EXPECT_EQ(tiled::block_count(kResnet, 2 * tiled::kTileP, 8), 1024);
}

TEST(Chapter11Geometry, HaloTilesAreTheIndexMapsHalos) {
  // Every tap of every thread of every tile lands inside the staged halo, on
  // exactly the input element conv::input_row / input_col name.
  for (const ConvProblem& pr : ladder::testing::ragged_conv_problems())
    for (const BlockShape& shape : kShapes) {
      long long wrong = 0;
      for (int tile = 0; tile < tiled::tiles_per_image(pr, shape.tile_rows); ++tile) {
        const tiled::BlockWork work = tiled::block_work(pr, tile, shape.tile_rows, shape.kb);
        const tiled::HaloTile halo = tiled::halo_tile(pr, work.p0, work.q0, shape.tile_rows);
        ASSERT_EQ(halo.rows, conv::input_rows_of_tile(pr, work.p0, shape.tile_rows));
        ASSERT_EQ(halo.cols, conv::input_cols_of_tile(pr, work.q0, tiled::kTileQ));
        ASSERT_EQ(halo.rows.count, tiled::halo_rows(pr, shape.tile_rows));
        ASSERT_EQ(halo.cols.count, tiled::halo_cols(pr));
        for (int tp = 0; tp < shape.tile_rows; ++tp)
          for (int tq = 0; tq < tiled::kTileQ; ++tq)
            for (int r = 0; r < pr.r; ++r)
              for (int s = 0; s < pr.s; ++s) {
                const int index = tiled::thread_halo_origin(pr, halo.cols.count, tp, tq) + r * halo.cols.count + s;
                const int row = conv::input_row(pr, work.p0 + tp, r) - halo.rows.first;
                const int col = conv::input_col(pr, work.q0 + tq, s) - halo.cols.first;
                wrong += index != row * halo.cols.count + col || index < 0 ||
                         index >= tiled::halo_floats(pr, shape.tile_rows);
              }
      }
      EXPECT_EQ(wrong, 0) << describe(pr) << ", " << shape.tile_rows << " rows";
    }
}

TEST(Chapter11Geometry, HaloSourceIsZeroExactlyOutsideTheClippedRange) {
  // The staging copies what clip_to_image keeps and zero-fills the rest.
  for (const ConvProblem& pr : ladder::testing::ragged_conv_problems())
    for (int tile = 0; tile < tiled::tiles_per_image(pr, tiled::kTileP); ++tile) {
      const tiled::BlockWork work = tiled::block_work(pr, tile, tiled::kTileP, 1);
      const tiled::HaloTile halo = tiled::halo_tile(pr, work.p0, work.q0, tiled::kTileP);
      const conv::InputRange rows = conv::clip_to_image(halo.rows, pr.h), cols = conv::clip_to_image(halo.cols, pr.w);
      int copied = 0;
      for (int i = 0; i < halo.rows.count; ++i)
        for (int j = 0; j < halo.cols.count; ++j) {
          const int source = tiled::halo_source(pr, halo, i, j);
          if (source < 0) continue;
          ++copied;
          EXPECT_EQ(source, (halo.rows.first + i) * pr.w + halo.cols.first + j);
        }
      EXPECT_EQ(copied, rows.count * cols.count) << describe(pr) << ", tile " << tile;
    }
}

TEST(Chapter11Geometry, BlocksCoverEveryOutputOnce) {
  for (const ConvProblem& pr : ladder::testing::ragged_conv_problems())
    for (const BlockShape& shape : kShapes) {
      std::vector<int> hits(pr.output_elements(), 0);
      for (long long block = 0; block < tiled::block_count(pr, shape.tile_rows, shape.kb); ++block) {
        const tiled::BlockWork work = tiled::block_work(pr, static_cast<int>(block), shape.tile_rows, shape.kb);
        for (int tp = 0; tp < shape.tile_rows; ++tp)
          for (int tq = 0; tq < tiled::kTileQ; ++tq)
            for (int j = 0; j < shape.kb; ++j) {
              const int p = work.p0 + tp, q = work.q0 + tq, k = work.k0 + j;
              if (p < pr.p() && q < pr.q() && k < pr.k) ++hits[conv::nkpq_offset(pr, work.n, k, p, q)];
            }
      }
      int wrong = 0;
      for (int count : hits) wrong += count != 1;
      EXPECT_EQ(wrong, 0) << describe(pr) << ", " << shape.tile_rows << " rows, KB " << shape.kb;
    }
}

/// The kernels' dataflow on the CPU, with the same geometry functions: each
/// block stages halo tiles and filter slices exactly as the kernels lay them
/// out, then every thread sums its taps from them. Accumulates in double.
std::vector<double> host_model(const ConvProblem& pr, const std::vector<float>& x, const std::vector<float>& w,
                               BlockShape shape) {
  std::vector<double> y(pr.output_elements(), std::nan(""));
  for (long long block = 0; block < tiled::block_count(pr, shape.tile_rows, shape.kb); ++block) {
    const tiled::BlockWork work = tiled::block_work(pr, static_cast<int>(block), shape.tile_rows, shape.kb);
    const tiled::HaloTile halo = tiled::halo_tile(pr, work.p0, work.q0, shape.tile_rows);
    std::vector<double> acc(static_cast<std::size_t>(shape.tile_rows) * tiled::kTileQ * shape.kb, 0.0);
    std::vector<float> tile(tiled::halo_floats(pr, shape.tile_rows)), slice(tiled::filter_slice_floats(pr, shape.kb));
    for (int c = 0; c < pr.c; ++c) {
      for (int e = 0; e < tiled::halo_floats(pr, shape.tile_rows); ++e) {  // plan_halo_copy + stage_halo_tile
        const int source = tiled::halo_source(pr, halo, e / halo.cols.count, e % halo.cols.count);
        tile[e] = source < 0 ? 0.0f : x[conv::nchw_offset(pr, work.n, c, 0, 0) + source];
      }
      for (int e = 0; e < tiled::filter_slice_floats(pr, shape.kb); ++e) {  // stage_filter_slice
        const int tap = e / shape.kb, j = e % shape.kb;
        slice[e] = work.k0 + j < pr.k ? w[conv::kcrs_offset(pr, work.k0 + j, c, 0, 0) + tap] : 0.0f;
      }
      for (int tp = 0; tp < shape.tile_rows; ++tp)
        for (int tq = 0; tq < tiled::kTileQ; ++tq) {
          const int origin = tiled::thread_halo_origin(pr, halo.cols.count, tp, tq);
          for (int r = 0; r < pr.r; ++r)
            for (int s = 0; s < pr.s; ++s)
              for (int j = 0; j < shape.kb; ++j)
                acc[(tp * tiled::kTileQ + tq) * shape.kb + j] +=
                    double(tile[origin + r * halo.cols.count + s]) * slice[(r * pr.s + s) * shape.kb + j];
        }
    }
    for (int tp = 0; tp < shape.tile_rows; ++tp)
      for (int tq = 0; tq < tiled::kTileQ; ++tq)
        for (int j = 0; j < shape.kb; ++j) {
          const int p = work.p0 + tp, q = work.q0 + tq, k = work.k0 + j;
          if (p < pr.p() && q < pr.q() && k < pr.k)
            y[conv::nkpq_offset(pr, work.n, k, p, q)] = acc[(tp * tiled::kTileQ + tq) * shape.kb + j];
        }
  }
  return y;
}

TEST(Chapter11Model, HostModelOfTheBlocksMatchesTheReference) {
  for (const ConvProblem& pr : ladder::testing::ragged_conv_problems()) {
    const ladder::ConvInputs inputs = ladder::random_conv_inputs(pr, 11, false);
    const std::vector<double> expected = ladder::reference_conv_nchw(pr, inputs.x_nchw, inputs.w_kcrs);
    for (const BlockShape& shape : kShapes) {
      const std::vector<double> got = host_model(pr, inputs.x_nchw, inputs.w_kcrs, shape);
      std::size_t wrong = 0;
      for (std::size_t i = 0; i < got.size(); ++i) wrong += !(std::abs(got[i] - expected[i]) <= 1e-9);  // NaN: wrong
      EXPECT_EQ(wrong, 0u) << describe(pr) << ", " << shape.tile_rows << " rows, KB " << shape.kb;
    }
  }
}

TEST(Chapter11Model, SharedLoadsOfAWarpAreConflictFreeAtStride1) {
  namespace model = ladder::model;
  for (int stride : {1, 2}) {
    const ConvProblem pr{1, 1, 40, 80, 8, 3, 3, stride, 1};
    const int cols = tiled::halo_cols(pr);
    for (int warp = 0; warp < 2 * tiled::kWarpsPerBlock; ++warp)  // 11b's warps, and the exercise's second rows
      for (int r = 0; r < pr.r; ++r)
        for (int s = 0; s < pr.s; ++s) {
          // The input word of each lane: lane = tq, warp = tp.
          const int input = model::shared_wavefronts(
              0, [&](int lane) { return tiled::thread_halo_origin(pr, cols, warp, lane) + r * cols + s; });
          EXPECT_EQ(input, stride) << "stride " << stride << ": 32 words " << stride << " apart";
        }
    // A tap's weights: every lane reads the same float4, a broadcast: 1 wavefront in the banks,
    // 2 passes of the return path.
    for (int tap = 0; tap < pr.r * pr.s; ++tap)
      for (int j = 0; j < tiled::kChannelBlock / 4; ++j) {
        const auto bytes = model::warp_addresses(0, [&](int) { return 4LL * (tap * tiled::kChannelBlock + 4 * j); });
        EXPECT_EQ(model::vector_wavefronts(bytes, 16), 1);
        EXPECT_EQ(model::shared_load_passes(bytes, 16), 2);  // 4 registers a lane, paired: 2 passes back
      }
    // Staging: thread t writes halo element t + 256·i (and reads plan entry t + 256·i): consecutive words.
    for (int warp = 0; warp < tiled::kWarpsPerBlock; ++warp)
      EXPECT_EQ(model::shared_wavefronts(warp, [&](int t) { return t + tiled::kThreadsPerBlock; }), 1);
  }
}

}  // namespace
