/// \file common/gemm/reference.hpp
/// \brief The CPU oracle (row-major GEMM accumulating in double) and the tolerance results are held to.
#pragma once

#include <vector>

#include "common/core/host_matrix.hpp"

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

/// The relative Frobenius tolerance for fp32 inputs accumulated in fp32 over k
/// products. Rounding errors of a k-term dot product grow like sqrt(k) times
/// the unit roundoff u = 2^-24 for random data (and like k·u in the worst
/// case); 4·u·sqrt(k), with a floor for tiny k, keeps honest kernels well
/// inside and catches any indexing bug, which shows up as an error near 1.
double fp32_gemm_tolerance(int k);

}  // namespace ladder
