#include "common/nn/mnist_app.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <ostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/core/atomic_file.hpp"
#include "common/core/metrics.hpp"
#include "common/nn/checkpoint.hpp"
#include "common/nn/random.hpp"
#include "common/nn/synthetic_digits.hpp"
#include "common/nn/training.hpp"

namespace ladder::nn {
namespace {

constexpr char kProgram[] = "ch14_mnist_cnn";
constexpr std::uint64_t kTrainDataStream = 1, kInitStream = 3, kShuffleStream = 4, kAugmentStream = 5;

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", 100.0 * fraction);
  return text;
}

// The progress line of one epoch on stderr. On a terminal it is rewritten in
// place (carriage return) at most every quarter second; in a log it is a new
// line at each quarter of the epoch, so CI logs stay short. With --gpus N > 1 the
// loss is GPU 0's, over its shards of the batches so far, and says so: the other
// replicas' losses stay on their GPUs until the epoch ends, where the epoch's line
// averages them all.
class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& err, bool terminal, int epoch, int epochs, bool first_replica_only)
      : err_(err),
        terminal_(terminal),
        epoch_(epoch),
        epochs_(epochs),
        loss_label_(first_replica_only ? "GPU 0's loss" : "loss"),
        start_(std::chrono::steady_clock::now()) {}

  void operator()(int done, int total, double mean_loss) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const bool last = done == total;
    if (terminal_ && !last && seconds - last_print_ < 0.25) return;
    if (!terminal_ && !last && done * 4 / total == quarters_) return;
    quarters_ = done * 4 / total;
    last_print_ = seconds;
    char line[160];
    std::snprintf(line, sizeof line, "epoch %d/%d  %6d/%d images  %s %.4f  %.0f images/s", epoch_, epochs_, done, total,
                  loss_label_, mean_loss, seconds > 0 ? done / seconds : 0.0);
    err_ << (terminal_ ? "\r" : "") << line << (terminal_ && !last ? "" : "\n") << std::flush;
  }

 private:
  std::ostream& err_;
  bool terminal_;
  int epoch_, epochs_;
  const char* loss_label_;
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
    write_synthetic_mnist(options.synthetic_out, data);
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

constexpr int kCpuInferenceImages = 2048;  // a few seconds of CPU forward passes
constexpr int kLatencyRepeats = 25;
constexpr std::size_t kRecordedBatchLosses = 50;  // of the first epoch, in the JSON record

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class CpuEngine : public TrainingEngine {
 public:
  explicit CpuEngine(const TrainingRun& run)
      : run_(run),
        network_(*run.initial),
        optimizer_(make_optimizer<float>(run.optimizer, run.learning_rate, run.weight_decay)),
        shuffle_(run.shuffle_seed),
        augment_random_(run.augment_seed) {
    plan_.augment = run.augment;
    plan_.augment_random = &augment_random_;
    plan_.learning_rate = [this](long step) {
      return scheduled_learning_rate(run_.schedule, run_.learning_rate, step, run_.total_steps);
    };
  }

  EpochStats train_epoch(long first_step, const ProgressCallback& progress) override {
    plan_.first_step = first_step;
    return nn::train_epoch(network_, *optimizer_, *run_.train_set, run_.batch_size, shuffle_, progress, plan_);
  }
  Evaluation evaluate_test() override { return evaluate(network_, *run_.test_set, kEvaluationBatch); }

  InferenceSpeed measure_inference() override {
    const Dataset images = first_images(*run_.test_set, kCpuInferenceImages);
    InferenceSpeed speed;
    speed.images = images.count();
    const auto start = std::chrono::steady_clock::now();
    evaluate(network_, images, kEvaluationBatch);
    speed.images_per_second = images.count() == 0 ? 0.0 : images.count() / seconds_since(start);
    std::vector<double> milliseconds;
    for (int n = 0; n < kLatencyRepeats && images.count() > 0; ++n) {
      const Dataset one = first_images(images, 1);
      const auto begin = std::chrono::steady_clock::now();
      network_.forward(one.images);
      milliseconds.push_back(1e3 * seconds_since(begin));
    }
    speed.batch1_milliseconds = median(milliseconds);
    return speed;
  }

  void copy_weights_to(LeNet<float>& network) override { network = network_; }
  std::string device() const override { return "CPU reference layers"; }

 private:
  TrainingRun run_;
  LeNet<float> network_;
  std::unique_ptr<Optimizer<float>> optimizer_;
  Random shuffle_, augment_random_;
  StepPlan plan_;
};

/// One epoch's line of the report, kept for the JSON record.
struct EpochRecord {
  EpochStats stats;
  double test_accuracy = 0, test_loss = 0;
};

void train(const MnistRunOptions& options, const TrainingRun& setup, TrainingEngine& engine, Evaluation& evaluation,
           std::vector<EpochRecord>& records, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  out << "training: " << options.epochs << " epochs, batch " << options.batch_size << ", " << options.precision << ", "
      << options.optimizer << " lr " << setup.learning_rate << " (" << options.schedule << "), "
      << describe_regularisation(options, setup.augment) << "\n";
  const long steps_per_epoch = setup.total_steps / options.epochs;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    ProgressPrinter progress(err, err_is_terminal, epoch, options.epochs, options.gpus > 1);
    const EpochStats stats = engine.train_epoch((epoch - 1) * steps_per_epoch, std::ref(progress));
    evaluation = engine.evaluate_test();
    records.push_back({stats, evaluation.confusion.accuracy(), evaluation.mean_loss});
    char line[200];
    std::snprintf(line, sizeof line, "epoch %d/%d: loss %.4f, train accuracy %s, test accuracy %s, %.0f images/s",
                  epoch, options.epochs, stats.mean_loss, percent(stats.train_accuracy).c_str(),
                  percent(evaluation.confusion.accuracy()).c_str(), setup.train_set->count() / stats.seconds);
    out << line;
    if (stats.joules >= 0) {
      std::snprintf(line, sizeof line, ", %.1f J (%.2f mJ per image)", stats.joules,
                    1e3 * stats.joules / setup.train_set->count());
      out << line;
    }
    out << "\n" << std::flush;
  }
  // Time to accuracy: the training time (evaluations left out) until the test accuracy first
  // reached the target, measured at the end of each epoch.
  double seconds = 0;
  const double target = target_accuracy(options);
  for (std::size_t e = 0; e < records.size(); ++e) {
    seconds += records[e].stats.seconds;
    if (records[e].test_accuracy >= target) {
      char line[160];
      std::snprintf(line, sizeof line, "time to %s test accuracy: %.2f s of training (epoch %zu)\n",
                    percent(target).c_str(), seconds, e + 1);
      out << line;
      return;
    }
  }
  out << "time to " << percent(target) << " test accuracy: not reached in " << records.size() << " epochs\n";
}

/// The run as JSON, for benchmarks/pytorch_lenet.py and the results records.
std::string run_json(const MnistRunOptions& options, const TrainingRun& setup, const TrainingEngine& engine,
                     const std::vector<EpochRecord>& records, const Evaluation& evaluation,
                     const InferenceSpeed& speed) {
  nlohmann::ordered_json json;
  json["device"] = engine.device();
  json["data"] = options.data_dir.empty() ? "synthetic " + std::to_string(options.synthetic_count) : options.data_dir;
  json["train_images"] = setup.train_set->count();
  json["test_images"] = setup.test_set->count();
  json["seed"] = options.seed;
  json["batch"] = options.batch_size;
  json["optimizer"] = options.optimizer;
  json["learning_rate"] = setup.learning_rate;
  json["weight_decay"] = setup.weight_decay;
  json["schedule"] = options.schedule;
  json["augment"] = setup.augment.enabled();
  json["epochs"] = nlohmann::ordered_json::array();
  for (const EpochRecord& r : records) {
    nlohmann::ordered_json epoch = {
        {"loss", r.stats.mean_loss},  {"train_accuracy", r.stats.train_accuracy},
        {"test_loss", r.test_loss},   {"test_accuracy", r.test_accuracy},
        {"seconds", r.stats.seconds}, {"images_per_second", setup.train_set->count() / r.stats.seconds}};
    if (r.stats.joules >= 0) epoch["joules"] = r.stats.joules;
    json["epochs"].push_back(epoch);
  }
  if (records.empty() || records.front().stats.joules < 0) {
    const std::string reason = engine.energy_unavailable_reason();  // empty when NVML opened but a read failed
    json["energy_unavailable"] = !reason.empty() ? reason : "the energy counter could not be read during the epoch";
  }
  // What benchmarks/pytorch_lenet.py checks that it takes the same batches: the first epoch's
  // first indices, and its first batches' losses.
  Random shuffle(setup.shuffle_seed);
  const std::vector<int> order = shuffled_indices(setup.train_set->count(), shuffle);
  json["first_epoch_order_head"] =
      std::vector<int>(order.begin(), order.begin() + std::min<std::size_t>(16, order.size()));
  if (!records.empty()) {
    const std::vector<double>& losses = records.front().stats.batch_losses;
    json["first_epoch_batch_losses"] = std::vector<double>(
        losses.begin(), losses.begin() + std::min<std::size_t>(kRecordedBatchLosses, losses.size()));
  }
  json["test_accuracy"] = evaluation.confusion.accuracy();
  json["target_accuracy"] = target_accuracy(options);
  double training_seconds = 0;
  json["seconds_to_target"] = nullptr;  // null: not reached
  for (const EpochRecord& r : records) {
    training_seconds += r.stats.seconds;
    if (r.test_accuracy >= target_accuracy(options)) {
      json["seconds_to_target"] = training_seconds;
      break;
    }
  }
  json["inference"] = {{"images_per_second", speed.images_per_second},
                       {"batch", kEvaluationBatch},
                       {"images", speed.images},
                       {"batch1_milliseconds", speed.batch1_milliseconds}};
  json["precision"] = options.precision;
  json["gpus"] = options.gpus;
  json["cuda_graph"] = engine.cuda_graph();
  json["layer_times"] = nlohmann::ordered_json::array();
  for (const LayerTime& t : engine.layer_times())
    json["layer_times"].push_back(
        {{"name", t.name}, {"milliseconds_per_step", t.milliseconds_per_step}, {"steps", t.steps}});
  json["kernels"] = nlohmann::ordered_json::array();
  for (const auto& [what, rung] : engine.kernels()) json["kernels"].push_back({{"what", what}, {"rung", rung}});
  return json.dump(2) + "\n";
}

int run(const MnistRunOptions& options, const EngineFactory& make_engine, std::ostream& out, std::ostream& err,
        bool err_is_terminal) {
  // The checkpoint first: a missing or bad file is reported before the data set is read or generated.
  LeNet<float> network(LeNetConfig{}, derive_seed(options.seed, kInitStream));
  if (!options.load_path.empty()) {
    load_checkpoint(options.load_path, network);
    out << "loaded " << options.load_path << "\n";
  }
  const MnistData data = load_data(options, out);
  const Dataset test_set = first_images(make_dataset(data.test), options.test_limit);
  if (options.train_limit > 0 || options.test_limit > 0)
    out << "data: the first "
        << std::min(data.train.images.count, options.train_limit > 0 ? options.train_limit : data.train.images.count)
        << " training and " << test_set.count() << " test images\n";
  const Dataset train_set =
      options.infer_only ? Dataset{} : first_images(make_dataset(data.train), options.train_limit);
  TrainingRun setup;
  setup.initial = &network;
  setup.train_set = &train_set;
  setup.test_set = &test_set;
  setup.batch_size = options.batch_size;
  setup.optimizer = options.optimizer;
  setup.learning_rate = effective_learning_rate(options);
  setup.weight_decay = effective_weight_decay(options);
  setup.schedule = options.schedule;
  setup.total_steps = long((train_set.count() + options.batch_size - 1) / options.batch_size) * options.epochs;
  if (augments(options)) setup.augment = AffineAugment{};
  setup.shuffle_seed = derive_seed(options.seed, kShuffleStream);
  setup.augment_seed = derive_seed(options.seed, kAugmentStream);
  setup.layer_times = options.layer_times;
  setup.cuda_graph = options.cuda_graph;
  setup.precision = options.precision;
  setup.gpus = options.gpus;
  if (!options.save_initial_path.empty()) {
    save_checkpoint(options.save_initial_path, network);
    out << "saved the initial weights to " << options.save_initial_path << "\n";
  }
  const std::unique_ptr<TrainingEngine> engine = make_engine(setup);

  Evaluation evaluation;
  std::vector<EpochRecord> records;
  if (options.infer_only) {
    evaluation = engine->evaluate_test();
  } else {
    train(options, setup, *engine, evaluation, records, out, err, err_is_terminal);
  }
  out << "ran on: " << engine->device() << "\n";
  if (!options.infer_only) out << "CUDA graph: " << engine->cuda_graph() << "\n";
  if (!engine->kernels().empty()) out << "kernels (what: the rung that ran it):\n";
  for (const auto& [what, rung] : engine->kernels()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-20s %s\n", what.c_str(), rung.c_str());
    out << line;
  }
  const std::vector<LayerTime> layer_times = engine->layer_times();
  if (!layer_times.empty()) {
    double step = 0;
    for (const LayerTime& t : layer_times) step += t.milliseconds_per_step;
    out << "where a training step's GPU time goes (CUDA events, mean of " << layer_times.front().steps << " steps):\n";
    for (const LayerTime& t : layer_times) {
      char line[160];
      std::snprintf(line, sizeof line, "  %-16s %8.4f ms  %5.1f%%\n", t.name.c_str(), t.milliseconds_per_step,
                    100.0 * t.milliseconds_per_step / step);
      out << line;
    }
    char line[160];
    std::snprintf(line, sizeof line, "  %-16s %8.4f ms\n", "step", step);
    out << line;
  } else if (options.layer_times) {
    out << "layer times: the CPU path does not time its layers\n";
  }
  const InferenceSpeed speed = engine->measure_inference();
  char line[200];
  std::snprintf(line, sizeof line,
                "inference: %.0f images/s in batches of %d (%d test images), %.3f ms for one image alone\n",
                speed.images_per_second, kEvaluationBatch, speed.images, speed.batch1_milliseconds);
  out << line;
  if (!options.save_path.empty()) {
    engine->copy_weights_to(network);
    save_checkpoint(options.save_path, network);
    out << "saved " << options.save_path << "\n";
  }
  out << "test accuracy: " << percent(evaluation.confusion.accuracy()) << "\n\n"
      << format_classification_report(evaluation.confusion, class_names(options)) << std::flush;
  if (!options.json_path.empty()) {
    write_file_atomically(options.json_path, run_json(options, setup, *engine, records, evaluation, speed));
    out << "results written to " << options.json_path << "\n";
  }
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

double target_accuracy(const MnistRunOptions& options) { return class_names(options).empty() ? 0.99 : 0.90; }

std::vector<std::string> class_names(const MnistRunOptions& options) {
  std::string folder = options.data_dir;
  std::transform(folder.begin(), folder.end(), folder.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  const bool fashion =
      options.classes == "fashion" || (options.classes == "auto" && folder.find("fashion") != std::string::npos);
  return fashion ? fashion_mnist_class_names() : std::vector<std::string>{};
}

std::unique_ptr<TrainingEngine> make_cpu_engine(const TrainingRun& run) { return std::make_unique<CpuEngine>(run); }

int run_mnist(const MnistRunOptions& options, const EngineFactory& make_engine, std::ostream& out, std::ostream& err,
              bool err_is_terminal) {
  try {
    return run(options, make_engine, out, err, err_is_terminal);
  } catch (const std::exception& error) {  // IdxError, CheckpointError, an unwritable file, the GPU
    err << kProgram << ": " << error.what() << "\n";
    return 1;
  }
}

int run_mnist_cpu(const MnistRunOptions& options, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  return run_mnist(options, make_cpu_engine, out, err, err_is_terminal);
}

}  // namespace ladder::nn
