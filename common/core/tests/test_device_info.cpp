// CPU: the FP32 peak the ladder prints beside % of cuBLAS.
#include <gtest/gtest.h>

#include "common/core/device_info.cuh"

namespace ladder {
namespace {

TEST(Fp32Peak, LanesPerSmFollowTheArchitecture) {
  EXPECT_EQ(fp32_lanes_per_sm(75), 64);   // Turing: 4 sub-partitions x 16
  EXPECT_EQ(fp32_lanes_per_sm(80), 64);   // A100
  EXPECT_EQ(fp32_lanes_per_sm(86), 128);  // Ampere consumer parts doubled the FP32 lanes
  EXPECT_EQ(fp32_lanes_per_sm(89), 128);
  EXPECT_EQ(fp32_lanes_per_sm(90), 128);  // H100, H200
  EXPECT_EQ(fp32_lanes_per_sm(35), 0);    // not known: the table prints n/a
}

TEST(Fp32Peak, IsSmsTimesLanesTimesTwoTimesClock) {
  // An H200: 132 SMs at 1980 MHz.
  EXPECT_NEAR(fp32_peak_tflops(132, 128, 1980.0), 66.908, 1e-3);
  // An A100: 108 SMs x 64 lanes at 1410 MHz: the 19.5 TFLOP/s of its datasheet.
  EXPECT_NEAR(fp32_peak_tflops(108, 64, 1410.0), 19.49, 0.01);
}

}  // namespace
}  // namespace ladder
