// SectionTimer (common/core/section_timer.cuh) on kernels of known relative length: each
// section gets the time of its own launches, an open section carries over to the next
// collect(), and a stop leaves the gap after it untimed. Skips, saying why, without a GPU.
#include <gtest/gtest.h>

#include <cstdint>

#include "common/core/section_timer.cuh"
#include "common/gemm/testing/rung_test.cuh"

namespace ladder {
namespace {

/// Spins for about `cycles` clock cycles.
__global__ void spin(long long cycles) {
  const long long start = clock64();
  while (clock64() - start < cycles) {
  }
}

TEST(SectionTimer, EachSectionGetsItsOwnLaunches) {
  LADDER_SKIP_WITHOUT_GPU();
  SectionTimer timer;
  constexpr long long kCycles = 2'000'000;  // about a millisecond at 1.5-2 GHz
  // Untimed first: the kernel's first launch loads it, and a GPU that sat idle raises its
  // clock under load. Either, inside the first "long" section, would stretch it.
  spin<<<1, 1>>>(8 * kCycles);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  for (int repeat = 0; repeat < 2; ++repeat) {
    timer.mark("long", nullptr);
    spin<<<1, 1>>>(4 * kCycles);
    timer.mark("short", nullptr);
    spin<<<1, 1>>>(kCycles);
    timer.stop(nullptr);
    spin<<<1, 1>>>(8 * kCycles);  // after the stop: in no section
    timer.collect();
  }
  ASSERT_EQ(cudaGetLastError(), cudaSuccess);
  ASSERT_EQ(timer.totals().size(), 2u);
  const SectionTimer::Total &long_section = timer.totals()[0], &short_section = timer.totals()[1];
  EXPECT_EQ(long_section.name, "long");
  EXPECT_EQ(long_section.count, 2);
  EXPECT_EQ(short_section.count, 2);
  const double ratio = long_section.milliseconds / short_section.milliseconds;
  EXPECT_GT(ratio, 3.0) << long_section.milliseconds << " ms vs " << short_section.milliseconds << " ms";
  // 4 to 1 in cycles; a clock that moves between sections bends that, a leak breaks it: the
  // spin after the stop in "short" gives 4/9, in "long" (at the next mark) 12/1.
  EXPECT_LT(ratio, 8.0) << "the untimed spin after the stop leaked into a section";
}

TEST(SectionTimer, AnOpenSectionCarriesOverToTheNextCollect) {
  LADDER_SKIP_WITHOUT_GPU();
  SectionTimer timer;
  timer.mark("open", nullptr);
  spin<<<1, 1>>>(1'000'000);
  timer.collect();  // nothing closed yet
  EXPECT_EQ(timer.totals()[0].count, 0);
  spin<<<1, 1>>>(1'000'000);
  timer.stop(nullptr);
  timer.collect();
  EXPECT_EQ(timer.totals()[0].count, 1);
  EXPECT_GT(timer.totals()[0].milliseconds, 0.0);
}

}  // namespace
}  // namespace ladder
