/// \file common/gemm/options.hpp
/// \brief The command line shared by every GEMM chapter executable (parsed with CLI11).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/core/cli.hpp"
#include "common/core/run_options.hpp"

namespace ladder {

/// Everything a GEMM chapter executable can be asked to do: the shared run
/// options and the problem.
struct GemmOptions : RunOptions {
  int m = 4096, n = 4096, k = 4096;
  float alpha = 1.0f, beta = 0.0f;
  bool ceilings = true;  ///< measure copy bandwidth and cuBLAS peak for the roofline line
  bool vendor = true;    ///< run the cuBLAS rungs (--no-vendor: sanitizer runs of our kernels only)
};

/// The largest m, n or k accepted: kernels index with 32-bit ints.
inline constexpr int kMaxDimension = 1 << 20;

/// The widest alignment any rung asks of a leading dimension, in floats (a
/// float4 or a 16-byte cp.async). The runner pads lda, ldb and ldc up to a
/// multiple of this, so every rung runs every size.
inline constexpr int kMaxLdAlignment = 4;

/// The same for bf16 rungs, in elements: 32 bytes, the alignment WMMA asks of
/// every tile's pointer (a 16-row tile then starts 32·ld bytes apart).
inline constexpr int kBf16LdAlignment = 16;

/// Parses and validates the command line. Throws UsageError or HelpRequested.
/// `description` is the first line of --help.
GemmOptions parse_gemm_options(int argc, const char* const* argv, const std::string& description);

/// Host memory this problem needs (inputs, output, double-precision reference), in bytes.
double host_bytes_needed(const GemmOptions& options);
/// Device memory this problem needs, in bytes.
double device_bytes_needed(const GemmOptions& options);

/// Checks the sizes against 32-bit indexing and host memory; throws UsageError
/// naming the flags when the problem cannot run. (Device memory is checked
/// later, once a device is known.)
void validate_problem_size(const GemmOptions& options, double host_memory_bytes);

}  // namespace ladder
