// SGD with momentum and Adam against updates worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "common/nn/optimizer.hpp"

namespace ladder::nn {
namespace {

Parameter<double> scalar_parameter(double value, double grad) {
  Parameter<double> p{"w", Tensor<double>({1}), Tensor<double>({1})};
  p.value.values[0] = value;
  p.grad.values[0] = grad;
  return p;
}

TEST(SgdMomentum, AccumulatesVelocity) {
  Parameter<double> p = scalar_parameter(1.0, 0.5);
  SgdMomentum<double> sgd(0.1, 0.9);
  sgd.step({&p});  // v = 0.5,               w = 1 - 0.05
  EXPECT_DOUBLE_EQ(p.value.values[0], 0.95);
  sgd.step({&p});  // v = 0.9 * 0.5 + 0.5 = 0.95, w = 0.95 - 0.095
  EXPECT_DOUBLE_EQ(p.value.values[0], 0.855);
}

TEST(Adam, FirstStepMovesByTheLearningRate) {
  // With bias correction, m_hat = g and v_hat = g^2 after one step: the update is lr * sign(g).
  Parameter<double> p = scalar_parameter(2.0, -3.0);
  Adam<double> adam(0.01);
  adam.step({&p});
  EXPECT_NEAR(p.value.values[0], 2.01, 1e-9);
}

TEST(Adam, SecondStepMatchesTheFormula) {
  Parameter<double> p = scalar_parameter(0.0, 1.0);
  Adam<double> adam(0.1, 0.9, 0.999, 1e-8);
  adam.step({&p});
  p.grad.values[0] = 0.5;
  adam.step({&p});
  const double m = 0.9 * 0.1 + 0.1 * 0.5, v = 0.999 * 0.001 + 0.001 * 0.25;
  const double first = -0.1 / (1 + 1e-8);
  const double expected = first - 0.1 * (m / (1 - 0.81)) / (std::sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
  EXPECT_NEAR(p.value.values[0], expected, 1e-12);
}

TEST(MakeOptimizer, KnowsSgdAndAdamOnly) {
  EXPECT_NE(make_optimizer<float>("sgd", 0.1), nullptr);
  EXPECT_NE(make_optimizer<float>("adam", 0.1), nullptr);
  EXPECT_THROW(make_optimizer<float>("rmsprop", 0.1), std::invalid_argument);
}

}  // namespace
}  // namespace ladder::nn
