// Training on synthetic digits: the loss falls, accuracy beats a stated bar,
// and the same seed gives bit-identical weights. Plus the confusion matrix.
#include <gtest/gtest.h>

#include <iostream>

#include "common/nn/random.hpp"
#include "common/nn/synthetic_digits.hpp"
#include "common/nn/training.hpp"

namespace ladder::nn {
namespace {

// Kept small so the whole suite stays fast on a 2-core CI machine.
constexpr int kTrainImages = 2000;
constexpr int kTestImages = 500;
constexpr int kEpochs = 2;
// On the CPU these two epochs reach about 80 % (seed 11; the test prints what it reached); 10 % is chance.
constexpr double kRequiredAccuracy = 0.65;

TEST(Training, LowersTheLossAndLearnsSyntheticDigits) {
  const MnistData data = generate_synthetic_mnist(kTrainImages, kTestImages, 11);
  const Dataset train_set = make_dataset(data.train), test_set = make_dataset(data.test);
  LeNet<float> network(LeNetConfig{}, 12);
  const std::unique_ptr<Optimizer<float>> adam = make_optimizer<float>("adam", 0.001);
  Random shuffle(13);
  const Evaluation before = evaluate(network, test_set, 128);
  EpochStats last{};
  for (int epoch = 0; epoch < kEpochs; ++epoch) last = train_epoch(network, *adam, train_set, 32, shuffle);
  const Evaluation after = evaluate(network, test_set, 128);
  EXPECT_LT(after.mean_loss, 0.6 * before.mean_loss);
  EXPECT_GT(last.train_accuracy, 0.5);
  std::cout << "test accuracy after " << kEpochs << " epochs: " << 100.0 * after.confusion.accuracy() << " %\n";
  EXPECT_GE(after.confusion.accuracy(), kRequiredAccuracy);
  EXPECT_EQ(after.confusion.total(), kTestImages);
}

TEST(Training, SameSeedSameWeights) {
  const Dataset train_set = make_dataset(generate_synthetic_digits(200, 21));
  const auto train_once = [&] {
    LeNet<float> network(LeNetConfig{}, 22);
    SgdMomentum<float> sgd(0.01, 0.9);
    Random shuffle(23);
    train_epoch(network, sgd, train_set, 16, shuffle);
    std::vector<std::vector<float>> values;
    for (const Parameter<float>* p : network.parameters()) values.push_back(p->value.values);
    return values;
  };
  EXPECT_EQ(train_once(), train_once());
}

TEST(Training, ProgressReportsEveryBatch) {
  const Dataset train_set = make_dataset(generate_synthetic_digits(70, 31));
  LeNet<float> network(LeNetConfig{}, 32);
  Adam<float> adam(0.001);
  Random shuffle(33);
  std::vector<int> done;
  train_epoch(network, adam, train_set, 32, shuffle, [&](int images, int total, double) {
    EXPECT_EQ(total, 70);
    done.push_back(images);
  });
  EXPECT_EQ(done, (std::vector<int>{32, 64, 70}));  // the last batch is the remainder
}

TEST(Evaluation, DoesNotDependOnBatchSize) {
  const Dataset test_set = make_dataset(generate_synthetic_digits(100, 41));
  LeNet<float> network(LeNetConfig{}, 42);
  const Evaluation whole = evaluate(network, test_set, 100), pieces = evaluate(network, test_set, 7);
  EXPECT_NEAR(whole.mean_loss, pieces.mean_loss, 1e-9);
  EXPECT_EQ(whole.confusion.accuracy(), pieces.confusion.accuracy());
}

TEST(ConfusionMatrix, PrecisionRecallAndF1) {
  ConfusionMatrix confusion(3);
  // class 0: 3 right, 1 taken for 1;  class 1: 2 right;  class 2: never occurs, predicted once (for 1)
  for (int i = 0; i < 3; ++i) confusion.add(0, 0);
  confusion.add(0, 1);
  confusion.add(1, 1);
  confusion.add(1, 1);
  confusion.add(1, 2);
  EXPECT_EQ(confusion.total(), 7);
  EXPECT_DOUBLE_EQ(confusion.accuracy(), 5.0 / 7);
  EXPECT_DOUBLE_EQ(confusion.precision(1), 2.0 / 3);
  EXPECT_DOUBLE_EQ(confusion.recall(0), 3.0 / 4);
  EXPECT_DOUBLE_EQ(confusion.f1(1), 2 * (2.0 / 3) * (2.0 / 3) / (4.0 / 3));
  EXPECT_EQ(confusion.precision(2), 0.0);  // no division by zero
  EXPECT_EQ(confusion.recall(2), 0.0);
  EXPECT_EQ(confusion.f1(2), 0.0);
  const std::string report = format_classification_report(confusion);
  EXPECT_NE(report.find("precision"), std::string::npos);
  EXPECT_NE(report.find("confusion matrix"), std::string::npos);
}

}  // namespace
}  // namespace ladder::nn
