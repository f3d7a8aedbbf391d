// A stand-in for libnvidia-ml.so.1, so that EnergyMeter's dlopen path is tested on
// machines without an NVIDIA driver. It exports the six NVML entry points the
// meter uses, with NVML's C signatures and return codes:
//   - one GPU, at PCI bus id 0000:01:00.0; any other id answers NVML_ERROR_NOT_FOUND;
//   - its energy counter starts at kStartMillijoules and advances by
//     kStepMillijoules at every read (test_energy.cpp relies on both numbers);
//   - with FAKE_NVML_NO_ENERGY_COUNTER set, the counter answers NVML_ERROR_NOT_SUPPORTED,
//     as on a GPU older than Volta;
//   - its SM clock reads kSmClockMhz; with FAKE_NVML_NO_CLOCK set it answers
//     NVML_ERROR_NOT_SUPPORTED;
//   - fake_nvml_open_sessions() (not NVML's) says how many nvmlInit_v2 calls await
//     their nvmlShutdown, so that the tests see the meter shut NVML down.
#include <cstdlib>
#include <cstring>

namespace {

constexpr int kSuccess = 0;               // NVML_SUCCESS
constexpr int kErrorUninitialized = 1;    // NVML_ERROR_UNINITIALIZED
constexpr int kErrorInvalidArgument = 2;  // NVML_ERROR_INVALID_ARGUMENT
constexpr int kErrorNotSupported = 3;     // NVML_ERROR_NOT_SUPPORTED
constexpr int kErrorNotFound = 6;         // NVML_ERROR_NOT_FOUND

constexpr const char* kBusId = "0000:01:00.0";
constexpr unsigned long long kStartMillijoules = 123'456'000;
constexpr unsigned long long kStepMillijoules = 250;
constexpr unsigned int kSmClockMhz = 1755;
constexpr int kClockSm = 1;  // NVML_CLOCK_SM

int initialised = 0;  // like NVML's, init and shutdown are counted
int the_gpu = 0;      // its address is the device handle
unsigned long long counter = kStartMillijoules;

}  // namespace

extern "C" {

int nvmlInit_v2() {
  ++initialised;
  return kSuccess;
}

int nvmlShutdown() {
  if (initialised == 0) return kErrorUninitialized;
  --initialised;
  return kSuccess;
}

const char* nvmlErrorString(int code) {
  switch (code) {
    case kSuccess:
      return "Success";
    case kErrorUninitialized:
      return "Uninitialized";
    case kErrorInvalidArgument:
      return "Invalid Argument";
    case kErrorNotSupported:
      return "Not Supported";
    case kErrorNotFound:
      return "Not Found";
    default:
      return "Unknown Error";
  }
}

int nvmlDeviceGetHandleByPciBusId_v2(const char* pci_bus_id, void** device) {
  if (initialised == 0) return kErrorUninitialized;
  if (pci_bus_id == nullptr || device == nullptr) return kErrorInvalidArgument;
  if (std::strcmp(pci_bus_id, kBusId) != 0) return kErrorNotFound;
  *device = &the_gpu;
  return kSuccess;
}

int nvmlDeviceGetTotalEnergyConsumption(void* device, unsigned long long* millijoules) {
  if (initialised == 0) return kErrorUninitialized;
  if (device != &the_gpu || millijoules == nullptr) return kErrorInvalidArgument;
  if (std::getenv("FAKE_NVML_NO_ENERGY_COUNTER") != nullptr) return kErrorNotSupported;
  *millijoules = counter;
  counter += kStepMillijoules;
  return kSuccess;
}

int nvmlDeviceGetClockInfo(void* device, int type, unsigned int* mhz) {
  if (initialised == 0) return kErrorUninitialized;
  if (device != &the_gpu || mhz == nullptr) return kErrorInvalidArgument;
  if (type != kClockSm || std::getenv("FAKE_NVML_NO_CLOCK") != nullptr) return kErrorNotSupported;
  *mhz = kSmClockMhz;
  return kSuccess;
}

int fake_nvml_open_sessions() { return initialised; }

}  // extern "C"
