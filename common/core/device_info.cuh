/// \file common/core/device_info.cuh
/// \brief What GPU this is, and what it can do at best (measured ceilings).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace ladder {

/// FP32 lanes (CUDA cores) per SM: one fused multiply-add per lane per clock.
/// From NVIDIA's architecture whitepapers and the CUDA programming guide's
/// throughput table; 0 for an architecture not listed here.
constexpr int fp32_lanes_per_sm(int compute_capability) {
  switch (compute_capability) {
    case 70:
    case 72:
    case 75:
    case 80:  // Volta, Turing, A100: 4 sub-partitions x 16
      return 64;
    case 86:
    case 87:
    case 89:
    case 90:
    case 100:
    case 103:
    case 120:
    case 121:  // 4 x 32
      return 128;
    default:
      return 0;
  }
}

/// Peak FP32 rate in TFLOP/s: SMs x lanes x 2 FLOP (a multiply and an add) x clock.
constexpr double fp32_peak_tflops(int sm_count, int lanes_per_sm, double clock_mhz) {
  return sm_count * double(lanes_per_sm) * 2.0 * clock_mhz * 1e6 / 1e12;
}

/// Properties of one device, as reported by the CUDA runtime.
struct DeviceInfo {
  int index = 0;
  std::string name;
  int compute_capability = 0;  ///< major * 10 + minor: 90 for an H100/H200
  int sm_count = 0;
  double sm_clock_mhz = 0;      ///< peak SM clock
  double memory_clock_mhz = 0;  ///< peak memory clock
  int memory_bus_bits = 0;
  std::size_t total_memory = 0;  ///< bytes
  std::size_t free_memory = 0;   ///< bytes, when queried
  std::size_t l2_bytes = 0;
  std::size_t shared_memory_per_block_optin = 0;  ///< the most a kernel may request
  std::string pci_bus_id;                         ///< "0000:01:00.0"; NVML names the device by it
  int driver_version = 0;                         ///< e.g. 13000 for 13.0
  int runtime_version = 0;                        ///< CUDA runtime this program was built with
  /// Peak DRAM bandwidth from the memory clock and bus width (GB/s, 1e9 B/s).
  double theoretical_bandwidth_gbs() const;
};

/// Why no CUDA device can be used (no driver, no device, ...), or nothing when one can.
std::optional<std::string> no_device_reason();

/// For a program that cannot run without a GPU: true when a device can be used; otherwise
/// prints "<program>: <reason>; <needs>" on stderr and returns false.
bool device_usable_or_say_why(const std::string& program, const std::string& needs);

/// Queries device `index` (the current device by default). Throws CudaError without one.
DeviceInfo query_device(int index = -1);

/// A few lines: name, compute capability, SMs, clocks, memory, driver and CUDA versions.
std::string describe(const DeviceInfo& info);

/// "13.0" from 13000.
std::string cuda_version_string(int version);

}  // namespace ladder
