#include <stdexcept>

#include "common/core/device_buffer.cuh"
#include "common/gemm/cublas.cuh"

namespace ladder {

cublasHandle_t cublas_handle() {
  // Never destroyed: destroying it from a static destructor after the CUDA
  // runtime has shut down is an error, and the process is ending anyway.
  static cublasHandle_t handle = [] {
    cublasHandle_t created = nullptr;
    LADDER_CUBLAS_CHECK(cublasCreate(&created));
    // Default math with COMPUTE_32F never uses TF32; say so explicitly.
    LADDER_CUBLAS_CHECK(cublasSetMathMode(created, CUBLAS_DEFAULT_MATH));
    return created;
  }();
  return handle;
}

void cublas_sgemm(const GemmArgs& args, cudaStream_t stream) {
  cublasHandle_t handle = cublas_handle();
  LADDER_CUBLAS_CHECK(cublasSetStream(handle, stream));
  // Column-major view: C^T (n x m) = B^T (n x k) * A^T (k x m).
  LADDER_CUBLAS_CHECK(cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, args.n, args.m, args.k, &args.alpha, args.b,
                                   CUDA_R_32F, args.ldb, args.a, CUDA_R_32F, args.lda, &args.beta, args.c, CUDA_R_32F,
                                   args.ldc, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

GemmRung cublas_rung() {
  GemmRung rung;
  rung.name = "cuBLAS";
  rung.chapter = 0;
  rung.kind = RungKind::Vendor;
  rung.launch = cublas_sgemm;
  rung.summary = "cublasGemmEx, CUBLAS_COMPUTE_32F (fp32, no TF32)";
  return rung;
}

void cublas_bf16_gemm(const Bf16GemmArgs& args, cudaStream_t stream) {
  cublasHandle_t handle = cublas_handle();
  LADDER_CUBLAS_CHECK(cublasSetStream(handle, stream));
  // The same column-major view as cublas_sgemm; cuBLAS needs 16-byte aligned
  // rows for its fastest bf16 kernels, which the runner's padding gives it.
  LADDER_CUBLAS_CHECK(cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, args.n, args.m, args.k, &args.alpha, args.b,
                                   CUDA_R_16BF, args.ldb, args.a, CUDA_R_16BF, args.lda, &args.beta, args.c,
                                   CUDA_R_16BF, args.ldc, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
}

GemmRung cublas_bf16_rung() {
  GemmRung rung;
  rung.name = "cuBLAS bf16";
  rung.chapter = 0;
  rung.kind = RungKind::Vendor;
  rung.launch = cublas_bf16_gemm;
  rung.requirements.alignment_bytes = 2;
  rung.summary = "cublasGemmEx, bf16 A/B/C, CUBLAS_COMPUTE_32F (tensor cores)";
  return rung;
}

namespace {
std::vector<double> to_double(const std::vector<float>& values) { return {values.begin(), values.end()}; }
}  // namespace

std::vector<double> cublas_reference_gemm(const HostMatrix& a, const HostMatrix& b, const HostMatrix* c0, float alpha,
                                          float beta) {
  const int m = a.rows, k = a.cols, n = b.cols;
  if (b.rows != k) throw std::invalid_argument("cublas_reference_gemm: A is m x k but B is not k x n");
  if (beta != 0.0f && (c0 == nullptr || c0->rows != m || c0->cols != n))
    throw std::invalid_argument("cublas_reference_gemm: beta != 0 needs C0 of shape m x n");
  DeviceBuffer<double> a_device(to_double(a.values)), b_device(to_double(b.values));
  DeviceBuffer<double> c_device(std::size_t(m) * n);
  if (beta != 0.0f) c_device.upload(to_double(c0->values));
  const double alpha_d = alpha, beta_d = beta;
  cublasHandle_t handle = cublas_handle();
  LADDER_CUBLAS_CHECK(cublasSetStream(handle, nullptr));
  LADDER_CUBLAS_CHECK(cublasDgemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, &alpha_d, b_device.data(), n,
                                  a_device.data(), k, &beta_d, c_device.data(), n));
  return c_device.download();
}

}  // namespace ladder
