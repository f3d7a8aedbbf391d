#include "common/core/energy.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <type_traits>

namespace ladder {
namespace {

// The few NVML entry points used here, declared by hand instead of including
// nvml.h: the header is not in every CUDA toolkit, and the library is opened at
// run time anyway. These are NVML's documented C signatures. nvmlReturn_t is a
// C enum (int-sized) where 0 is success; nvmlDevice_t is an opaque pointer.
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr nvmlReturn_t kNvmlErrorNotSupported = 3;  // e.g. the energy counter before Volta
constexpr int kNvmlClockSm = 1;                     // NVML_CLOCK_SM of nvmlClockType_t

constexpr const char* kDefaultLibrary = "libnvidia-ml.so.1";  // the driver's, found by the loader

}  // namespace

struct EnergyMeter::Nvml {
  void* library = nullptr;
  bool initialised = false;  // nvmlInit_v2 succeeded, so nvmlShutdown is owed
  nvmlDevice_t device = nullptr;

  nvmlReturn_t (*init)() = nullptr;                                                       // nvmlInit_v2
  nvmlReturn_t (*shutdown)() = nullptr;                                                   // nvmlShutdown
  const char* (*error_string)(nvmlReturn_t) = nullptr;                                    // nvmlErrorString
  nvmlReturn_t (*handle_by_pci_bus_id)(const char*, nvmlDevice_t*) = nullptr;             // ..._v2
  nvmlReturn_t (*total_energy_consumption)(nvmlDevice_t, unsigned long long*) = nullptr;  // millijoules
  nvmlReturn_t (*clock_info)(nvmlDevice_t, int, unsigned int*) = nullptr;                 // MHz; optional

  ~Nvml() {
    if (initialised) shutdown();
    if (library != nullptr) dlclose(library);
  }

  /// "NVML: Not Supported": NVML's own words for a failed call.
  std::string error(nvmlReturn_t code) const {
    const char* text = error_string(code);
    return "NVML: " + (text != nullptr ? std::string(text) : "error " + std::to_string(code));
  }

  /// Opens everything and reads the counter once; returns why not, or "" on success.
  std::string open(const std::string& pci_bus_id) {
    const char* override_path = std::getenv("LADDER_NVML_LIBRARY");
    const std::string path = override_path != nullptr && *override_path != '\0' ? override_path : kDefaultLibrary;
    library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      const char* why = dlerror();
      return path + " not found: " + (why != nullptr ? why : "dlopen failed");
    }

    std::string missing;  // the first entry point the library lacks
    const auto load = [&](const char* symbol, auto& function) {
      function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(dlsym(library, symbol));
      if (function == nullptr && missing.empty()) missing = symbol;
    };
    load("nvmlInit_v2", init);
    load("nvmlShutdown", shutdown);
    load("nvmlErrorString", error_string);
    load("nvmlDeviceGetHandleByPciBusId_v2", handle_by_pci_bus_id);
    load("nvmlDeviceGetTotalEnergyConsumption", total_energy_consumption);
    if (!missing.empty()) return path + " has no " + missing + " (is the driver too old?)";
    // The clock is extra: without it the energy columns still stand, and the clock says n/a.
    clock_info = reinterpret_cast<decltype(clock_info)>(dlsym(library, "nvmlDeviceGetClockInfo"));

    if (const nvmlReturn_t code = init(); code != kNvmlSuccess) return "NVML does not start (" + error(code) + ")";
    initialised = true;
    if (const nvmlReturn_t code = handle_by_pci_bus_id(pci_bus_id.c_str(), &device); code != kNvmlSuccess) {
      return "NVML does not know the GPU at PCI bus id " + pci_bus_id + " (" + error(code) + ")";
    }
    // A first read, so that a GPU without the counter (before Volta) is told apart now, not at every read.
    unsigned long long millijoules = 0;
    const nvmlReturn_t code = total_energy_consumption(device, &millijoules);
    if (code == kNvmlErrorNotSupported) return "the GPU has no energy counter (" + error(code) + ")";
    if (code != kNvmlSuccess) return "the GPU's energy counter cannot be read (" + error(code) + ")";
    return "";
  }
};

EnergyMeter::EnergyMeter(const std::string& pci_bus_id) : nvml_(std::make_unique<Nvml>()) {
  unavailable_reason_ = nvml_->open(pci_bus_id);
  if (!unavailable_reason_.empty()) nvml_.reset();  // shuts NVML down and closes the library
}

EnergyMeter::~EnergyMeter() = default;

bool EnergyMeter::available() const { return nvml_ != nullptr; }

const std::string& EnergyMeter::unavailable_reason() const { return unavailable_reason_; }

std::optional<double> EnergyMeter::joules() const {
  if (!available()) return std::nullopt;
  unsigned long long millijoules = 0;
  if (nvml_->total_energy_consumption(nvml_->device, &millijoules) != kNvmlSuccess) return std::nullopt;
  return static_cast<double>(millijoules) / 1000.0;
}

std::optional<double> EnergyMeter::sm_clock_mhz() const {
  if (!available() || nvml_->clock_info == nullptr) return std::nullopt;
  unsigned int mhz = 0;
  if (nvml_->clock_info(nvml_->device, kNvmlClockSm, &mhz) != kNvmlSuccess || mhz == 0) return std::nullopt;
  return static_cast<double>(mhz);
}

}  // namespace ladder
