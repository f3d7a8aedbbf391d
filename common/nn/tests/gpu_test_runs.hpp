/// \file common/nn/tests/gpu_test_runs.hpp
/// \brief The runs chapter 14's GPU-against-CPU tests make, shared with the CPU test that
/// checks those runs are well conditioned (test_gpu_test_conditioning.cpp).
///
/// The GPU and the CPU round differently (other summation orders, fused multiply-adds), so the
/// two paths differ by fp32 rounding. That is harmless while every decision the network makes is
/// far from a tie: which input of a max-pool window is largest, the sign of a ReLU's input, the
/// sign of a near-zero gradient, which Adam turns into a whole step of ±lr. A run that passes
/// close to such a tie can flip it on one path and not on the other, and then the paths differ by
/// far more than rounding although both are right. So each run here is one whose outcome does not
/// move when its weights are perturbed by several times fp32's rounding, and the conditioning test
/// checks that on the CPU, where CI runs it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/nn/mnist_app.hpp"
#include "common/nn/network.hpp"
#include "common/nn/optimizer.hpp"
#include "common/nn/random.hpp"
#include "common/nn/synthetic_digits.hpp"
#include "common/nn/training.hpp"

namespace ladder::nn::test_runs {

/// The initial weights of the single-batch and few-step tests (test_gpu_network.cu).
inline constexpr std::uint64_t kWeightSeed = 5;

/// `count` random images (pixels in [0, 1], as the datasets give) and labels.
struct Batch {
  Tensor<float> images;
  std::vector<int> labels;
};

inline Batch random_batch(int count, int side, std::uint64_t seed) {
  Random random(seed);
  Batch batch{Tensor<float>({count, 1, side, side}), {}};
  for (float& pixel : batch.images.values) pixel = float(random.uniform());
  for (int n = 0; n < count; ++n) batch.labels.push_back(int(random.below(kMnistClasses)));
  return batch;
}

/// The batch of the single forward and backward test: 37 images, a ragged batch of at most 64.
inline Batch gradient_test_batch() { return random_batch(37, 28, 1); }
/// How far that test lets each gradient be from the CPU's, relative to its largest element.
inline constexpr double kGradientError = 1e-4;

/// The few-step test: batches of 32 taken in order from 149 images (the last one ragged, 21).
struct FewSteps {
  static constexpr int kImages = 149, kBatch = 32;
  static constexpr double kWeightDecay = 1e-3;
  /// How far each step's loss, and each weight at the end relative to its tensor's largest, may
  /// be from the CPU's (for Adam, all but the 4 worst weights of each tensor; see scaled_error.hpp).
  static constexpr double kError = 1e-4;
  static constexpr std::size_t kAdamOutliers = 4;
  static double learning_rate(const std::string& optimizer) { return optimizer == "sgd" ? 0.05 : 1e-3; }
  static Batch data() { return random_batch(kImages, 28, 2); }
  static int steps() { return (kImages + kBatch - 1) / kBatch; }
};

/// FewSteps on the CPU: trains `network` in place and returns each step's loss.
inline std::vector<double> cpu_few_steps(LeNet<float>& network, const std::string& optimizer) {
  const Batch data = FewSteps::data();
  const std::unique_ptr<Optimizer<float>> step =
      make_optimizer<float>(optimizer, FewSteps::learning_rate(optimizer), FewSteps::kWeightDecay);
  std::vector<double> losses;
  for (int begin = 0; begin < FewSteps::kImages; begin += FewSteps::kBatch) {
    std::vector<int> indices(std::size_t(std::min(FewSteps::kBatch, FewSteps::kImages - begin)));
    for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = begin + int(i);
    const Dataset batch = gather_batch(Dataset{data.images, data.labels}, indices);
    const SoftmaxCrossEntropy<float> loss = softmax_cross_entropy(network.forward(batch.images), batch.labels);
    network.backward(loss.grad_logits);
    step->step(network.parameters());
    losses.push_back(loss.loss);
  }
  return losses;
}

/// A short run on generated digits, for the engine tests (test_gpu_training.cu): one epoch of
/// 330 images in batches of 32 with augmentation, Adam and the cosine schedule.
struct ShortRun {
  /// The initial weights' seed: see the file comment and the conditioning test.
  static constexpr std::uint64_t kWeightSeed = 13;
  /// How far the epoch's mean loss, and each weight relative to its tensor's largest, may be from the CPU's.
  static constexpr double kError = 1e-3;

  MnistData data = generate_synthetic_mnist(330, 100, 4);
  Dataset train_set = make_dataset(data.train), test_set = make_dataset(data.test);
  LeNet<float> initial{LeNetConfig{}, kWeightSeed};
  TrainingRun run;

  ShortRun(const ShortRun&) = delete;
  ShortRun& operator=(const ShortRun&) = delete;
  ShortRun() {  // not copyable: run points into it
    run.initial = &initial;
    run.train_set = &train_set;
    run.test_set = &test_set;
    run.batch_size = 32;  // 10 full batches and a ragged one of 10
    run.optimizer = "adam";
    run.learning_rate = 1e-3;
    run.weight_decay = 0.01;
    run.total_steps = 22;
    run.augment = AffineAugment{};
    run.shuffle_seed = 8;
    run.augment_seed = 9;
  }
};

}  // namespace ladder::nn::test_runs
