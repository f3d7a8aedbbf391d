/// \file timing.cuh
/// \brief GPU timing with CUDA events: warm-up, repeats, median, L2 flush.
#pragma once

#include <cuda_runtime.h>

#include <functional>
#include <vector>

namespace ladder {

/// How to time.
struct TimingConfig {
  int warmup = 2;        ///< untimed runs first: clocks ramp up, caches and TLBs warm
  int repeat = 10;       ///< timed runs; the median is reported
  bool flush_l2 = true;  ///< overwrite the L2 cache before each timed run, so A and B come from DRAM
};

/// Milliseconds per run over `repeats` timed runs.
struct TimingStats {
  double median_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
  int repeats = 0;
};

/// Times `work(stream)`: each timed run sits between two events recorded on
/// `stream`, so only GPU time is measured, and the L2 flush happens outside them.
/// The median resists the odd slow run (another process, a clock change).
TimingStats time_on_gpu(const std::function<void(cudaStream_t)>& work, const TimingConfig& config,
                        cudaStream_t stream = nullptr);

/// Median of the values (by copy); 0 for none.
double median(std::vector<double> values);

}  // namespace ladder
