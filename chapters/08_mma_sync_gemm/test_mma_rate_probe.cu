/// \file test_mma_rate_probe.cu
/// \brief Chapter 08's peak and rate probe on the GPU: timings that another process's kernels
/// would distort (they time-share the GPU, and take SMs the probe's blocks must spread over),
/// so CTest runs this executable's tests alone (SERIAL in CMakeLists.txt).
///
///     ctest --test-dir build -R Chapter08Peak
#include <string>

#include "chapters/08_mma_sync_gemm/mma_peak.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/timing.cuh"
#include "common/gemm/testing/rung_test.cuh"

namespace {

constexpr const char* kInstruction = "mma.sync m16n8k16 bf16";

// On a GPU: the micro-benchmark runs and gives a plausible rate (above a tenth of a
// TFLOP/s, below 10 PFLOP/s: any sm_80+ GPU lies in between).
TEST(Chapter08Peak, MeasuresAPlausibleRate) {
  LADDER_SKIP_WITHOUT_GPU();
  const auto peak = ladder::find_instruction_peak(kInstruction);
  ASSERT_TRUE(peak.has_value());
  if (ladder::query_device().compute_capability < 80) GTEST_SKIP() << "bf16 mma.sync needs compute capability 8.0";
  const double tflops = peak->measure_tflops();
  EXPECT_GT(tflops, 0.1);
  EXPECT_LT(tflops, 10000.0);
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
