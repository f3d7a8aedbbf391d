/// \file common/nn/gpu/data_parallel.cuh
/// \brief Chapter 14's data parallelism (--gpus N): one replica of the network per GPU, one host
/// thread each, and the gradients summed across them by NCCL's all-reduce after every backward
/// pass. The arithmetic is in common/nn/data_parallel.hpp; the engine in training.cu.
#pragma once

#include <cuda_runtime.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/nn/gpu/network.cuh"

namespace ladder::nn::gpu {

/// Why `replicas` GPUs cannot train together here (the build has no NCCL, the machine has fewer
/// GPUs), or nothing when they can.
std::optional<std::string> data_parallel_unavailable_reason(int replicas);

/// What the replicas of one run share: NCCL's unique id, made once, before any replica joins.
class NcclClique {
 public:
  /// Throws std::runtime_error with data_parallel_unavailable_reason when there is one.
  explicit NcclClique(int replicas);
  ~NcclClique();
  NcclClique(const NcclClique&) = delete;
  NcclClique& operator=(const NcclClique&) = delete;
  int replicas() const { return replicas_; }

 private:
  friend class GradientAllReduce;
  struct Id;  // ncclUniqueId, kept out of this header so that it needs no nccl.h
  int replicas_;
  std::unique_ptr<Id> id_;
};

/// One replica's end of the all-reduce: its NCCL communicator, on the current GPU.
class GradientAllReduce {
 public:
  /// Joins the clique as `rank`; blocks until every rank has joined (each from its own thread).
  GradientAllReduce(const NcclClique& clique, int rank);
  ~GradientAllReduce();
  GradientAllReduce(const GradientAllReduce&) = delete;
  GradientAllReduce& operator=(const GradientAllReduce&) = delete;

  /// Replaces every parameter's gradient with its sum over the replicas, in place, on `stream`:
  /// one NCCL group of an all-reduce per tensor. Launches only.
  void sum(const std::vector<DeviceParameter>& parameters, cudaStream_t stream);

 private:
  struct Comm;  // ncclComm_t
  std::unique_ptr<Comm> comm_;
};

}  // namespace ladder::nn::gpu
