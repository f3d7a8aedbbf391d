#include "common/nn/gpu/optimizer.cuh"

#include <stdexcept>

#include "common/nn/gpu/layers.cuh"
#include "common/nn/optimizer.hpp"

namespace ladder::nn::gpu {
DeviceOptimizer::DeviceOptimizer(const std::string& name, double learning_rate, double weight_decay,
                                 std::vector<DeviceParameter> parameters, cudaStream_t stream)
    : adam_(name == "adam"),
      learning_rate_(learning_rate),
      weight_decay_(weight_decay),
      parameters_(std::move(parameters)),
      stream_(stream) {
  if (name != "sgd" && name != "adam") throw std::invalid_argument("optimizer must be sgd or adam, not '" + name + "'");
  for (const DeviceParameter& p : parameters_) {
    first_.emplace_back(std::vector<float>(p.count, 0.0f));
    second_.emplace_back(std::vector<float>(adam_ ? p.count : 0, 0.0f));
  }
}

StepScalars DeviceOptimizer::scalars(double learning_rate, long update) const {
  const AdamStep defaults;
  if (!adam_) return {float(learning_rate), 1.0f, 1.0f};
  return adam_scalars(float(learning_rate), defaults.beta1, defaults.beta2, update);
}

void DeviceOptimizer::step(const StepScalars* device_scalars) {
  if (device_scalars == nullptr) throw std::invalid_argument("DeviceOptimizer::step: null device scalars");
  launch(device_scalars);
}

void DeviceOptimizer::step() {
  ++steps_;
  launch(nullptr);
}

void DeviceOptimizer::launch(const StepScalars* device_scalars) {
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    const DeviceParameter& p = parameters_[i];
    const float decay = decays(p.name) ? float(weight_decay_) : 0.0f;
    float* state = first_[i].data();
    if (adam_) {
      AdamStep hyper;
      hyper.learning_rate = float(learning_rate_);
      hyper.decay = decay;
      hyper.step = steps_;
      if (device_scalars != nullptr) {
        adam_step(p.value, p.grad, state, second_[i].data(), p.count, hyper, device_scalars, stream_);
      } else {
        adam_step(p.value, p.grad, state, second_[i].data(), p.count, hyper, stream_);
      }
    } else if (device_scalars != nullptr) {
      sgd_momentum_step(p.value, p.grad, state, p.count, device_scalars, float(kSgdMomentum), decay, stream_);
    } else {
      sgd_momentum_step(p.value, p.grad, state, p.count, float(learning_rate_), float(kSgdMomentum), decay, stream_);
    }
  }
}

}  // namespace ladder::nn::gpu
