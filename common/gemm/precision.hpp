/// \file common/gemm/precision.hpp
/// \brief bf16 on the host: rounding, bit patterns, poison, and the tolerance bf16 results are held to.
///
/// bf16 is the top half of an fp32: 1 sign bit, 8 exponent bits, 7 stored
/// fraction bits (8 significant bits). Rounding an fp32 to bf16 keeps the
/// exponent range and drops 16 fraction bits, so this file needs no CUDA: the
/// tests and the runner prepare bf16 inputs and read bf16 outputs with it.
#pragma once

#include <cstdint>
#include <vector>

#include "common/core/host_matrix.hpp"

namespace ladder {

/// The bf16 poison written into outputs before a kernel runs: a quiet NaN with
/// a payload no conversion produces (they give 0x7fff or 0x7fc0). Read back,
/// it becomes the fp32 poison (kPoisonBits), so compare_to_reference counts it
/// as never written.
inline constexpr std::uint16_t kBf16PoisonBits = 0x7fde;

/// `value` rounded to the nearest bf16 (ties to even), as its 16 bits; NaN stays a quiet NaN.
std::uint16_t to_bf16_bits(float value);
/// The fp32 holding exactly the bf16 `bits` (kBf16PoisonBits gives the fp32 poison).
float from_bf16_bits(std::uint16_t bits);
/// `value` rounded to bf16 and back: what a bf16 kernel actually multiplies.
float round_to_bf16(float value);

std::vector<std::uint16_t> to_bf16_bits(const std::vector<float>& values);
std::vector<float> from_bf16_bits(const std::vector<std::uint16_t>& bits);
/// The matrix with every element rounded to bf16 (still stored as float).
HostMatrix rounded_to_bf16(HostMatrix matrix);

/// The relative Frobenius tolerance of a bf16 GEMM (bf16 in and out, fp32
/// accumulation) against the fp64 product of the same bf16 inputs:
///
/// - rounding the output to bf16 changes each element by at most 2^-8 of
///   itself (unit roundoff of an 8-bit significand), so the relative
///   Frobenius error of that step is at most 2^-8;
/// - the fp32 accumulation over k products adds errors growing like sqrt(k)
///   times 2^-24 for random data; tensor cores may truncate rather than round
///   inside a step, so this term gets a generous factor (16).
///
/// An indexing bug or a dropped k-tile gives errors of order 1e-1 or more.
double bf16_gemm_tolerance(int k);

}  // namespace ladder
