/// \file cublas.cuh
/// \brief cuBLAS as the baseline rung and as the double-precision oracle.
///
/// cuBLAS is column-major; our matrices are row-major. A row-major (m, n)
/// matrix is the same bytes as a column-major (n, m) one, its transpose. So
/// row-major C = A·B is computed as column-major Cᵀ = Bᵀ·Aᵀ: swap the operands
/// and m with n, transpose nothing.
#pragma once

#include <cublas_v2.h>

#include <vector>

#include "common/core/host_matrix.hpp"
#include "common/gemm/gemm.cuh"

namespace ladder {

/// The process-wide cuBLAS handle, created on first use.
cublasHandle_t cublas_handle();

/// Row-major SGEMM through cublasGemmEx with CUBLAS_COMPUTE_32F: true fp32
/// arithmetic, no TF32 tensor cores, so it is a fair baseline for fp32 rungs.
void cublas_sgemm(const GemmArgs& args, cudaStream_t stream);

/// The registry entry for cublas_sgemm ("cuBLAS", chapter 0, vendor).
GemmRung cublas_rung();

/// Row-major bf16 GEMM through cublasGemmEx: A, B and C in CUDA_R_16BF,
/// CUBLAS_COMPUTE_32F (fp32 accumulation), tensor cores as cuBLAS chooses:
/// the baseline of every bf16 rung, as in a training framework.
void cublas_bf16_gemm(const Bf16GemmArgs& args, cudaStream_t stream);

/// The registry entry for cublas_bf16_gemm ("cuBLAS bf16", chapter 0, vendor).
GemmRung cublas_bf16_rung();

/// C_ref = alpha·A·B + beta·C0 computed by cublasDgemm on the inputs upcast to
/// double: the oracle for shapes too large for the CPU reference. Needs a device.
std::vector<double> cublas_reference_gemm(const HostMatrix& a, const HostMatrix& b, const HostMatrix* c0, float alpha,
                                          float beta);

}  // namespace ladder
