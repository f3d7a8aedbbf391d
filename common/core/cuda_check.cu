#include "common/core/cuda_check.cuh"

#include <sstream>

namespace ladder {

[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  std::ostringstream message;
  message << file << ":" << line << ": " << call << " failed: " << cudaGetErrorName(status) << " ("
          << cudaGetErrorString(status) << ")";
  throw CudaError(message.str());
}

[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line) {
  std::ostringstream message;
  message << file << ":" << line << ": " << call << " failed: " << cublasGetStatusName(status) << " ("
          << cublasGetStatusString(status) << ")";
  throw CudaError(message.str());
}

}  // namespace ladder
