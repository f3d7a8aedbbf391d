#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
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

/// Holds its stream until the host sets `*released`: the host enqueues a whole timed run behind
/// it, flush, events and work, then lets it go, and the GPU runs them back to back. Without it
/// the events also measure the host: work whose calls take longer on the host than their
/// kernels take on the GPU (cuDNN 9's legacy convolution call does, on small layers) leaves
/// the GPU idle between the start event and its kernel. Gives up after `timeout_ns`, and says
/// so in `*timed_out`, so that work which itself waits for the GPU is delayed, never hung.
__global__ void hold_stream_kernel(const volatile int* released, int* timed_out, long long timeout_ns) {
  const auto nanoseconds_now = [] {
    long long now = 0;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));  // the GPU's global timer: for timeouts
    return now;
  };
  const long long start = nanoseconds_now();
  while (*released == 0) {
    if (nanoseconds_now() - start > timeout_ns) {
      *timed_out = 1;
      return;
    }
#if __CUDA_ARCH__ >= 700
    __nanosleep(1000);
#endif
  }
}

/// Two ints of pinned host memory that every GPU reads and writes directly: the hold's release
/// flag and its timeout flag. One pair per host thread (chapter 14's replicas time on several
/// threads at once), allocated on first use and never freed, like the flush buffers: a
/// benchmark times tens of thousands of runs, and cudaFreeHost synchronises. Where mapped host
/// memory cannot be had, or LADDER_STREAM_HOLD=0 (run_gpu.sh's sanitizer and profiler runs,
/// which serialise launches, so that every hold would time out), there is no hold: the events
/// then also count any host time inside the work, as before.
class HoldFlags {
 public:
  static HoldFlags& of_this_thread() {
    thread_local HoldFlags flags;
    return flags;
  }

  /// Holds `stream`, unless there is no hold or one is already under way on this thread (a
  /// timing inside the work of another). Returns whether it did.
  bool hold(cudaStream_t stream) {
    if (flags_ == nullptr || holding_) return false;
    int* device_flags = nullptr;
    LADDER_CUDA_CHECK(cudaHostGetDevicePointer(reinterpret_cast<void**>(&device_flags), flags_, 0));
    flags_[0] = flags_[1] = 0;
    hold_stream_kernel<<<1, 1, 0, stream>>>(device_flags, device_flags + 1, kHoldTimeoutNs);
    LADDER_CUDA_CHECK(cudaGetLastError());
    holding_ = true;
    return true;
  }
  void release() {
    reinterpret_cast<volatile int*>(flags_)[0] = 1;
    holding_ = false;
  }
  bool timed_out() const { return reinterpret_cast<const volatile int*>(flags_)[1] != 0; }

 private:
  HoldFlags() {
    const char* setting = std::getenv("LADDER_STREAM_HOLD");
    if (setting != nullptr && std::string(setting) == "0") return;
    if (cudaHostAlloc(reinterpret_cast<void**>(&flags_), 2 * sizeof(int),
                      cudaHostAllocMapped | cudaHostAllocPortable) != cudaSuccess) {
      cudaGetLastError();  // not sticky: the timing goes on without the hold
      flags_ = nullptr;
    }
  }
  // Enqueueing one run takes the host microseconds; longer means the work waited for the GPU.
  static constexpr long long kHoldTimeoutNs = 10'000'000;
  int* flags_ = nullptr;  // null: no hold
  bool holding_ = false;
};

}  // namespace

void run_once_untimed(const std::function<void(cudaStream_t)>& work) {
  work(nullptr);
  LADDER_CUDA_CHECK(cudaDeviceSynchronize());
}

TimingStats time_on_gpu(const std::function<void(cudaStream_t)>& work, const TimingConfig& config,
                        cudaStream_t stream) {
  for (int i = 0; i < config.warmup; ++i) work(stream);

  Event start, stop;
  HoldFlags& hold = HoldFlags::of_this_thread();
  bool host_bound = false;
  std::vector<double> times_ms;
  for (int i = 0; i < config.repeat; ++i) {
    // A profiler serialises launches: the work's first one would wait for the hold to time out.
    const bool held = !config.profiler_ranges && hold.hold(stream);
    try {
      if (config.flush_l2) flush_l2(stream);
      if (config.profiler_ranges) LADDER_CUDA_CHECK(cudaProfilerStart());  // host calls: outside the events' span
      LADDER_CUDA_CHECK(cudaEventRecord(start.get(), stream));
      work(stream);
      LADDER_CUDA_CHECK(cudaEventRecord(stop.get(), stream));
      if (config.profiler_ranges) LADDER_CUDA_CHECK(cudaProfilerStop());
    } catch (...) {
      if (held) hold.release();  // a failed run leaves no hold behind to stall the next
      throw;
    }
    if (held) hold.release();
    LADDER_CUDA_CHECK(cudaEventSynchronize(stop.get()));
    if (held && hold.timed_out()) host_bound = true;
    float elapsed_ms = 0;
    LADDER_CUDA_CHECK(cudaEventElapsedTime(&elapsed_ms, start.get(), stop.get()));
    times_ms.push_back(elapsed_ms);
  }
  if (host_bound) {
    static std::once_flag said_so;
    std::call_once(said_so, [] {
      std::cerr << "note: a timed run waited for the GPU while it was being enqueued: its time may include "
                   "host time between its launches\n";
    });
  }
  TimingStats stats;
  stats.repeats = config.repeat;
  stats.host_bound = host_bound;
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
