#include <iostream>
#include <sstream>
#include <vector>

#include "common/core/cuda_check.cuh"
#include "common/core/device_info.cuh"

namespace ladder {

double DeviceInfo::theoretical_bandwidth_gbs() const {
  // Double data rate: two transfers per clock, bus_bits / 8 bytes each.
  return 2.0 * memory_clock_mhz * 1e6 * (memory_bus_bits / 8.0) / 1e9;
}

std::optional<std::string> no_device_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error so later calls are not confused by it
    return std::string("no usable CUDA device (") + cudaGetErrorName(status) + ": " + cudaGetErrorString(status) + ")";
  }
  if (count == 0) return std::string("no CUDA device found");
  return std::nullopt;
}

bool device_usable_or_say_why(const std::string& program, const std::string& needs) {
  const auto reason = no_device_reason();
  if (reason) std::cerr << program << ": " << *reason << "; " << needs << "\n";
  return !reason;
}

DeviceInfo query_device(int index) {
  if (index < 0) LADDER_CUDA_CHECK(cudaGetDevice(&index));
  const auto attribute = [index](cudaDeviceAttr which) {
    int value = 0;
    LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&value, which, index));
    return value;
  };
  DeviceInfo info;
  info.index = index;
  cudaDeviceProp properties{};
  LADDER_CUDA_CHECK(cudaGetDeviceProperties(&properties, index));
  info.name = properties.name;
  info.compute_capability = properties.major * 10 + properties.minor;
  info.sm_count = properties.multiProcessorCount;
  info.total_memory = properties.totalGlobalMem;
  info.l2_bytes = std::size_t(properties.l2CacheSize);
  info.shared_memory_per_block_optin = properties.sharedMemPerBlockOptin;
  info.sm_clock_mhz = attribute(cudaDevAttrClockRate) / 1000.0;  // reported in kHz
  info.memory_clock_mhz = attribute(cudaDevAttrMemoryClockRate) / 1000.0;
  info.memory_bus_bits = attribute(cudaDevAttrGlobalMemoryBusWidth);
  char bus_id[32] = {};  // "0000:01:00.0": how NVML finds the same GPU
  LADDER_CUDA_CHECK(cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, index));
  info.pci_bus_id = bus_id;
  LADDER_CUDA_CHECK(cudaDriverGetVersion(&info.driver_version));
  LADDER_CUDA_CHECK(cudaRuntimeGetVersion(&info.runtime_version));
  int current = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&current));
  if (current == index) {
    std::size_t free_bytes = 0, total_bytes = 0;
    LADDER_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    info.free_memory = free_bytes;
  }
  return info;
}

std::string cuda_version_string(int version) {
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

std::string describe(const DeviceInfo& info) {
  std::ostringstream text;
  text.setf(std::ios::fixed);
  text.precision(1);
  text << "device " << info.index << ": " << info.name << ", compute capability " << info.compute_capability / 10 << "."
       << info.compute_capability % 10 << ", " << info.sm_count << " SMs at up to " << info.sm_clock_mhz << " MHz\n"
       << "memory: " << info.total_memory / double(1 << 30) << " GiB (" << info.free_memory / double(1 << 30)
       << " free), " << info.memory_bus_bits << "-bit at " << info.memory_clock_mhz
       << " MHz = " << info.theoretical_bandwidth_gbs() << " GB/s peak, L2 " << info.l2_bytes / double(1 << 20)
       << " MiB\n"
       << "driver supports CUDA " << cuda_version_string(info.driver_version) << ", runtime CUDA "
       << cuda_version_string(info.runtime_version);
  return text.str();
}

}  // namespace ladder
