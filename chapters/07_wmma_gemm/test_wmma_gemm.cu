/// \file test_wmma_gemm.cu
/// \brief Chapter 07 on the GPU: the shared rung tests for 07a to 07c; and, on the CPU, what they declare.
///
/// 07a runs only the shapes whose m, n and k are multiples of 16 (the others
/// are skipped with the registry's reason). 07b and 07c run every shape: ragged m and
/// n (zero-filled copies, guarded stores), k not a multiple of 8 (partial
/// 16-byte copies of the last chunk of a row) and k shorter than one k-tile.
#include <string>

#include "common/core/exercise_tests.hpp"
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter07, 7, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starter is unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter07Exercises, 7, ladder::RungKind::Exercise);

namespace {

constexpr const char* kOneWarp = "07a wmma, one warp per tile";
constexpr const char* kBlockTile = "07b wmma, shared-memory block tiles";
constexpr const char* kSharedLoads = "07c wmma, fragments loaded from .shared";
constexpr const char* kInstruction = "wmma m16n16k16 bf16";

// The problem the lesson uses to show what each rung accepts: ragged in m, n
// and k, with leading dimensions padded to 16 elements as the runner pads them.
ladder::Bf16GemmArgs ragged_problem() {
  alignas(256) static __nv_bfloat16 storage[80 * 80];
  return {17, 33, 65, 1.0f, 0.0f, storage, 80, storage, 48, storage, 48};
}

TEST(Chapter07Requirements, RungsAreRegisteredWithTheirRequirements) {
  int chapter_rungs = 0;
  for (const ladder::GemmRung& rung : ladder::gemm_registry())
    if (rung.chapter == 7 && rung.kind == ladder::RungKind::Chapter) {
      ++chapter_rungs;
      EXPECT_EQ(rung.precision(), ladder::Precision::Bf16) << rung.name;
      EXPECT_EQ(rung.requirements.min_compute_capability, 80) << rung.name << ": bf16 WMMA needs sm_80";
      EXPECT_EQ(rung.instruction, kInstruction) << rung.name;
    }
  EXPECT_EQ(chapter_rungs, 3) << "07a to 07c";

  const auto one_warp = ladder::find_gemm(kOneWarp);
  ASSERT_TRUE(one_warp.has_value());
  EXPECT_EQ(one_warp->requirements.m_multiple, 16);
  EXPECT_EQ(one_warp->requirements.n_multiple, 16);
  EXPECT_EQ(one_warp->requirements.k_multiple, 16);
  EXPECT_EQ(one_warp->requirements.alignment_bytes, 32) << "256-bit aligned fragment pointers";

  for (const char* name : {kBlockTile, kSharedLoads}) {
    const auto block_tile = ladder::find_gemm(name);
    ASSERT_TRUE(block_tile.has_value()) << name;
    EXPECT_EQ(block_tile->requirements.m_multiple, 1) << name;
    EXPECT_EQ(block_tile->requirements.n_multiple, 1) << name;
    EXPECT_EQ(block_tile->requirements.k_multiple, 1) << name;
    EXPECT_EQ(block_tile->requirements.alignment_bytes, 16) << name << ": 16-byte cp.async copies and stores";
  }
}

TEST(Chapter07Requirements, OneWarpPerTileRejectsRaggedShapesWithTheReason) {
  const auto one_warp = ladder::find_gemm(kOneWarp);
  ASSERT_TRUE(one_warp.has_value());
  const auto reason = ladder::unsupported_reason(*one_warp, ragged_problem(), 90);
  ASSERT_TRUE(reason.has_value());
  EXPECT_NE(reason->find("multiples of 16"), std::string::npos) << *reason;

  for (const char* name : {kBlockTile, kSharedLoads}) {
    const auto block_tile = ladder::find_gemm(name);
    ASSERT_TRUE(block_tile.has_value()) << name;
    EXPECT_FALSE(ladder::unsupported_reason(*block_tile, ragged_problem(), 90).has_value()) << name;
    EXPECT_FALSE(ladder::unsupported_reason(*block_tile, ragged_problem(), 80).has_value()) << name;
  }
}

TEST(Chapter07Requirements, EveryRungNeedsCompute80) {
  ladder::Bf16GemmArgs whole = ragged_problem();
  whole.m = whole.n = whole.k = 32;
  for (const char* name : {kOneWarp, kBlockTile, kSharedLoads}) {
    const auto rung = ladder::find_gemm(name);
    ASSERT_TRUE(rung.has_value()) << name;
    EXPECT_FALSE(ladder::unsupported_reason(*rung, whole, 80).has_value()) << name;
    const auto too_old = ladder::unsupported_reason(*rung, whole, 75);
    ASSERT_TRUE(too_old.has_value()) << name;
    EXPECT_NE(too_old->find("compute capability 8.0"), std::string::npos) << *too_old;
  }
}

TEST(Chapter07Requirements, WmmaPeakIsRegistered) {
  const auto peak = ladder::find_instruction_peak(kInstruction);
  ASSERT_TRUE(peak.has_value()) << "wmma_peak.cu registers the micro-benchmark the bf16 table divides by";
  EXPECT_NE(peak->measure_tflops, nullptr);
  EXPECT_FALSE(peak->summary.empty());
}

// The exercise's rung takes multiples of 32. Of the shared cases, only 96 x 64 x 48 leaves its
// last 64 x 64 block half empty, and only in m: these leave it half empty in n too (its warps
// with col0 >= n must return, alone and beside warps with row0 >= m).
TEST(Chapter07Exercises, BlocksHalfPastTheEdge) {
  LADDER_SKIP_EXERCISE_STARTER();
  const std::string rung = "07 ex1 wmma 2x2 fragments per warp";
  ladder::testing::check_gemm_cases(
      {{rung, 96, 96, 48, 1.5f, -0.75f, 16, 16}, {rung, 160, 96, 32, -0.5f, 2.0f, 0, 16}});
}

// Most of the shared cases with alpha and beta other than 1 and 0, or with
// padded leading dimensions, are ragged, so 07a skips them. These are whole
// multiples of 16 with scaling and padding, so that 07a's beta path (a 16-byte
// read of C) and every rung's padded rows run too.
TEST(Chapter07WholeTiles, ScaledAndPaddedProblemsOfWholeTiles) {
  ladder::testing::check_gemm_cases({{kOneWarp, 48, 80, 64, 1.5f, -0.75f, 16, 16},
                                     {kOneWarp, 96, 32, 160, -0.5f, 2.0f, 0, 16},
                                     {kOneWarp, 32, 48, 16, 1.0f, 0.5f, 32, 16},
                                     {kBlockTile, 48, 80, 64, 1.5f, -0.75f, 16, 8},
                                     {kBlockTile, 160, 136, 72, -0.5f, 2.0f, 8, 8},
                                     {kSharedLoads, 48, 80, 64, 1.5f, -0.75f, 16, 8},
                                     {kSharedLoads, 160, 136, 72, -0.5f, 2.0f, 8, 8}});
}

// On a GPU: the micro-benchmark runs and gives a plausible rate (0 on a GPU
// without bf16 WMMA). Loose bounds: it is a peak, not a test of the GPU.
TEST(Chapter07Peak, MeasuresAPositiveRateOnSm80AndNewer) {
  LADDER_SKIP_WITHOUT_GPU();
  const auto peak = ladder::find_instruction_peak(kInstruction);
  ASSERT_TRUE(peak.has_value());
  int device = 0, major = 0;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device), cudaSuccess);
  const double tflops = peak->measure_tflops();
  if (major < 8) {
    EXPECT_EQ(tflops, 0.0);
  } else {
    EXPECT_GT(tflops, 1.0);
    EXPECT_LT(tflops, 10000.0);
  }
}

}  // namespace
