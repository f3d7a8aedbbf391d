// bf16 on the host: rounding, poison, and the tolerance the tensor-core rungs are held to.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "common/core/metrics.hpp"
#include "common/gemm/precision.hpp"

namespace ladder {
namespace {

TEST(Bf16, KeepsTheTopSixteenBitsOfExactValues) {
  EXPECT_EQ(to_bf16_bits(1.0f), 0x3f80);
  EXPECT_EQ(to_bf16_bits(-2.0f), 0xc000);
  EXPECT_EQ(from_bf16_bits(0x3f80), 1.0f);
  EXPECT_EQ(round_to_bf16(0.5f), 0.5f);
}

TEST(Bf16, RoundsToNearestTiesToEven) {
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even one, 1.
  EXPECT_EQ(round_to_bf16(1.0f + std::ldexp(1.0f, -8)), 1.0f);
  // 1 + 3·2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: ties go to 1 + 2^-6.
  EXPECT_EQ(round_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)), 1.0f + std::ldexp(1.0f, -6));
  // Just above halfway rounds up.
  EXPECT_EQ(round_to_bf16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)), 1.0f + std::ldexp(1.0f, -7));
}

TEST(Bf16, RoundingErrorIsWithinTheUnitRoundoff) {
  for (float value = -3.0f; value < 3.0f; value += 0.0137f) {
    if (value == 0.0f) continue;
    EXPECT_LE(std::abs(round_to_bf16(value) - value), std::ldexp(1.0, -8) * std::abs(value)) << value;
  }
}

TEST(Bf16, NaNStaysNaNAndPoisonRoundTrips) {
  EXPECT_TRUE(std::isnan(from_bf16_bits(to_bf16_bits(std::numeric_limits<float>::quiet_NaN()))));
  const std::vector<std::uint16_t> bits = to_bf16_bits(std::vector<float>{poison_value(), 1.0f});
  EXPECT_EQ(bits[0], kBf16PoisonBits);
  EXPECT_TRUE(is_poison(from_bf16_bits(bits)[0]));
  EXPECT_FALSE(is_poison(from_bf16_bits(to_bf16_bits(std::numeric_limits<float>::quiet_NaN()))));
}

TEST(Bf16, ToleranceIsOutputRoundingPlusAGrowingAccumulationTerm) {
  EXPECT_GT(bf16_gemm_tolerance(16), std::ldexp(1.0, -8));
  EXPECT_LT(bf16_gemm_tolerance(16), 1.1 * std::ldexp(1.0, -8));
  EXPECT_LT(bf16_gemm_tolerance(16), bf16_gemm_tolerance(8192));
  EXPECT_LT(bf16_gemm_tolerance(8192), 5e-3);  // a dropped 16-wide k-step of 8192 gives ~4e-2
}

TEST(Bf16, RoundedMatrixHoldsBf16Values) {
  HostMatrix matrix = random_matrix(7, 5, 3);
  const HostMatrix rounded = rounded_to_bf16(matrix);
  for (float value : rounded.values) EXPECT_EQ(round_to_bf16(value), value);
}

}  // namespace
}  // namespace ladder
