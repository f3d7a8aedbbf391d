#include "common/nn/optimizer.hpp"

#include <cmath>
#include <stdexcept>

namespace ladder::nn {
namespace {

// Creates zeroed optimizer state shaped like the parameters on first use.
template <typename T>
void ensure_state(std::vector<std::vector<double>>& state, const std::vector<Parameter<T>*>& parameters) {
  if (!state.empty()) return;
  for (const Parameter<T>* p : parameters) state.emplace_back(p->value.size(), 0.0);
}

}  // namespace

template <typename T>
SgdMomentum<T>::SgdMomentum(double learning_rate, double momentum, double weight_decay)
    : Optimizer<T>(learning_rate), momentum_(momentum), weight_decay_(weight_decay) {}

template <typename T>
void SgdMomentum<T>::step(const std::vector<Parameter<T>*>& parameters) {
  ensure_state(velocity_, parameters);
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    std::vector<T>& weights = parameters[i]->value.values;
    const std::vector<T>& grads = parameters[i]->grad.values;
    std::vector<double>& velocity = velocity_[i];
    const double decay = decays(*parameters[i]) ? weight_decay_ : 0.0;
    for (std::size_t j = 0; j < weights.size(); ++j) {
      velocity[j] = momentum_ * velocity[j] + grads[j] + decay * weights[j];
      weights[j] = T(weights[j] - this->learning_rate_ * velocity[j]);
    }
  }
}

template <typename T>
Adam<T>::Adam(double learning_rate, double beta1, double beta2, double epsilon, double weight_decay)
    : Optimizer<T>(learning_rate), beta1_(beta1), beta2_(beta2), epsilon_(epsilon), weight_decay_(weight_decay) {}

template <typename T>
void Adam<T>::step(const std::vector<Parameter<T>*>& parameters) {
  ensure_state(first_moment_, parameters);
  ensure_state(second_moment_, parameters);
  ++step_count_;
  // Early moments are biased towards their zero start; dividing by these undoes it.
  const double first_correction = 1.0 - std::pow(beta1_, double(step_count_));
  const double second_correction = 1.0 - std::pow(beta2_, double(step_count_));
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    std::vector<T>& weights = parameters[i]->value.values;
    const std::vector<T>& grads = parameters[i]->grad.values;
    std::vector<double>& m = first_moment_[i];
    std::vector<double>& v = second_moment_[i];
    const double decay = decays(*parameters[i]) ? weight_decay_ : 0.0;
    for (std::size_t j = 0; j < weights.size(); ++j) {
      const double g = grads[j];
      m[j] = beta1_ * m[j] + (1 - beta1_) * g;
      v[j] = beta2_ * v[j] + (1 - beta2_) * g * g;
      const double m_hat = m[j] / first_correction, v_hat = v[j] / second_correction;
      weights[j] = T(weights[j] - this->learning_rate_ * (m_hat / (std::sqrt(v_hat) + epsilon_) + decay * weights[j]));
    }
  }
}

template <typename T>
std::unique_ptr<Optimizer<T>> make_optimizer(const std::string& name, double learning_rate, double weight_decay) {
  if (name == "sgd") return std::make_unique<SgdMomentum<T>>(learning_rate, kSgdMomentum, weight_decay);
  if (name == "adam") return std::make_unique<Adam<T>>(learning_rate, 0.9, 0.999, 1e-8, weight_decay);
  throw std::invalid_argument("unknown optimizer '" + name + "' (use sgd or adam)");
}

double scheduled_learning_rate(const std::string& schedule, double peak, long step, long total_steps) {
  if (schedule == "constant") return peak;
  if (schedule != "cosine") throw std::invalid_argument("unknown schedule '" + schedule + "' (use cosine or constant)");
  if (total_steps <= 0 || step >= total_steps) return 0.0;
  const double pi = std::acos(-1.0);
  return peak * 0.5 * (1.0 + std::cos(pi * double(step) / double(total_steps)));
}

template class SgdMomentum<float>;
template class SgdMomentum<double>;
template class Adam<float>;
template class Adam<double>;
template std::unique_ptr<Optimizer<float>> make_optimizer(const std::string&, double, double);
template std::unique_ptr<Optimizer<double>> make_optimizer(const std::string&, double, double);

}  // namespace ladder::nn
