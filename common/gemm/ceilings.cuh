/// \file ceilings.cuh
/// \brief The two ceilings a GEMM table is placed under: copy bandwidth and cuBLAS's peak.
#pragma once

#include "common/core/timing.cuh"

namespace ladder {

/// Ceilings measured on this device, to place each rung on the roofline.
struct Ceilings {
  double copy_bandwidth_gbs = 0;  ///< device-to-device cudaMemcpy: bytes read + written per second
  double cublas_tflops = 0;       ///< cuBLAS fp32 SGEMM at cublas_size³
  int cublas_size = 0;
};

/// Measures both ceilings (about a second on a large GPU).
Ceilings measure_ceilings(const TimingConfig& config, int cublas_size = 8192);

}  // namespace ladder
