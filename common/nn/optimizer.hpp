/// \file common/nn/optimizer.hpp
/// \brief SGD with momentum and Adam, updating a network's parameters from their gradients, with
/// weight decay and a learning rate the training loop may change between steps (a schedule).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/nn/network.hpp"

namespace ladder::nn {

/// Updates parameters from their gradients. An optimizer keeps per-parameter
/// state (momentum, moments), so always pass the same parameters in the same order.
template <typename T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// One update of every parameter from its current grad.
  virtual void step(const std::vector<Parameter<T>*>& parameters) = 0;
  /// The learning rate of the next steps (a schedule sets it before each step).
  void set_learning_rate(double learning_rate) { learning_rate_ = learning_rate; }
  double learning_rate() const { return learning_rate_; }

 protected:
  explicit Optimizer(double learning_rate) : learning_rate_(learning_rate) {}
  double learning_rate_;
};

/// Whether weight decay applies to the parameter of this name: to weights, not to biases
/// ("....bias"). A bias only shifts a unit's output; shrinking it towards zero does not make the
/// function simpler. The GPU optimizers (gpu/optimizer.cuh) ask the same question.
inline bool decays(const std::string& parameter_name) {
  const std::string suffix = ".bias";
  return parameter_name.size() < suffix.size() ||
         parameter_name.compare(parameter_name.size() - suffix.size(), suffix.size(), suffix) != 0;
}

/// decays(parameter.name).
template <typename T>
bool decays(const Parameter<T>& parameter) {
  return decays(parameter.name);
}

/// SGD with momentum, as in PyTorch, with L2 weight decay folded into the gradient:
/// g' = g + weight_decay * w (weights only);  v = momentum * v + g';  w -= lr * v.
template <typename T>
class SgdMomentum : public Optimizer<T> {
 public:
  SgdMomentum(double learning_rate, double momentum, double weight_decay = 0);
  void step(const std::vector<Parameter<T>*>& parameters) override;

 private:
  double momentum_, weight_decay_;
  std::vector<std::vector<double>> velocity_;  // one per parameter, created on the first step
};

/// Adam (Kingma and Ba 2015) with bias-corrected moments:
/// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr * m_hat / (sqrt(v_hat) + epsilon),
/// and with weight decay decoupled from the gradient (AdamW, Loshchilov and Hutter 2019):
/// w -= lr * weight_decay * w (weights only). Folded into g instead, as for SGD, the decay
/// would be divided by sqrt(v_hat) and so act least on the weights with the largest gradients.
template <typename T>
class Adam : public Optimizer<T> {
 public:
  explicit Adam(double learning_rate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
                double weight_decay = 0);
  void step(const std::vector<Parameter<T>*>& parameters) override;

 private:
  double beta1_, beta2_, epsilon_, weight_decay_;
  long step_count_ = 0;
  std::vector<std::vector<double>> first_moment_;   // m, one per parameter
  std::vector<std::vector<double>> second_moment_;  // v, one per parameter
};

/// The momentum of make_optimizer's "sgd", on the CPU and on the GPU.
inline constexpr double kSgdMomentum = 0.9;

/// "sgd" (momentum kSgdMomentum) or "adam"; throws std::invalid_argument for any other name.
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, double learning_rate, double weight_decay = 0);

/// The learning-rate schedule: "constant", or "cosine", which decays the rate from `peak` at
/// step 0 to 0 at step `total_steps` along half a cosine: peak * (1 + cos(pi * step / total)) / 2.
/// Large steps early, small ones late, when the weights only need settling.
double scheduled_learning_rate(const std::string& schedule, double peak, long step, long total_steps);

}  // namespace ladder::nn
