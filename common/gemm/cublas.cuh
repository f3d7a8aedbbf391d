/// \file common/gemm/cublas.cuh
/// \brief cuBLAS as the baseline rungs (cuBLAS fp32, cuBLASLt bf16) and as the double-precision oracle.
///
/// cuBLAS is column-major; our matrices are row-major. A row-major (m, n)
/// matrix is the same bytes as a column-major (n, m) one, its transpose. So
/// row-major C = A·B is computed as column-major Cᵀ = Bᵀ·Aᵀ: swap the operands
/// and m with n, transpose nothing.
#pragma once

#include <cublas_v2.h>

#include <string>
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

/// How a bf16 GEMM's B is stored. Every rung takes B as k x n, row-major (ldb >= n): in
/// cuBLAS's column-major terms both operands are "N". Bᵀ stored as n x k row-major (ldb >= k)
/// is the same matrix with k running fastest, the layout `wgmma` reads without its transpose
/// bit and the one fast.cu and most cuBLAS benchmarks time ("TN"). Only the vendor rung's
/// launch_b_n_by_k asks for it (bench_gemm's layout comparison); the rungs' baseline is k x n.
enum class BLayout { k_by_n, n_by_k };

/// Row-major bf16 GEMM through cuBLASLt at its best algorithm for the shape:
/// A, B and C in CUDA_R_16BF, CUBLAS_COMPUTE_32F (fp32 accumulation, alpha and
/// beta in fp32), the same column-major view as above. The baseline of every
/// bf16 rung, so it should be cuBLAS at its fastest, not at its first guess:
/// the first call for a problem (m, n, k, lda, ldb, ldc, whether beta != 0,
/// the pointers' alignment, B's layout, the device) asks cuBLASLt's heuristic for up to 8
/// algorithms (32 MiB of workspace at most), times each on `stream` and keeps
/// the fastest; later calls reuse it. That first call synchronizes and runs
/// the GEMM up to 65 times, so make it an untimed warm-up. When beta != 0 the
/// candidates run on a scratch copy of C: the caller's C is updated once, by
/// the chosen algorithm. Throws CudaError if no candidate launches.
void cublas_bf16_gemm(const Bf16GemmArgs& args, cudaStream_t stream, BLayout b_layout = BLayout::k_by_n);

/// The algorithm cublas_bf16_gemm chose for this problem (only the pointers'
/// alignment matters, and a null pointer counts as cudaMalloc's 256 bytes),
/// in one line, e.g. "cuBLASLt algo 66, tile 128x256x64, 4 stages, split-k 1,
/// fastest of 8 heuristic candidates (heuristic rank 2)"; empty if it has not
/// run on this problem yet. B k x n, as the rungs take it.
std::string cublas_bf16_algorithm_note(const Bf16GemmArgs& args);

/// The registry entry for cublas_bf16_gemm ("cuBLAS bf16", chapter 0, vendor).
GemmRung cublas_bf16_rung();

/// C_ref = alpha·A·B + beta·C0 computed by cublasDgemm on the inputs upcast to
/// double: the oracle for shapes too large for the CPU reference. Needs a device.
std::vector<double> cublas_reference_gemm(const HostMatrix& a, const HostMatrix& b, const HostMatrix* c0, float alpha,
                                          float beta);

}  // namespace ladder
