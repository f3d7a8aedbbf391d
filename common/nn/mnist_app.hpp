/// \file common/nn/mnist_app.hpp
/// \brief What ch14_mnist_cnn does: load or generate data, train, evaluate, report, on the CPU
/// reference layers or on the GPU (a TrainingEngine each).
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/nn/training.hpp"

namespace ladder::nn {

/// The settings of one run of the chapter 14 executable (validated by its command line).
struct MnistRunOptions {
  std::string data_dir;         ///< MNIST IDX files (raw or .gz); empty: synthetic digits
  int synthetic_count = 20000;  ///< training digits to generate when data_dir is empty
  std::string synthetic_out;    ///< when set, the generated set is also written here as IDX .gz files
  int epochs = 3;
  int batch_size = 32;
  double learning_rate = 0;         ///< 0: the optimizer's default (sgd 0.01, adam 0.001)
  std::string optimizer = "adam";   ///< "sgd" (momentum 0.9) or "adam"
  std::string schedule = "cosine";  ///< learning rate: "cosine" (from the peak to 0 over the run) or "constant"
  double weight_decay = -1;         ///< below 0: the optimizer's default (adam 0.01, decoupled; sgd 5e-4); 0: none
  std::string augment = "auto";     ///< random shifts, rotations, scaling of the training batches: on, off, or
                                    ///< auto (on for digits, off for Fashion-MNIST: see augments())
  int train_limit = 0;              ///< train on the first N images only (0: all)
  int test_limit = 0;               ///< test on the first N images only (0: all)
  std::string classes = "auto";     ///< class names: "digits", "fashion", or "auto" (fashion when --data says so)
  std::uint64_t seed = 1;           ///< data generation, initialisation and shuffling all derive from it
  std::string save_path;            ///< write a checkpoint here after training
  std::string save_initial_path;    ///< write the weights training starts from here (for benchmarks/pytorch_lenet.py)
  std::string json_path;            ///< write the run's results here as JSON
  bool layer_times = false;         ///< GPU: time each layer of every training step with CUDA events
  bool cuda_graph = true;           ///< GPU: replay each full training step from one captured CUDA graph
  std::string precision = "fp32";   ///< GPU: "fp32", or "bf16" for the products and convolutions (mixed precision)
  int gpus = 0;                     ///< GPU: 0 for one GPU as it is; N >= 1 for N data-parallel replicas over NCCL
  std::string load_path;            ///< start from this checkpoint
  bool infer_only = false;          ///< evaluate the loaded checkpoint on the test set, no training
};

/// Test images generated alongside `train_count` synthetic training digits:
/// one sixth, as MNIST's 10000 to 60000, but at least 100.
int synthetic_test_count(int train_count);

/// The learning rate used: options.learning_rate, or the optimizer's default when it is 0.
double effective_learning_rate(const MnistRunOptions& options);

/// The weight decay used: options.weight_decay, or the optimizer's default when it is below 0.
double effective_weight_decay(const MnistRunOptions& options);

/// Whether the training batches are augmented: "on", "off", or for "auto", on for digits
/// (handwriting varies in position, slant and size, which the transform imitates) and off for
/// Fashion-MNIST, whose centred, upright product photos it does not imitate: there, 3 epochs
/// with it measured 3 points lower test accuracy (chapter 14's lesson).
bool augments(const MnistRunOptions& options);

/// The names the report gives the classes: Fashion-MNIST's for "fashion", and for "auto" when
/// the --data path contains "fashion" (as Debian's /usr/share/datasets/fashion-mnist);
/// none (the digits are their own names) otherwise.
std::vector<std::string> class_names(const MnistRunOptions& options);

/// Images per batch when evaluating: evaluation keeps no gradients, so bigger batches cost no memory worth
/// counting.
inline constexpr int kEvaluationBatch = 256;

/// The test accuracy whose time-to-accuracy a run reports: 99 % for digits (a LeNet's usual
/// mark on MNIST), 90 % for Fashion-MNIST (a LeNet reaches about 89-91 % there).
double target_accuracy(const MnistRunOptions& options);

/// Everything a TrainingEngine needs to know about the run, settled by run_mnist.
struct TrainingRun {
  const LeNet<float>* initial = nullptr;  ///< the network to start from (freshly initialised or loaded)
  const Dataset* train_set = nullptr;     ///< empty for --infer
  const Dataset* test_set = nullptr;
  int batch_size = 32;
  std::string optimizer = "adam";
  double learning_rate = 0;  ///< the peak the schedule starts from
  double weight_decay = 0;
  std::string schedule = "cosine";
  long total_steps = 1;                              ///< optimizer steps in the whole run, for the schedule
  AffineAugment augment{0, 0, 0};                    ///< all 0: no augmentation
  std::uint64_t shuffle_seed = 0, augment_seed = 0;  ///< the streams of Random that order and transform the batches
  bool layer_times = false;  ///< time each layer of every training step (the GPU engine; it then waits every step)
  bool cuda_graph = true;    ///< GPU: capture a full training step once and replay it (off with layer_times)
  std::string precision = "fp32";  ///< GPU: "fp32" or "bf16" (gpu/bf16_layout.cuh)
  int gpus = 0;  ///< 0: one GPU; N >= 1: N data-parallel replicas, gradients summed by NCCL (gpu/data_parallel.cuh)
};

/// How fast an engine infers: throughput in big batches, and the latency of one image alone.
struct InferenceSpeed {
  double images_per_second = 0;    ///< forward passes over test images in batches of kEvaluationBatch
  double batch1_milliseconds = 0;  ///< the median time of one forward pass of a single image
  int images = 0;                  ///< how many test images the throughput was measured on
};

/// One part of a training step and the GPU time it took: "conv1 forward", "optimizer", ...
struct LayerTime {
  std::string name;
  double milliseconds_per_step = 0;  ///< the mean over the steps timed
  long steps = 0;
};

/// How a run trains and evaluates. run_mnist does the rest (data, checkpoints, reports), so both
/// engines share flags, progress lines, metrics and checkpoints. Both take the batches in the
/// same order, transformed the same way: Random(shuffle_seed) drives a Fisher-Yates shuffle per
/// epoch and Random(augment_seed) four draws per training image, in order.
class TrainingEngine {
 public:
  virtual ~TrainingEngine() = default;
  /// One pass over the training set, one optimizer step per mini-batch; `progress` is called
  /// at least at the end (the GPU calls it at each quarter: it waits for the GPU to report).
  virtual EpochStats train_epoch(long first_step, const ProgressCallback& progress) = 0;
  /// Loss and confusion matrix of the current network on the test set.
  virtual Evaluation evaluate_test() = 0;
  /// Times forward passes over the test set (the CPU: its first 2048 images), then single images.
  virtual InferenceSpeed measure_inference() = 0;
  /// The current weights, into a network of the same sizes (for --save).
  virtual void copy_weights_to(LeNet<float>& network) = 0;
  /// Where it runs: "CPU reference layers", or the GPU's name.
  virtual std::string device() const = 0;
  /// Each layer's products and convolutions with the kernel that ran them, in the order first run
  /// (empty for the CPU, whose layers are the loops of layers.cpp).
  virtual std::vector<std::pair<std::string, std::string>> kernels() const { return {}; }
  /// Where a training step's time went, when the run asked for layer_times (empty otherwise,
  /// and on the CPU).
  virtual std::vector<LayerTime> layer_times() const { return {}; }
  /// Whether training steps replayed a CUDA graph, and if not, why: "on: ...", "off (...)".
  virtual std::string cuda_graph() const { return "off (the CPU path launches nothing)"; }
  /// Why the energy of an epoch is unknown (EpochStats::joules < 0), or "" when it is known.
  virtual std::string energy_unavailable_reason() const { return "the CPU path does not measure energy"; }
};

/// Makes the engine of a run; may throw (with a message for the user) when it cannot.
using EngineFactory = std::function<std::unique_ptr<TrainingEngine>(const TrainingRun& run)>;

/// The CPU reference layers (train_epoch and evaluate of training.hpp).
std::unique_ptr<TrainingEngine> make_cpu_engine(const TrainingRun& run);

/// Runs chapter 14 with the engine `make_engine` makes. Results go to `out`; progress lines
/// and errors to `err` (progress is carriage-return updated when `err_is_terminal`). Returns
/// the exit status: 0, or 1 with one line on `err` when the data, a checkpoint or the engine
/// is unusable.
int run_mnist(const MnistRunOptions& options, const EngineFactory& make_engine, std::ostream& out, std::ostream& err,
              bool err_is_terminal);

/// run_mnist on the CPU reference layers.
int run_mnist_cpu(const MnistRunOptions& options, std::ostream& out, std::ostream& err, bool err_is_terminal);

}  // namespace ladder::nn
