/// \file common/nn/gpu/optimizer.cuh
/// \brief SGD with momentum and Adam over a network's device parameters: the CPU optimizers
/// (optimizer.hpp) with their state on the GPU, each step a launch per parameter.
#pragma once

#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "common/core/device_buffer.cuh"
#include "common/nn/gpu/layers.cuh"
#include "common/nn/gpu/network.cuh"

namespace ladder::nn::gpu {

/// "sgd" (momentum 0.9) or "adam", with weight decay on the weights only, as make_optimizer.
class DeviceOptimizer {
 public:
  /// Zeroed state for each parameter. Throws std::invalid_argument for any other name.
  DeviceOptimizer(const std::string& name, double learning_rate, double weight_decay,
                  std::vector<DeviceParameter> parameters, cudaStream_t stream = nullptr);

  /// The learning rate of the next steps (a schedule sets it before each step).
  void set_learning_rate(double learning_rate) { learning_rate_ = learning_rate; }
  double learning_rate() const { return learning_rate_; }

  /// One update of every parameter from its grad. Launches only.
  void step();

  /// The scalars of update number `update` (from 1) at this learning rate: what step() would use
  /// then (Adam's bias corrections depend on the update's number).
  StepScalars scalars(double learning_rate, long update) const;
  /// One update with the learning rate (and Adam's corrections) read from *device_scalars, so
  /// that a CUDA graph can replay it with new values. Launches only.
  void step(const StepScalars* device_scalars);

 private:
  void launch(const StepScalars* device_scalars);  // nullptr: the host's learning rate and step count

  bool adam_;
  double learning_rate_, weight_decay_;
  long steps_ = 0;
  std::vector<DeviceParameter> parameters_;
  std::vector<DeviceBuffer<float>> first_, second_;  // SGD: velocity, unused; Adam: m, v
  cudaStream_t stream_;
};

}  // namespace ladder::nn::gpu
