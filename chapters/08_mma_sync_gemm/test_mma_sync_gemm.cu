/// \file test_mma_sync_gemm.cu
/// \brief Chapter 08 on the GPU: the shared rung tests for every rung, and, without a GPU,
/// what each rung declares, that the mma.sync peak is registered, and the rate probe's
/// arithmetic.
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
#include "common/core/device_buffer.cuh"
#include "common/core/timing.cuh"
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

// On a GPU: the micro-benchmark runs and gives a plausible rate (above a tenth of a
// TFLOP/s, below 10 PFLOP/s: any sm_80+ GPU lies in between).
TEST(Chapter08Peak, MeasuresAPlausibleRate) {
  LADDER_SKIP_WITHOUT_GPU();
  const auto peak = ladder::find_instruction_peak(kInstruction);
  ASSERT_TRUE(peak.has_value());
  int device = 0, major = 0;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device), cudaSuccess);
  if (major < 8) GTEST_SKIP() << "bf16 mma.sync needs compute capability 8.0";
  const double tflops = peak->measure_tflops();
  EXPECT_GT(tflops, 0.1);
  EXPECT_LT(tflops, 10000.0);
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

TEST(Chapter08Peak, RateProbeSpreadsItsBlocksAndGrowsWithChains) {
  LADDER_SKIP_WITHOUT_GPU();
  int device = 0, major = 0, sms = 0, max_clock_khz = 0;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), cudaSuccess);
  ASSERT_EQ(cudaDeviceGetAttribute(&max_clock_khz, cudaDevAttrClockRate, device), cudaSuccess);
  if (major < 8) GTEST_SKIP() << "bf16 mma.sync needs compute capability 8.0";
  struct ProbePoint {
    double tflops, clocks_per_mma;  // clocks_per_mma: SM clocks per mma.sync of one warp
  };
  const auto measure = [sms](ladder::mma_sync::RateProbe probe) {
    EXPECT_EQ(ladder::mma_sync::rate_probe_problem(probe), "");
    const std::size_t blocks = std::size_t(sms) * probe.warps_per_scheduler;
    ladder::DeviceBuffer<int> block_sm(blocks);
    ladder::DeviceBuffer<long long> block_clocks(blocks);
    const ladder::TimingStats stats = ladder::time_on_gpu(
        [&](cudaStream_t stream) {
          ladder::mma_sync::launch_rate_probe(probe, sms, block_sm.data(), block_clocks.data(), stream);
        },
        ladder::TimingConfig{/*warmup=*/1, /*repeat=*/3, /*flush_l2=*/false});
    EXPECT_EQ(ladder::mma_sync::rate_probe_spread_problem(block_sm.download(), sms, probe.warps_per_scheduler), "");
    return ProbePoint{ladder::mma_sync::rate_probe_flops(probe, sms) / (stats.median_ms * 1e-3) / 1e12,
                      ladder::mma_sync::rate_probe_clocks_per_mma(probe, block_clocks.download())};
  };
  const ProbePoint one_chain = measure({1, 1}), eight_chains = measure({1, 8});
  EXPECT_GT(one_chain.tflops, 0.1);
  // One chain waits out each mma.sync's whole latency; eight overlap theirs.
  EXPECT_GT(eight_chains.tflops, 1.5 * one_chain.tflops)
      << one_chain.tflops << " TFLOP/s with one chain, " << eight_chains.tflops << " with 8";
  // A latency of a few to some tens of clocks; eight chains issue one more often than that.
  EXPECT_GT(one_chain.clocks_per_mma, 4.0);
  EXPECT_LT(one_chain.clocks_per_mma, 200.0);
  EXPECT_LT(eight_chains.clocks_per_mma, one_chain.clocks_per_mma)
      << one_chain.clocks_per_mma << " clocks per mma.sync with one chain, " << eight_chains.clocks_per_mma
      << " with 8";
  // The clocks and the timing describe the same launches. With one chain, each of an SM's warps
  // finishes a 4096-FLOP mma.sync every `latency` clocks, so the TFLOP/s at the highest clock
  // bound the latency from above; a slower clock or the launch's own time only raise the bound.
  const double latency_bound =
      sms * ladder::mma_sync::kRateProbeWarpsPerBlock * 4096.0 * max_clock_khz * 1e3 / (one_chain.tflops * 1e12);
  EXPECT_LT(one_chain.clocks_per_mma, 1.1 * latency_bound)
      << one_chain.clocks_per_mma << " clocks per mma.sync, but " << one_chain.tflops << " TFLOP/s at most "
      << max_clock_khz / 1000 << " MHz allow at most " << latency_bound;
}

}  // namespace
