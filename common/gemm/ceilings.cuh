/// \file common/gemm/ceilings.cuh
/// \brief The two ceilings a GEMM table is placed under: copy bandwidth and cuBLAS's peak.
#pragma once

#include "common/core/timing.cuh"

namespace ladder {

/// Ceilings measured on this device, to place each rung on the roofline.
struct Ceilings {
  double copy_bandwidth_gbs = 0;  ///< device-to-device cudaMemcpy: bytes read + written per second
  double cublas_tflops = 0;       ///< cuBLAS fp32 SGEMM at cublas_size³
  double cublas_bf16_tflops = 0;  ///< cuBLAS bf16 GEMM at cublas_size³ (0: not measured)
  int cublas_size = 0;
};

/// Measures the ceilings (about a second on a large GPU); cuBLAS bf16 too when `with_bf16`.
Ceilings measure_ceilings(const TimingConfig& config, bool with_bf16, int cublas_size = 8192);

}  // namespace ladder
