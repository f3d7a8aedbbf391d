/// \file common/nn/training.hpp
/// \brief Mini-batch training and evaluation of the LeNet on labelled images.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "common/nn/augment.hpp"
#include "common/nn/confusion.hpp"
#include "common/nn/idx.hpp"
#include "common/nn/network.hpp"
#include "common/nn/optimizer.hpp"

namespace ladder::nn {

class Random;

/// Images as the network reads them, with their labels.
struct Dataset {
  Tensor<float> images;     ///< (N, 1, side, side), pixels scaled to [0, 1]
  std::vector<int> labels;  ///< (N)

  int count() const { return int(labels.size()); }
};

/// Converts IDX bytes (0-255) to a Dataset (0-1).
Dataset make_dataset(const LabelledImages& set);

/// The images and labels of `indices`, in that order: one mini-batch.
Dataset gather_batch(const Dataset& data, const std::vector<int>& indices);

/// A random order of 0 .. count - 1: Fisher-Yates with our portable generator (std::shuffle may
/// differ between standard libraries). The GPU path runs the same loop (gpu/training.cuh).
std::vector<int> shuffled_indices(int count, Random& random);

/// Called after each mini-batch: images done so far this epoch, images in the
/// epoch, mean loss so far.
using ProgressCallback = std::function<void(int done, int total, double mean_loss)>;

/// What one epoch of training measured.
struct EpochStats {
  double mean_loss = 0;              ///< mean cross-entropy over the epoch's batches, weighted by batch size
  double train_accuracy = 0;         ///< fraction right, counted as the epoch went (the weights moved meanwhile)
  double seconds = 0;                ///< wall time of the epoch
  double joules = -1;                ///< the GPU's energy over the epoch, from NVML; below 0 where unknown (the CPU)
  std::vector<double> batch_losses;  ///< each mini-batch's mean loss, in order
};

/// What a training step does besides forward, backward and the optimizer's step: augment
/// the batch first, and set the learning rate a schedule gives for the step.
struct StepPlan {
  AffineAugment augment{0, 0, 0};                  ///< limits of the random transform; all 0: the batch as it is
  Random* augment_random = nullptr;                ///< draws the transforms; needed when augment is enabled
  std::function<double(long step)> learning_rate;  ///< of global step `step`; empty: the optimizer's own
  long first_step = 0;                             ///< the global index of this epoch's first step
};

/// One pass over `data` in a random order drawn from `shuffle`, one optimizer
/// step per mini-batch of `batch_size` (the last batch may be smaller).
EpochStats train_epoch(LeNet<float>& network, Optimizer<float>& optimizer, const Dataset& data, int batch_size,
                       Random& shuffle, const ProgressCallback& progress = {}, const StepPlan& plan = {});

/// The first `count` images of `data` (all of them when count is 0 or larger than the set).
Dataset first_images(const Dataset& data, int count);

/// Mean loss and confusion matrix of the network's predictions on `data`.
struct Evaluation {
  double mean_loss = 0;
  ConfusionMatrix confusion{kMnistClasses};
};

/// Evaluates in batches of `batch_size` (the result does not depend on it).
Evaluation evaluate(LeNet<float>& network, const Dataset& data, int batch_size);

/// Index of the largest logit of row n of (N, classes) logits; the first one on ties.
int predicted_class(const Tensor<float>& logits, int n);

}  // namespace ladder::nn
