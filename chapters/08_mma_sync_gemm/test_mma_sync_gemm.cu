/// \file test_mma_sync_gemm.cu
/// \brief Chapter 08 on the GPU: the shared rung tests for every rung, and, without a GPU,
/// what each rung declares, that the mma.sync peak is registered, and the rate probe's
/// arithmetic. The peak and the rate probe on the GPU are test_mma_rate_probe.cu's, run alone.
///
/// The shared cases keep m, n and k ragged while rounding the leading dimensions up to
/// these rungs' 16 bytes, so the zero-filling copies (partial chunks, rows past m, k past
/// k), the element-wise edge stores and k-tile counts below the pipeline depth are all
/// exercised; the tall 1048576 × 3 × 5 case checks the 1-D grid.
///
///     ctest --test-dir build -L ch08
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/08_mma_sync_gemm/mma_peak.cuh"
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter08, 8, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starter is unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter08Exercises, 8, ladder::RungKind::Exercise);

namespace {

constexpr const char* kInstruction = "mma.sync m16n8k16 bf16";

// No GPU needed: what each rung declares.
TEST(Chapter08Requirements, RungsAreRegisteredWithTheirRequirements) {
  int rungs = 0;
  for (const ladder::GemmRung& rung : ladder::gemm_registry()) {
    if (rung.chapter != 8 || rung.kind != ladder::RungKind::Chapter) continue;
    ++rungs;
    EXPECT_EQ(rung.precision(), ladder::Precision::Bf16) << rung.name;
    EXPECT_EQ(rung.requirements.min_compute_capability, 80) << rung.name << ": bf16 mma.sync and cp.async";
    EXPECT_EQ(rung.requirements.alignment_bytes, 16) << rung.name << ": 16-byte cp.async and ldmatrix rows";
    EXPECT_EQ(rung.requirements.m_multiple, 1) << rung.name << ": any m";
    EXPECT_EQ(rung.requirements.n_multiple, 1) << rung.name << ": any n";
    EXPECT_EQ(rung.requirements.k_multiple, 1) << rung.name << ": any k";
    EXPECT_EQ(rung.requirements.min_k, 1) << rung.name;
    EXPECT_EQ(rung.instruction, kInstruction) << rung.name;
  }
  EXPECT_EQ(rungs, 10) << "08a, 08b, 08c, six 08d configurations and 08e";
  for (const char* name : {"08a mma.sync + ldmatrix, padded smem", "08b swizzled smem", "08c cp.async 4-stage pipeline",
                           "08d 128x128x32 s4", "08d 128x128x32 s3", "08d 128x256x32 s3", "08d 256x128x32 s3",
                           "08d 128x256x32 s4", "08d 128x128x64 s3", "08e loads spread over the k-steps"})
    EXPECT_TRUE(ladder::find_gemm(name).has_value()) << name;
}

TEST(Chapter08Requirements, TurnedAwayBeforeSm80AndWhenMisaligned) {
  const auto rung = ladder::find_gemm("08c cp.async 4-stage pipeline");
  ASSERT_TRUE(rung.has_value());
  alignas(16) static __nv_bfloat16 storage[256];
  ladder::Bf16GemmArgs args{8, 8, 8, 1.0f, 0.0f, storage, 8, storage, 8, storage, 8};
  EXPECT_FALSE(ladder::unsupported_reason(*rung, args, 80).has_value());
  EXPECT_FALSE(ladder::unsupported_reason(*rung, args, 90).has_value());
  const auto too_old = ladder::unsupported_reason(*rung, args, 75);
  ASSERT_TRUE(too_old.has_value());
  EXPECT_NE(too_old->find("compute capability 8.0"), std::string::npos) << *too_old;
  args.lda = 12;  // 24 bytes: rows of A no longer start on 16-byte boundaries
  EXPECT_TRUE(ladder::unsupported_reason(*rung, args, 90).has_value());
  const ladder::GemmArgs fp32_args{8, 8, 8, 1.0f, 0.0f, nullptr, 8, nullptr, 8, nullptr, 8};
  EXPECT_TRUE(ladder::unsupported_reason(*rung, fp32_args, 90).has_value()) << "a bf16 rung refuses fp32 problems";
}

TEST(Chapter08Requirements, TheMmaSyncPeakIsRegistered) {
  const auto peak = ladder::find_instruction_peak(kInstruction);
  ASSERT_TRUE(peak.has_value()) << "mma_peak.cu registers it";
  EXPECT_NE(peak->measure_tflops, nullptr);
  EXPECT_FALSE(peak->summary.empty());
}

// No GPU needed: the rate probe's FLOPs and its check of where its blocks ran.
TEST(Chapter08Peak, RateProbeCountsItsWork) {
  // 132 SMs x 2 blocks x 4 warps x 8192 iterations x 4 chains x 4096 FLOP per mma.sync.
  EXPECT_DOUBLE_EQ(ladder::mma_sync::rate_probe_flops({2, 4}, 132), 132.0 * 2 * 4 * 8192 * 4 * 4096);
  using ladder::mma_sync::rate_probe_spread_problem;
  EXPECT_EQ(rate_probe_spread_problem({0, 1, 1, 0}, 2, 2), "");
  EXPECT_EQ(rate_probe_spread_problem({0, 140}, 2, 1), "") << "SM ids need not be 0 .. sms - 1";
  EXPECT_EQ(rate_probe_spread_problem({0, 0, 0, 1}, 2, 2), "SM 0 ran 3 blocks, not 2");
  EXPECT_EQ(rate_probe_spread_problem({3, 3}, 2, 1), "the blocks ran on 1 SMs, not 2");
  // The median block's clocks over its warp's 8192 x chains mma.sync.
  using ladder::mma_sync::rate_probe_clocks_per_mma;
  EXPECT_DOUBLE_EQ(rate_probe_clocks_per_mma({1, 2}, {9 * 16384, 8 * 16384, 100 * 16384}), 9.0);
  EXPECT_DOUBLE_EQ(rate_probe_clocks_per_mma({1, 1}, {33 * 8192}), 33.0);
  EXPECT_THROW(rate_probe_clocks_per_mma({1, 1}, {}), std::invalid_argument);
}

}  // namespace
