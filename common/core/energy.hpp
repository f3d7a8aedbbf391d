/// \file common/core/energy.hpp
/// \brief The GPU's energy counter and SM clock, read through NVML when the driver provides it.
#pragma once

#include <memory>
#include <optional>
#include <string>

namespace ladder {

/// Reads the GPU's total-energy counter, and its SM clock, through NVML, loaded at run time.
///
/// NVML (libnvidia-ml.so.1) comes with the NVIDIA driver, not with the CUDA
/// toolkit, so it is opened with dlopen when the meter is made: the build needs
/// neither the library nor its header, and a machine without a driver only
/// loses the energy numbers. The counter is in millijoules since the driver
/// loaded; the energy of a run is the difference of two reads around it.
class EnergyMeter {
 public:
  /// Opens NVML (LADDER_NVML_LIBRARY overrides the library path, for tests) and the
  /// device with this PCI bus id ("0000:01:00.0", as cudaDeviceGetPCIBusId gives it).
  explicit EnergyMeter(const std::string& pci_bus_id);
  ~EnergyMeter();  // nvmlShutdown + dlclose when opened
  EnergyMeter(const EnergyMeter&) = delete;
  EnergyMeter& operator=(const EnergyMeter&) = delete;

  /// True when the counter could be read once already, in the constructor.
  bool available() const;
  /// Why it is not available ("libnvidia-ml.so.1 not found: ...", "the GPU has no energy counter (NVML: Not
  /// Supported)"), empty when available.
  const std::string& unavailable_reason() const;
  /// The counter in joules, or nothing when unavailable or the read fails.
  std::optional<double> joules() const;
  /// The SM clock now, in MHz (NVML's current clock, not the peak the CUDA runtime reports),
  /// or nothing when unavailable or the read fails. Read while a kernel runs, it shows
  /// the clock the GPU sustains under that load, which power and heat may hold below peak.
  std::optional<double> sm_clock_mhz() const;

 private:
  struct Nvml;                  // the opened library and its entry points (energy.cpp)
  std::unique_ptr<Nvml> nvml_;  // null when unavailable
  std::string unavailable_reason_;
};

}  // namespace ladder
