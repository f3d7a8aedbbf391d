// time_on_gpu (common/core/timing.cuh) measures the GPU's time, not the host's: work whose
// host side takes longer than its kernel (cuDNN 9's legacy convolution call, on small
// layers) must not be timed as the host's pace. Work that waits for the GPU inside it must
// still finish, and be reported as host-bound. Skips, saying why, without a GPU.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/core/cuda_check.cuh"
#include "common/core/timing.cuh"
#include "common/gemm/testing/rung_test.cuh"

namespace ladder {
namespace {

__global__ void empty_kernel() {}

TEST(TimeOnGpu, LeavesOutTheHostsTimeToEnqueue) {
  LADDER_SKIP_WITHOUT_GPU();
  // Two milliseconds on the host before a kernel of microseconds: without the hold, the
  // events would record the start, wait for the host, and measure about 2 ms.
  const auto slow_host_work = [](cudaStream_t stream) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    empty_kernel<<<1, 1, 0, stream>>>();
  };
  const TimingStats stats = time_on_gpu(slow_host_work, TimingConfig{1, 5, /*flush_l2=*/false});
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_FALSE(stats.host_bound);
  EXPECT_LT(stats.median_ms, 0.5) << "the host's 2 ms between the events were timed";
}

TEST(TimeOnGpu, WorkThatWaitsForTheGpuFinishesAndIsReportedHostBound) {
  LADDER_SKIP_WITHOUT_GPU();
  const auto synchronising_work = [](cudaStream_t stream) {
    empty_kernel<<<1, 1, 0, stream>>>();
    LADDER_CUDA_CHECK(cudaStreamSynchronize(stream));  // waits for the hold: it must time out
  };
  const auto start = std::chrono::steady_clock::now();
  const TimingStats stats = time_on_gpu(synchronising_work, TimingConfig{0, 2, /*flush_l2=*/false});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(stats.host_bound);
  EXPECT_LT(seconds, 1.0) << "each hold gives up after 10 ms";
}

}  // namespace
}  // namespace ladder
