#include <algorithm>
#include <optional>
#include <vector>

#include "common/device_buffer.cuh"
#include "common/timing.cuh"

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
class L2Flusher {
 public:
  L2Flusher() {
    int device = 0, l2_bytes = 0;
    LADDER_CUDA_CHECK(cudaGetDevice(&device));
    LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, device));
    buffer_ = DeviceBuffer<char>(std::size_t(2) * std::max(l2_bytes, 1 << 20));
  }
  void flush(cudaStream_t stream) { LADDER_CUDA_CHECK(cudaMemsetAsync(buffer_.data(), 0, buffer_.bytes(), stream)); }

 private:
  DeviceBuffer<char> buffer_;
};

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

TimingStats time_on_gpu(const std::function<void(cudaStream_t)>& work, const TimingConfig& config,
                        cudaStream_t stream) {
  std::optional<L2Flusher> flusher;
  if (config.flush_l2) flusher.emplace();
  for (int i = 0; i < config.warmup; ++i) work(stream);

  Event start, stop;
  std::vector<double> times_ms;
  for (int i = 0; i < config.repeat; ++i) {
    if (flusher) flusher->flush(stream);
    LADDER_CUDA_CHECK(cudaEventRecord(start.get(), stream));
    work(stream);
    LADDER_CUDA_CHECK(cudaEventRecord(stop.get(), stream));
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

}  // namespace ladder
