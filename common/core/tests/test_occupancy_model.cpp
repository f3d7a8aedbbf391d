// Blocks per SM from threads, registers and shared memory: the lessons' occupancy arithmetic, on the CPU.
#include <gtest/gtest.h>

#include "common/core/occupancy_model.hpp"

namespace ladder::model {
namespace {

TEST(OccupancyModel, RegisterCapOfLaunchBounds) {
  EXPECT_EQ(register_cap(256, 1), 255);  // __launch_bounds__(256): the hardware limit
  EXPECT_EQ(register_cap(256, 2), 128);  // 65,536 / 512
  EXPECT_EQ(register_cap(256, 3), 80);   // 65,536 / 768 = 85.3, rounded down to the unit of 8
  EXPECT_EQ(allocated_registers(39), 40);
  EXPECT_EQ(allocated_registers(120), 120);
}

// Chapter 04's occupancy paragraph, with the ptxas counts of nvcc 13.0 (sm_90: 39 and 120
// registers, the lesson's table; the 1-D kernel gets 48 on sm_80, 51 on sm_86, 64 on sm_75).
TEST(OccupancyModel, Chapter04Kernels) {
  const Occupancy one_d = occupancy(sm_resources(90), 512, 39, 4096);
  EXPECT_EQ(one_d.by_registers, 3);
  EXPECT_EQ(one_d.blocks, 3);
  EXPECT_EQ(one_d.warps, 48);
  EXPECT_EQ(occupancy(sm_resources(90), 512, 41, 4096).blocks, 2);  // the edge
  EXPECT_EQ(occupancy(sm_resources(80), 512, 48, 4096).warps, 32);  // 50 % of 64
  EXPECT_EQ(occupancy(sm_resources(86), 512, 51, 4096).warps, 32);  // 67 % of 48
  EXPECT_EQ(occupancy(sm_resources(75), 512, 64, 4096).blocks, 2);  // registers and thread slots alike
  const Occupancy two_d = occupancy(sm_resources(90), 256, 120, 8192);
  EXPECT_EQ(two_d.by_registers, 2);
  EXPECT_EQ(two_d.by_threads, 8);
  EXPECT_EQ(two_d.blocks, 2);
  EXPECT_EQ(two_d.warps, 16);
}

// Chapter 04, exercise 2: __launch_bounds__(256, 3) caps the 2-D kernel at 80 registers;
// 3 blocks would then fit, if the 120 values fitted in 80. (256, 2) allows 128 >= 120: no change.
TEST(OccupancyModel, Chapter04LaunchBounds) {
  EXPECT_LT(register_cap(256, 3), 120);
  EXPECT_EQ(occupancy(sm_resources(90), 256, register_cap(256, 3), 8192).blocks, 3);
  EXPECT_GE(register_cap(256, 2), 120);
  EXPECT_EQ(occupancy(sm_resources(90), 256, 120, 8192).blocks, 2);  // what the kernel already gets
}

// Chapter 03, exercise 2: 16 x 16 tiles, 256 threads, 2 KB of shared memory.
TEST(OccupancyModel, Chapter03Tile16) {
  EXPECT_EQ(occupancy(sm_resources(90), 1024, 31, 8192).warps, 64);  // the chapter: 2 blocks of 32 warps
  EXPECT_EQ(occupancy(sm_resources(86), 1024, 38, 8192).warps, 32);  // 1 block (sm_86: 38 registers)
  EXPECT_EQ(occupancy(sm_resources(90), 1024, 33, 8192).blocks, 1);  // the edge
  const Occupancy tile16 = occupancy(sm_resources(90), 256, 32, 2048);
  EXPECT_EQ(tile16.blocks, 8);
  EXPECT_EQ(tile16.warps, 64);
  EXPECT_EQ(occupancy(sm_resources(86), 256, 32, 2048).warps, 48);
}

}  // namespace
}  // namespace ladder::model
