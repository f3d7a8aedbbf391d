/// \file common/gemm/elements.cuh
/// \brief Host vectors of a rung's element type (float or bf16) to and from fp32, for uploads and checks.
#pragma once

#include <cuda_bf16.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "common/gemm/gemm.cuh"
#include "common/gemm/precision.hpp"

namespace ladder {

/// `values` as the elements a rung of this type reads: unchanged for float,
/// rounded to bf16 for __nv_bfloat16 (the poison stays poison).
template <typename Element>
std::vector<Element> to_elements(const std::vector<float>& values);

template <>
inline std::vector<float> to_elements<float>(const std::vector<float>& values) {
  return values;
}

template <>
inline std::vector<__nv_bfloat16> to_elements<__nv_bfloat16>(const std::vector<float>& values) {
  static_assert(sizeof(__nv_bfloat16) == sizeof(std::uint16_t), "bf16 is 16 bits");
  const std::vector<std::uint16_t> bits = to_bf16_bits(values);
  std::vector<__nv_bfloat16> elements(bits.size());
  std::memcpy(elements.data(), bits.data(), bits.size() * sizeof(std::uint16_t));
  return elements;
}

/// The elements as fp32 (exact: every bf16 is an fp32); the bf16 poison becomes the fp32 poison.
inline std::vector<float> to_floats(const std::vector<float>& elements) { return elements; }

inline std::vector<float> to_floats(const std::vector<__nv_bfloat16>& elements) {
  std::vector<std::uint16_t> bits(elements.size());
  std::memcpy(bits.data(), elements.data(), bits.size() * sizeof(std::uint16_t));
  return from_bf16_bits(bits);
}

/// The precision of an element type.
template <typename Element>
constexpr Precision precision_of() {
  return sizeof(Element) == 2 ? Precision::Bf16 : Precision::Fp32;
}

}  // namespace ladder
