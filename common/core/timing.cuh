/// \file common/core/timing.cuh
/// \brief GPU timing with CUDA events: warm-up, repeats, median, L2 flush.
#pragma once

#include <cuda_runtime.h>

#include <functional>
#include <optional>
#include <vector>

#include "common/core/metrics.hpp"  // median

namespace ladder {

class EnergyMeter;  // common/core/energy.hpp

/// How to time.
struct TimingConfig {
  int warmup = 2;        ///< untimed runs first: clocks ramp up, caches and TLBs warm
  int repeat = 10;       ///< timed runs; the median is reported
  bool flush_l2 = true;  ///< overwrite the L2 cache before each timed run, so A and B come from DRAM
  /// Each timed run between cudaProfilerStart and cudaProfilerStop, for a profiler started with
  /// profiling off (ncu --profile-from-start off): it then sees these runs and nothing else.
  bool profiler_ranges = false;
};

/// Milliseconds per run over `repeats` timed runs.
struct TimingStats {
  double median_ms = 0;
  double min_ms = 0;
  double max_ms = 0;
  int repeats = 0;
  /// The work waited for the GPU while it was being enqueued (a synchronising call inside it),
  /// so the GPU could not be held until the whole run was enqueued: the times may include
  /// host time between its launches.
  bool host_bound = false;
};

/// Runs `work` once on the default stream and waits for it: a first call's own work (a
/// library's algorithm search, lazy module loading) then stays out of whatever is timed next,
/// even with no warm-up, and a fault surfaces here.
void run_once_untimed(const std::function<void(cudaStream_t)>& work);

/// Times `work(stream)`: each timed run sits between two events recorded on
/// `stream`, and the L2 flush happens outside them. A kernel holds the stream until
/// the host has enqueued the whole run, so that only GPU time is measured, not the
/// host's time to make the calls (unless `work` waits for the GPU: `host_bound`).
/// LADDER_STREAM_HOLD=0 in the environment turns the hold off (run_gpu.sh does so under
/// compute-sanitizer and Nsight Compute, which serialise launches), as does profiler_ranges.
/// The median resists the odd slow run (another process, a clock change).
/// The L2 flush buffer is allocated once per process.
TimingStats time_on_gpu(const std::function<void(cudaStream_t)>& work, const TimingConfig& config,
                        cudaStream_t stream = nullptr);

/// Energy per run of some GPU work, from the board's total-energy counter.
struct EnergyStats {
  double joules_per_run = 0;
  int runs = 0;        ///< runs inside the window
  double seconds = 0;  ///< wall-clock length of the window
  /// The SM clock (NVML) read while the window's last batch ran, so under this work's own
  /// load; 0 when it could not be read.
  double sm_clock_mhz = 0;
};

/// Runs `work(stream)` back to back for at least `min_seconds` (batches sized
/// from `seconds_per_run`, the timed median, then from the window so far),
/// and divides the counter's growth by the runs. There is no L2 flush in the
/// window: the flush would add energy of its own. The counter is updated in
/// steps (tens of milliseconds), so the window must be long for the figure to
/// be steady. Nothing when a read of the counter fails. The SM clock is read
/// after each batch is queued, while the GPU runs it.
std::optional<EnergyStats> measure_energy(const std::function<void(cudaStream_t)>& work, const EnergyMeter& meter,
                                          double min_seconds, double seconds_per_run, cudaStream_t stream = nullptr);

}  // namespace ladder
