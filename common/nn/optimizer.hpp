/// \file common/nn/optimizer.hpp
/// \brief SGD with momentum and Adam, updating a network's parameters from their gradients.
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
};

/// SGD with momentum, as in PyTorch: v = momentum * v + g;  w -= lr * v.
template <typename T>
class SgdMomentum : public Optimizer<T> {
 public:
  SgdMomentum(double learning_rate, double momentum);
  void step(const std::vector<Parameter<T>*>& parameters) override;

 private:
  double learning_rate_;
  double momentum_;
  std::vector<std::vector<double>> velocity_;  // one per parameter, created on the first step
};

/// Adam (Kingma and Ba 2015) with bias-corrected moments:
/// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr * m_hat / (sqrt(v_hat) + epsilon).
template <typename T>
class Adam : public Optimizer<T> {
 public:
  explicit Adam(double learning_rate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8);
  void step(const std::vector<Parameter<T>*>& parameters) override;

 private:
  double learning_rate_, beta1_, beta2_, epsilon_;
  long step_count_ = 0;
  std::vector<std::vector<double>> first_moment_;   // m, one per parameter
  std::vector<std::vector<double>> second_moment_;  // v, one per parameter
};

/// "sgd" (momentum 0.9) or "adam"; throws std::invalid_argument for any other name.
template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, double learning_rate);

}  // namespace ladder::nn
