/// \file common/core/cuda_check.cuh
/// \brief Error checks for CUDA runtime and cuBLAS calls and for kernel launches.
///
/// Every call into CUDA goes through one of these macros. On failure they throw
/// ladder::CudaError whose message names the call, the file and line, and the
/// library's own error name and description, e.g.
///
///     common/core/timing.cu:42: cudaMalloc(&ptr, bytes) failed: cudaErrorMemoryAllocation (out of memory)
///
/// Executables catch it in main and print that one line; tests report it as a failure.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace ladder {

/// Thrown by the check macros; what() is the one-line description above.
class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Builds the message and throws; kept out of line so the macros stay small.
[[noreturn]] void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line);
/// \copydoc throw_cuda_error
[[noreturn]] void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line);

}  // namespace ladder

/// Checks a CUDA runtime call, e.g. `LADDER_CUDA_CHECK(cudaMalloc(&p, bytes));`.
#define LADDER_CUDA_CHECK(call)                                                                               \
  do {                                                                                                        \
    const cudaError_t ladder_status_ = (call);                                                                \
    if (ladder_status_ != cudaSuccess) ::ladder::throw_cuda_error(ladder_status_, #call, __FILE__, __LINE__); \
  } while (0)

/// Checks a cuBLAS call, e.g. `LADDER_CUBLAS_CHECK(cublasCreate(&handle));`.
#define LADDER_CUBLAS_CHECK(call)                                              \
  do {                                                                         \
    const cublasStatus_t ladder_status_ = (call);                              \
    if (ladder_status_ != CUBLAS_STATUS_SUCCESS)                               \
      ::ladder::throw_cublas_error(ladder_status_, #call, __FILE__, __LINE__); \
  } while (0)

/// Checks the launch that just happened (bad configuration, too much shared
/// memory, ...). Launch errors are only reported by cudaGetLastError, so every
/// `kernel<<<...>>>` is followed by this macro.
#define LADDER_CHECK_LAUNCH() LADDER_CUDA_CHECK(cudaGetLastError())
