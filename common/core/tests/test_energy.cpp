#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

#include "common/core/energy.hpp"
#include "common/core/rung_runs.cuh"  // open_energy_meter

namespace ladder {
namespace {

// fake_nvml.cpp, built beside this test: one GPU at kBusId whose counter
// advances by 250 mJ at every read.
constexpr const char* kFakeNvml = LADDER_FAKE_NVML;
constexpr const char* kBusId = "0000:01:00.0";
constexpr double kFakeStepJoules = 0.250;
constexpr double kFakeSmClockMhz = 1755;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class EnergyMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Held open for the whole test, so that the fake's state outlives each meter and can be checked.
    fake_ = dlopen(kFakeNvml, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(fake_, nullptr) << dlerror();
    setenv("LADDER_NVML_LIBRARY", kFakeNvml, 1);
  }
  void TearDown() override {
    unsetenv("LADDER_NVML_LIBRARY");
    unsetenv("FAKE_NVML_NO_ENERGY_COUNTER");
    unsetenv("FAKE_NVML_NO_CLOCK");
    if (fake_ == nullptr) return;
    const auto open_sessions = reinterpret_cast<int (*)()>(dlsym(fake_, "fake_nvml_open_sessions"));
    ASSERT_NE(open_sessions, nullptr);
    EXPECT_EQ(open_sessions(), 0) << "a meter left NVML initialised (no nvmlShutdown)";
    dlclose(fake_);
  }
  void* fake_ = nullptr;
};

TEST_F(EnergyMeterTest, MissingLibraryIsUnavailableAndSaysWhich) {
  setenv("LADDER_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
  const EnergyMeter meter(kBusId);
  EXPECT_FALSE(meter.available());
  EXPECT_TRUE(contains(meter.unavailable_reason(), "/nonexistent/libnvidia-ml.so.1 not found"))
      << meter.unavailable_reason();
  EXPECT_FALSE(meter.joules().has_value());
  EXPECT_FALSE(meter.sm_clock_mhz().has_value());
}

TEST_F(EnergyMeterTest, FakeCounterAdvancesByItsStepInJoules) {
  const EnergyMeter meter(kBusId);
  ASSERT_TRUE(meter.available()) << meter.unavailable_reason();
  EXPECT_EQ(meter.unavailable_reason(), "");
  const std::optional<double> before = meter.joules();
  const std::optional<double> after = meter.joules();
  ASSERT_TRUE(before.has_value() && after.has_value());
  EXPECT_DOUBLE_EQ(*after - *before, kFakeStepJoules);
}

TEST_F(EnergyMeterTest, ReadsTheSmClock) {
  const EnergyMeter meter(kBusId);
  ASSERT_TRUE(meter.available()) << meter.unavailable_reason();
  const std::optional<double> mhz = meter.sm_clock_mhz();
  ASSERT_TRUE(mhz.has_value());
  EXPECT_DOUBLE_EQ(*mhz, kFakeSmClockMhz);
}

TEST_F(EnergyMeterTest, AClockThatCannotBeReadLeavesTheEnergyCounter) {
  setenv("FAKE_NVML_NO_CLOCK", "1", 1);
  const EnergyMeter meter(kBusId);
  ASSERT_TRUE(meter.available()) << meter.unavailable_reason();
  EXPECT_FALSE(meter.sm_clock_mhz().has_value());
  EXPECT_TRUE(meter.joules().has_value());
}

TEST_F(EnergyMeterTest, UnknownBusIdIsUnavailableWithNvmlsError) {
  const EnergyMeter meter("0000:99:00.0");
  EXPECT_FALSE(meter.available());
  EXPECT_TRUE(contains(meter.unavailable_reason(), "0000:99:00.0")) << meter.unavailable_reason();
  EXPECT_TRUE(contains(meter.unavailable_reason(), "NVML: Not Found")) << meter.unavailable_reason();
  EXPECT_FALSE(meter.joules().has_value());
}

TEST_F(EnergyMeterTest, GpuWithoutCounterIsUnavailableUpFront) {
  setenv("FAKE_NVML_NO_ENERGY_COUNTER", "1", 1);
  const EnergyMeter meter(kBusId);
  EXPECT_FALSE(meter.available());
  EXPECT_EQ(meter.unavailable_reason(), "the GPU has no energy counter (NVML: Not Supported)");
  EXPECT_FALSE(meter.joules().has_value());
}

/// What open_energy_meter printed on stdout, and the meter it gave.
std::pair<std::string, std::unique_ptr<EnergyMeter>> open_and_capture(double energy_seconds) {
  std::ostringstream printed;
  std::streambuf* const saved = std::cout.rdbuf(printed.rdbuf());
  std::unique_ptr<EnergyMeter> meter = open_energy_meter(kBusId, energy_seconds);
  std::cout.rdbuf(saved);
  return {printed.str(), std::move(meter)};
}

TEST_F(EnergyMeterTest, ARunsMeterSaysWhatTheEnergyColumnsMeasure) {
  const auto [printed, meter] = open_and_capture(0.5);
  ASSERT_NE(meter, nullptr);
  EXPECT_TRUE(contains(printed, "energy: NVML's total-energy counter (whole board) over >= 0.5 s")) << printed;
}

TEST_F(EnergyMeterTest, ARunWithoutACounterSaysWhyItsEnergyIsNa) {
  setenv("FAKE_NVML_NO_ENERGY_COUNTER", "1", 1);
  const auto [printed, meter] = open_and_capture(0.5);
  EXPECT_EQ(meter, nullptr);
  EXPECT_TRUE(contains(printed, "energy: n/a (the GPU has no energy counter")) << printed;
}

TEST_F(EnergyMeterTest, ARunThatAsksForNoEnergyOpensNothingAndSaysNothing) {
  const auto [printed, meter] = open_and_capture(0.0);
  EXPECT_EQ(meter, nullptr);
  EXPECT_EQ(printed, "");
}

}  // namespace
}  // namespace ladder
