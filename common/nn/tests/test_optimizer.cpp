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

TEST(SgdMomentum, WeightDecayIsAddedToTheGradientOfWeightsOnly) {
  Parameter<double> weight = scalar_parameter(2.0, 0.5);
  Parameter<double> bias = scalar_parameter(2.0, 0.5);
  weight.name = "fc1.weight";
  bias.name = "fc1.bias";
  SgdMomentum<double> sgd(0.1, 0.9, 0.01);
  sgd.step({&weight, &bias});
  EXPECT_DOUBLE_EQ(weight.value.values[0], 2.0 - 0.1 * (0.5 + 0.01 * 2.0));  // g' = g + wd * w
  EXPECT_DOUBLE_EQ(bias.value.values[0], 2.0 - 0.1 * 0.5) << "biases are not decayed";
}

TEST(Adam, WeightDecayIsDecoupledFromTheMoments) {
  // With a zero gradient the moments stay zero: only the decoupled decay moves the weight,
  // by lr * wd * w. Folded into g, Adam's normalisation would have made it a step of lr.
  Parameter<double> weight = scalar_parameter(3.0, 0.0);
  weight.name = "conv1.weight";
  Adam<double> adamw(0.01, 0.9, 0.999, 1e-8, 0.1);
  adamw.step({&weight});
  EXPECT_NEAR(weight.value.values[0], 3.0 - 0.01 * 0.1 * 3.0, 1e-12);
  Parameter<double> bias = scalar_parameter(3.0, 0.0);
  bias.name = "conv1.bias";
  adamw.step({&bias});
  EXPECT_DOUBLE_EQ(bias.value.values[0], 3.0);
}

TEST(Optimizer, TheLearningRateCanChangeBetweenSteps) {
  Parameter<double> p = scalar_parameter(1.0, 1.0);
  SgdMomentum<double> sgd(0.1, 0.0);
  sgd.set_learning_rate(0.5);
  EXPECT_DOUBLE_EQ(sgd.learning_rate(), 0.5);
  sgd.step({&p});
  EXPECT_DOUBLE_EQ(p.value.values[0], 0.5);
}

TEST(Schedule, CosineFallsFromThePeakToZeroThroughHalf) {
  EXPECT_DOUBLE_EQ(scheduled_learning_rate("cosine", 0.002, 0, 100), 0.002);
  EXPECT_NEAR(scheduled_learning_rate("cosine", 0.002, 50, 100), 0.001, 1e-15);
  EXPECT_NEAR(scheduled_learning_rate("cosine", 0.002, 25, 100), 0.001 * (1 + std::sqrt(0.5)), 1e-15);
  EXPECT_DOUBLE_EQ(scheduled_learning_rate("cosine", 0.002, 100, 100), 0.0);
  for (long step = 1; step < 100; ++step)
    EXPECT_LT(scheduled_learning_rate("cosine", 1.0, step, 100), scheduled_learning_rate("cosine", 1.0, step - 1, 100));
  EXPECT_DOUBLE_EQ(scheduled_learning_rate("constant", 0.002, 77, 100), 0.002);
  EXPECT_THROW(scheduled_learning_rate("step", 0.1, 0, 10), std::invalid_argument);
}

TEST(MakeOptimizer, KnowsSgdAndAdamOnly) {
  EXPECT_NE(make_optimizer<float>("sgd", 0.1), nullptr);
  EXPECT_NE(make_optimizer<float>("adam", 0.1), nullptr);
  EXPECT_THROW(make_optimizer<float>("rmsprop", 0.1), std::invalid_argument);
}

}  // namespace
}  // namespace ladder::nn
