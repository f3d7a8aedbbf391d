/// \file common/core/cuda_handles.cuh
/// \brief Owning, move-less RAII wrappers of the CUDA runtime's handles that need destroying: a
/// stream and an instantiated graph, and a guard that makes a GPU current, for code that runs
/// its own stream (a graph is captured from a stream other than the legacy default one).
#pragma once

#include <cuda_runtime.h>

#include "common/core/cuda_check.cuh"

namespace ladder {

/// Makes GPU `index` the calling thread's current device when constructed.
struct CurrentDevice {
  explicit CurrentDevice(int index) { LADDER_CUDA_CHECK(cudaSetDevice(index)); }
};

/// A non-blocking CUDA stream: it does not wait for the legacy default stream, nor that stream
/// for it, so a host read of its results must synchronise it first.
class CudaStream {
 public:
  CudaStream() { LADDER_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }
  ~CudaStream() { cudaStreamDestroy(stream_); }  // no check: destructors must not throw
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  cudaStream_t get() const { return stream_; }

 private:
  cudaStream_t stream_ = nullptr;
};

/// An instantiated CUDA graph, or none; destroyed with its owner.
class CudaGraphExec {
 public:
  CudaGraphExec() = default;
  ~CudaGraphExec() { reset(nullptr); }
  CudaGraphExec(const CudaGraphExec&) = delete;
  CudaGraphExec& operator=(const CudaGraphExec&) = delete;
  explicit operator bool() const { return exec_ != nullptr; }
  cudaGraphExec_t get() const { return exec_; }
  /// Takes ownership of `exec`, destroying the graph held before.
  void reset(cudaGraphExec_t exec) {
    if (exec_ != nullptr) cudaGraphExecDestroy(exec_);
    exec_ = exec;
  }

 private:
  cudaGraphExec_t exec_ = nullptr;
};

}  // namespace ladder
