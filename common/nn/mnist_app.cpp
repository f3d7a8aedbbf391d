#include "common/nn/mnist_app.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>

#include "common/nn/checkpoint.hpp"
#include "common/nn/random.hpp"
#include "common/nn/synthetic_digits.hpp"
#include "common/nn/training.hpp"

namespace ladder::nn {
namespace {

constexpr char kProgram[] = "ch14_mnist_cnn";
constexpr int kEvaluationBatch = 256;  // evaluation keeps no gradients, so bigger batches are free
constexpr std::uint64_t kTrainDataStream = 1, kInitStream = 3, kShuffleStream = 4, kAugmentStream = 5;

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", 100.0 * fraction);
  return text;
}

// The progress line of one epoch on stderr. On a terminal it is rewritten in
// place (carriage return) at most every quarter second; in a log it is a new
// line at each quarter of the epoch, so CI logs stay short.
class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& err, bool terminal, int epoch, int epochs)
      : err_(err), terminal_(terminal), epoch_(epoch), epochs_(epochs), start_(std::chrono::steady_clock::now()) {}

  void operator()(int done, int total, double mean_loss) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const bool last = done == total;
    if (terminal_ && !last && seconds - last_print_ < 0.25) return;
    if (!terminal_ && !last && done * 4 / total == quarters_) return;
    quarters_ = done * 4 / total;
    last_print_ = seconds;
    char line[160];
    std::snprintf(line, sizeof line, "epoch %d/%d  %6d/%d images  loss %.4f  %.0f images/s", epoch_, epochs_, done,
                  total, mean_loss, seconds > 0 ? done / seconds : 0.0);
    err_ << (terminal_ ? "\r" : "") << line << (terminal_ && !last ? "" : "\n") << std::flush;
  }

 private:
  std::ostream& err_;
  bool terminal_;
  int epoch_, epochs_;
  std::chrono::steady_clock::time_point start_;
  double last_print_ = -1;
  int quarters_ = 0;
};

MnistData load_data(const MnistRunOptions& options, std::ostream& out) {
  if (!options.data_dir.empty()) {
    MnistData data = load_mnist(options.data_dir);
    out << "data: " << (class_names(options).empty() ? "MNIST" : "Fashion-MNIST") << " from " << options.data_dir
        << ", " << data.train.images.count << " training / " << data.test.images.count << " test images\n";
    return data;
  }
  const int test_count = synthetic_test_count(options.synthetic_count);
  MnistData data =
      generate_synthetic_mnist(options.synthetic_count, test_count, derive_seed(options.seed, kTrainDataStream));
  out << "data: synthetic digits (seed " << options.seed << "), " << options.synthetic_count << " training / "
      << test_count << " test images\n";
  if (!options.synthetic_out.empty()) {
    // Writing and reading back the files runs the whole IDX pipeline on the generated data.
    write_mnist(options.synthetic_out, data, /*compress=*/true);
    data = load_mnist(options.synthetic_out);
    out << "data: written to and read back from " << options.synthetic_out << "\n";
  }
  return data;
}

std::string describe_regularisation(const MnistRunOptions& options, const AffineAugment& augment) {
  char text[200];
  std::snprintf(text, sizeof text, "weight decay %g, augmentation %s", effective_weight_decay(options),
                augment.enabled() ? "" : "off");
  std::string line = text;
  if (augment.enabled()) {
    std::snprintf(text, sizeof text, "shifts up to %g px, rotations up to %g degrees, scale 1 +- %g", augment.max_shift,
                  augment.max_rotation_degrees, augment.max_scale);
    line += text;
  }
  return line;
}

Evaluation train(const MnistRunOptions& options, LeNet<float>& network, const Dataset& train_set,
                 const Dataset& test_set, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  const double learning_rate = effective_learning_rate(options);
  const std::unique_ptr<Optimizer<float>> optimizer =
      make_optimizer<float>(options.optimizer, learning_rate, effective_weight_decay(options));
  Random shuffle(derive_seed(options.seed, kShuffleStream));
  Random augment_random(derive_seed(options.seed, kAugmentStream));
  const long steps_per_epoch = (train_set.count() + options.batch_size - 1) / options.batch_size;
  const long total_steps = steps_per_epoch * options.epochs;
  StepPlan plan;
  if (augments(options)) plan.augment = AffineAugment{};
  plan.augment_random = &augment_random;
  plan.learning_rate = [&options, learning_rate, total_steps](long step) {
    return scheduled_learning_rate(options.schedule, learning_rate, step, total_steps);
  };
  out << "training: " << options.epochs << " epochs, batch " << options.batch_size << ", " << options.optimizer
      << " lr " << learning_rate << " (" << options.schedule << "), " << describe_regularisation(options, plan.augment)
      << "\n";
  Evaluation evaluation;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    ProgressPrinter progress(err, err_is_terminal, epoch, options.epochs);
    plan.first_step = (epoch - 1) * steps_per_epoch;
    const EpochStats stats =
        train_epoch(network, *optimizer, train_set, options.batch_size, shuffle, std::ref(progress), plan);
    evaluation = evaluate(network, test_set, kEvaluationBatch);
    char line[200];
    std::snprintf(line, sizeof line, "epoch %d/%d: loss %.4f, train accuracy %s, test accuracy %s, %.0f images/s\n",
                  epoch, options.epochs, stats.mean_loss, percent(stats.train_accuracy).c_str(),
                  percent(evaluation.confusion.accuracy()).c_str(), train_set.count() / stats.seconds);
    out << line << std::flush;
  }
  return evaluation;
}

int run(const MnistRunOptions& options, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  const MnistData data = load_data(options, out);
  const Dataset test_set = first_images(make_dataset(data.test), options.test_limit);
  if (options.train_limit > 0 || options.test_limit > 0)
    out << "data: the first "
        << std::min(data.train.images.count, options.train_limit > 0 ? options.train_limit : data.train.images.count)
        << " training and " << test_set.count() << " test images\n";
  LeNet<float> network(LeNetConfig{}, derive_seed(options.seed, kInitStream));
  if (!options.load_path.empty()) {
    load_checkpoint(options.load_path, network);
    out << "loaded " << options.load_path << "\n";
  }
  Evaluation evaluation = options.infer_only
                              ? evaluate(network, test_set, kEvaluationBatch)
                              : train(options, network, first_images(make_dataset(data.train), options.train_limit),
                                      test_set, out, err, err_is_terminal);
  if (!options.save_path.empty()) {
    save_checkpoint(options.save_path, network);
    out << "saved " << options.save_path << "\n";
  }
  out << "test accuracy: " << percent(evaluation.confusion.accuracy()) << "\n\n"
      << format_classification_report(evaluation.confusion, class_names(options)) << std::flush;
  return 0;
}

}  // namespace

int synthetic_test_count(int train_count) { return std::max(100, train_count / 6); }

double effective_learning_rate(const MnistRunOptions& options) {
  if (options.learning_rate > 0) return options.learning_rate;
  return options.optimizer == "sgd" ? 0.01 : 0.001;
}

double effective_weight_decay(const MnistRunOptions& options) {
  if (options.weight_decay >= 0) return options.weight_decay;
  return options.optimizer == "sgd" ? 5e-4 : 0.01;
}

bool augments(const MnistRunOptions& options) {
  if (options.augment != "auto") return options.augment == "on";
  return options.classes != "fashion" && class_names(options).empty();
}

std::vector<std::string> class_names(const MnistRunOptions& options) {
  std::string folder = options.data_dir;
  std::transform(folder.begin(), folder.end(), folder.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  const bool fashion =
      options.classes == "fashion" || (options.classes == "auto" && folder.find("fashion") != std::string::npos);
  return fashion ? fashion_mnist_class_names() : std::vector<std::string>{};
}

int run_mnist_cpu(const MnistRunOptions& options, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  try {
    return run(options, out, err, err_is_terminal);
  } catch (const std::exception& error) {  // IdxError, CheckpointError, an unwritable file
    err << kProgram << ": " << error.what() << "\n";
    return 1;
  }
}

}  // namespace ladder::nn
