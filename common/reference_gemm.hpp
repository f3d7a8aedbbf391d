/// \file reference_gemm.hpp
/// \brief The CPU oracle: row-major GEMM accumulating in double.
#pragma once

#include <vector>

#include "common/host_matrix.hpp"

namespace ladder {

/// C_ref = alpha * A * B + beta * C0, every product and sum in double.
///
/// A is (m, k), B is (k, n), C0 is (m, n) or empty when beta == 0 (BLAS
/// convention: C is not read then). The result is returned in double so the
/// comparison measures the kernel's rounding error, not the reference's.
/// Cost: 2·m·n·k flops on one core, so it serves small and medium shapes; large
/// ones use the cuBLAS double-precision oracle (cublas_gemm.cuh).
std::vector<double> reference_gemm(const HostMatrix& a, const HostMatrix& b, const HostMatrix* c0, float alpha,
                                   float beta);

}  // namespace ladder
