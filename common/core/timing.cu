#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <cuda_profiler_api.h>

#include "common/core/device_buffer.cuh"
#include "common/core/energy.hpp"
#include "common/core/timing.cuh"

namespace ladder {

namespace {

/// RAII for a cudaEvent_t.
class Event {
 public:
  Event() { LADDER_CUDA_CHECK(cudaEventCreate(&event_)); }
  ~Event() { cudaEventDestroy(event_); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  cudaEvent_t get() const { return event_; }

 private:
  cudaEvent_t event_ = nullptr;
};

/// Writing twice the L2 size evicts whatever the previous run left there.
/// One buffer per device serves the whole process: allocating it per timed
/// call (a 2×L2 cudaMalloc and a synchronising cudaFree) costs more than the
/// small GEMM it brackets, and a benchmark makes tens of thousands of such
/// calls. Per device, because a buffer of one GPU is not memory another can
/// write (chapter 14's replicas time their tiles, each on its own GPU). The
/// buffers are never freed: the driver reclaims them at exit, when cudaFree
/// could no longer run.
void flush_l2(cudaStream_t stream) {
  static std::mutex buffers_mutex;
  static std::map<int, DeviceBuffer<char>*> buffers;
  int device = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  DeviceBuffer<char>* buffer = nullptr;
  {
    const std::lock_guard<std::mutex> lock(buffers_mutex);
    DeviceBuffer<char>*& slot = buffers[device];
    if (slot == nullptr) {
      int l2_bytes = 0;
      LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, device));
      slot = new DeviceBuffer<char>(std::size_t(2) * std::max(l2_bytes, 1 << 20));
    }
    buffer = slot;
  }
  LADDER_CUDA_CHECK(cudaMemsetAsync(buffer->data(), 0, buffer->bytes(), stream));
}

}  // namespace

void run_once_untimed(const std::function<void(cudaStream_t)>& work) {
  work(nullptr);
  LADDER_CUDA_CHECK(cudaDeviceSynchronize());
}

TimingStats time_on_gpu(const std::function<void(cudaStream_t)>& work, const TimingConfig& config,
                        cudaStream_t stream) {
  for (int i = 0; i < config.warmup; ++i) work(stream);

  Event start, stop;
  std::vector<double> times_ms;
  for (int i = 0; i < config.repeat; ++i) {
    if (config.flush_l2) flush_l2(stream);
    if (config.profiler_ranges) LADDER_CUDA_CHECK(cudaProfilerStart());  // host calls: outside the events' span
    LADDER_CUDA_CHECK(cudaEventRecord(start.get(), stream));
    work(stream);
    LADDER_CUDA_CHECK(cudaEventRecord(stop.get(), stream));
    if (config.profiler_ranges) LADDER_CUDA_CHECK(cudaProfilerStop());
    LADDER_CUDA_CHECK(cudaEventSynchronize(stop.get()));
    float elapsed_ms = 0;
    LADDER_CUDA_CHECK(cudaEventElapsedTime(&elapsed_ms, start.get(), stop.get()));
    times_ms.push_back(elapsed_ms);
  }
  TimingStats stats;
  stats.repeats = config.repeat;
  if (!times_ms.empty()) {
    stats.median_ms = median(times_ms);
    stats.min_ms = *std::min_element(times_ms.begin(), times_ms.end());
    stats.max_ms = *std::max_element(times_ms.begin(), times_ms.end());
  }
  return stats;
}

std::optional<EnergyStats> measure_energy(const std::function<void(cudaStream_t)>& work, const EnergyMeter& meter,
                                          double min_seconds, double seconds_per_run, cudaStream_t stream) {
  if (!(min_seconds >= 0 && min_seconds <= 3600))  // NaN too: the batch count below would be undefined
    throw std::invalid_argument("measure_energy: min_seconds must be 0 .. 3600, got " + std::to_string(min_seconds));
  using Clock = std::chrono::steady_clock;
  LADDER_CUDA_CHECK(cudaStreamSynchronize(stream));
  const std::optional<double> joules_before = meter.joules();
  const Clock::time_point start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  int runs = 0;
  std::optional<double> clock_mhz;
  // Batches sized from the time per run so far: few host round trips, and
  // the GPU never idles inside the window except for one sync per batch.
  while (runs == 0 || elapsed() < min_seconds) {
    const double per_run = runs > 0 ? elapsed() / runs : seconds_per_run;
    const int batch = int(std::clamp(std::ceil((min_seconds - elapsed()) / std::max(per_run, 1e-6)), 1.0, 1e6));
    for (int i = 0; i < batch; ++i) work(stream);
    runs += batch;
    clock_mhz = meter.sm_clock_mhz();  // the batch is queued and running
    LADDER_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  const double seconds = elapsed();
  const std::optional<double> joules_after = meter.joules();
  if (!joules_before || !joules_after || *joules_after <= *joules_before) return std::nullopt;
  return EnergyStats{(*joules_after - *joules_before) / runs, runs, seconds, clock_mhz.value_or(0.0)};
}

}  // namespace ladder
