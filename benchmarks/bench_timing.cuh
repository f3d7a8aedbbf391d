/// \file benchmarks/bench_timing.cuh
/// \brief How bench_gemm and bench_conv time a rung: one warm-up run, then one run per Google
/// Benchmark iteration, L2 flushed before it, its GPU time (CUDA events) the iteration's
/// manual time.
#pragma once

#include <benchmark/benchmark.h>
#include <cuda_runtime.h>

#include <functional>

#include "common/core/timing.cuh"

namespace ladder {

/// Times `work` as above and returns its mean seconds per run, the time Google Benchmark
/// reports. The warm-up takes module loading, handle creation and cuDNN's algorithm
/// search out of the timed runs; a failure there throws before any iteration.
inline double time_flushed_iterations(benchmark::State& state, const std::function<void(cudaStream_t)>& work) {
  run_once_untimed(work);
  const TimingConfig one_run{/*warmup=*/0, /*repeat=*/1, /*flush_l2=*/true};
  double total_seconds = 0;
  for (auto _ : state) {
    const double seconds = time_on_gpu(work, one_run).median_ms * 1e-3;
    state.SetIterationTime(seconds);
    total_seconds += seconds;
  }
  return total_seconds / double(state.iterations());
}

}  // namespace ladder
