#include "common/gemm/precision.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/core/metrics.hpp"

namespace ladder {

std::uint16_t to_bf16_bits(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  if (std::isnan(value)) return std::uint16_t((bits >> 16) | 0x0040);  // keep it a quiet NaN
  // Round to nearest, ties to even: add 0x7fff plus the lowest kept bit, then truncate.
  const std::uint32_t lowest_kept_bit = (bits >> 16) & 1u;
  return std::uint16_t((bits + 0x7fffu + lowest_kept_bit) >> 16);
}

float from_bf16_bits(std::uint16_t bits) {
  if (bits == kBf16PoisonBits) return poison_value();
  const std::uint32_t widened = std::uint32_t(bits) << 16;
  float value = 0;
  std::memcpy(&value, &widened, sizeof value);
  return value;
}

float round_to_bf16(float value) { return from_bf16_bits(to_bf16_bits(value)); }

std::vector<std::uint16_t> to_bf16_bits(const std::vector<float>& values) {
  std::vector<std::uint16_t> bits(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    bits[i] = is_poison(values[i]) ? kBf16PoisonBits : to_bf16_bits(values[i]);
  return bits;
}

std::vector<float> from_bf16_bits(const std::vector<std::uint16_t>& bits) {
  std::vector<float> values(bits.size());
  std::transform(bits.begin(), bits.end(), values.begin(), [](std::uint16_t b) { return from_bf16_bits(b); });
  return values;
}

HostMatrix rounded_to_bf16(HostMatrix matrix) {
  for (float& value : matrix.values) value = round_to_bf16(value);
  return matrix;
}

double bf16_gemm_tolerance(int k) {
  const double output_rounding = std::ldexp(1.0, -8);
  const double accumulation = 16.0 * std::ldexp(1.0, -24) * std::sqrt(double(std::max(k, 16)));
  return output_rounding + accumulation;
}

}  // namespace ladder
