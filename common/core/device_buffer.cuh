/// \file common/core/device_buffer.cuh
/// \brief DeviceBuffer: owning, move-only RAII wrapper around cudaMalloc.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "common/core/cuda_check.cuh"

namespace ladder {

/// A typed array in device memory, freed when it goes out of scope.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  /// Allocates `count` elements (uninitialised).
  explicit DeviceBuffer(std::size_t count) : count_(count) {
    if (count > 0) LADDER_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T)));
  }
  /// Allocates and copies a host vector to the device.
  explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) { upload(host); }
  ~DeviceBuffer() {
    if (data_ != nullptr) cudaFree(data_);  // no check: destructors must not throw
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), count_(std::exchange(other.count_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(count_, other.count_);
    return *this;
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return count_; }
  std::size_t bytes() const { return count_ * sizeof(T); }

  /// Copies host.size() elements (at most size()) from the host; the data is
  /// on the device when this returns. (cudaMemcpy from pageable memory may
  /// return once the bytes are staged, before they land, and kernels on a
  /// non-blocking stream are not ordered after it: hence the synchronisation.)
  void upload(const std::vector<T>& host) {
    if (host.size() > count_) throw std::length_error("DeviceBuffer::upload: host vector larger than buffer");
    if (host.empty()) return;  // nothing to copy (and no device pointer to copy to)
    LADDER_CUDA_CHECK(cudaMemcpy(data_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
    LADDER_CUDA_CHECK(cudaStreamSynchronize(cudaStreamLegacy));
  }
  /// Sets every byte to 0xFF, on `stream`: NaN in fp32 and in bf16, so that an element nobody
  /// writes afterwards shows up as NaN instead of passing as a plausible stale value.
  void fill_with_nan_bytes(cudaStream_t stream = nullptr) {
    if (count_ > 0) LADDER_CUDA_CHECK(cudaMemsetAsync(data_, 0xFF, bytes(), stream));
  }
  /// Copies the whole buffer back to a new host vector.
  std::vector<T> download() const {
    std::vector<T> host(count_);
    if (count_ > 0) LADDER_CUDA_CHECK(cudaMemcpy(host.data(), data_, bytes(), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace ladder
