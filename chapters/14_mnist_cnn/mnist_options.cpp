#include "chapters/14_mnist_cnn/mnist_options.hpp"

#include <CLI/CLI.hpp>
#include <cmath>
#include <filesystem>
#include <iterator>
#include <limits>
#include <utility>

#include "common/core/cli_parse.hpp"
#include "common/nn/idx.hpp"

namespace ladder::ch14 {
namespace {

constexpr char kProgram[] = "ch14_mnist_cnn";
constexpr int kMaxSynthetic = 1'000'000;  // 3 GB of fp32 images; more would only exhaust memory
constexpr int kMaxBatch = 65'536;
constexpr int kMaxGpus = 64;
constexpr int kMaxEpochs = 10'000;

// The first problem among values CLI11 parsed but cannot judge, or "" when all is well.
std::string validation_error(const CLI::App& app, const CommandLine& line) {
  const ladder::nn::MnistRunOptions& o = line.options;
  namespace fs = std::filesystem;
  if (app.count("--lr") > 0 && !(o.learning_rate > 0 && std::isfinite(o.learning_rate))) {
    return "--lr must be a positive number, got " + app.get_option("--lr")->as<std::string>();
  }
  if (o.optimizer != "sgd" && o.optimizer != "adam")
    return "--optimizer must be sgd or adam, got '" + o.optimizer + "'";
  if (o.schedule != "cosine" && o.schedule != "constant")
    return "--schedule must be cosine or constant, got '" + o.schedule + "'";
  if (app.count("--weight-decay") > 0 && !(o.weight_decay >= 0 && std::isfinite(o.weight_decay)))
    return "--weight-decay must be 0 or more, got " + app.get_option("--weight-decay")->as<std::string>();
  if (o.augment != "auto" && o.augment != "on" && o.augment != "off")
    return "--augment must be on, off or auto, got '" + o.augment + "'";
  if (o.classes != "auto" && o.classes != "digits" && o.classes != "fashion")
    return "--classes must be auto, digits or fashion, got '" + o.classes + "'";
  if (app.count("--data") > 0 && (app.count("--synthetic") > 0 || app.count("--synthetic-out") > 0)) {
    return "--data reads MNIST files; it cannot be combined with --synthetic or --synthetic-out";
  }
  // Checked here, before a GPU is looked for: the files' contents are checked as they are read.
  if (const std::string problem = app.count("--data") > 0 ? nn::mnist_folder_problem(o.data_dir) : ""; !problem.empty())
    return "--data: " + problem;
  if (const std::string problem = app.count("--synthetic-out") > 0 ? nn::synthetic_out_problem(o.synthetic_out) : "";
      !problem.empty())
    return "--synthetic-out: " + problem;
  if (std::error_code error; app.count("--load") > 0 && !fs::is_regular_file(o.load_path, error)) {
    return "--load: " + (fs::is_directory(o.load_path, error) ? o.load_path + " is a directory, not a file"
                                                              : "no such file: " + o.load_path);
  }
  if (o.infer_only && o.load_path.empty()) return "--infer evaluates a trained network: give it --load FILE";
  if (o.infer_only) {
    for (const char* flag : {"--epochs", "--batch", "--lr", "--optimizer", "--schedule", "--weight-decay", "--augment",
                             "--train-count", "--save", "--save-initial", "--gpus", "--layer-times", "--no-graph"})
      if (app.count(flag) > 0)
        return std::string(flag) + " is a training flag; --infer only evaluates the --load network";
  }
  if (o.precision != "fp32" && o.precision != "bf16")
    return "--precision must be fp32 or bf16, got '" + o.precision + "'";
  if (o.precision == "bf16" && line.cpu) return "--precision bf16 is the GPU path's; the CPU reference is fp32";
  if (app.count("--gpus") > 0 && line.cpu) return "--gpus is the GPU path's; the CPU reference runs on one core";
  const std::pair<const char*, std::string> outputs[] = {
      {"--save", o.save_path}, {"--save-initial", o.save_initial_path}, {"--json", o.json_path}};
  for (const auto& [flag, path] : outputs) {
    const std::string problem = app.count(flag) > 0 ? ladder::output_file_problem(path) : "";
    if (!problem.empty()) return std::string(flag) + ": " + problem;
  }
  for (std::size_t i = 0; i < std::size(outputs); ++i)
    for (std::size_t j = i + 1; j < std::size(outputs); ++j)
      if (!outputs[i].second.empty() && outputs[i].second == outputs[j].second)
        return std::string(outputs[i].first) + " and " + outputs[j].first + " name the same file, " +
               outputs[i].second + ": the second would replace the first";
  return "";
}

void add_flags(CLI::App& app, CommandLine& line) {
  ladder::nn::MnistRunOptions& o = line.options;
  app.add_flag("--cpu", line.cpu,
               "Run the CPU reference network instead of the GPU (the same batches, in the same order)");
  app.add_option("--data", o.data_dir,
                 "Folder with the four MNIST IDX files, raw or .gz (see get_mnist.py); Fashion-MNIST's work too "
                 "(Debian: apt-get install dataset-fashion-mnist, in /usr/share/datasets/fashion-mnist)");
  app.add_option("--synthetic", o.synthetic_count,
                 "Train on N generated digits instead (the default when --data is absent); tests get N/6, at "
                 "least 100")
      ->transform(whole_number(1, kMaxSynthetic, "1..10^6"))
      ->capture_default_str();
  app.add_option("--synthetic-out", o.synthetic_out,
                 "Also write the generated digits into this folder as IDX .gz files, and train from them (a folder "
                 "holding MNIST files that --synthetic-out did not write is refused)");
  app.add_option("--epochs", o.epochs, "Passes over the training set")
      ->transform(whole_number(1, kMaxEpochs, "1..10^4"))
      ->capture_default_str();
  app.add_option("--batch", o.batch_size, "Images per mini-batch (one optimizer step each)")
      ->transform(whole_number(1, kMaxBatch, "1..2^16"))
      ->capture_default_str();
  app.add_option("--lr", o.learning_rate, "Learning rate (default: 0.001 for adam, 0.01 for sgd)");
  app.add_option("--optimizer", o.optimizer, "sgd (momentum 0.9) or adam (with --weight-decay: AdamW)")
      ->capture_default_str();
  app.add_option(
         "--schedule", o.schedule,
         "Learning rate over the run: cosine (from --lr towards 0, reached one step after the last) or constant")
      ->capture_default_str();
  app.add_option("--weight-decay", o.weight_decay,
                 "Weight decay of the weights, not the biases (default: 0.01 for adam, decoupled; 5e-4 for sgd; "
                 "0: none)");
  app.add_option("--augment", o.augment,
                 "Random shifts (2 px), rotations (10 degrees) and scaling (10 %) of the training images: on, off, "
                 "or auto (on for digits, off for Fashion-MNIST)")
      ->capture_default_str();
  app.add_option("--train-count", o.train_limit, "Train on the first N training images only (default: all)")
      ->transform(whole_number(1, std::numeric_limits<int>::max(), "1..2^31-1"));
  app.add_option("--test-count", o.test_limit, "Test on the first N test images only (default: all)")
      ->transform(whole_number(1, std::numeric_limits<int>::max(), "1..2^31-1"));
  app.add_option("--classes", o.classes,
                 "Class names in the report: digits, fashion (Fashion-MNIST's), or auto: fashion when the --data "
                 "path contains 'fashion'")
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Seed of data generation, initialisation and shuffling: same seed, same result")
      ->transform(seed_number())
      ->capture_default_str();
  app.add_option("--save", o.save_path, "Write the trained network to FILE (atomically)");
  app.add_option("--load", o.load_path, "Start from the network in FILE, written by --save");
  app.add_option("--save-initial", o.save_initial_path,
                 "Write the weights training starts from to FILE, before training (benchmarks/pytorch_lenet.py "
                 "starts PyTorch from them)");
  app.add_option("--precision", o.precision,
                 "GPU: fp32, or bf16: bf16 operands for the products and convolutions (chapters 08 and 13), fp32 "
                 "accumulation, master weights and optimizer (mixed precision)")
      ->capture_default_str();
  app.add_option("--gpus", o.gpus,
                 "GPU: train N replicas on GPUs 0 .. N-1, each on a shard of every batch, their gradients summed by "
                 "NCCL after each backward pass (1 runs that code on one GPU; default: one GPU without it)")
      ->transform(whole_number(1, kMaxGpus, "1..64"));
  app.add_flag("--layer-times", o.layer_times,
               "GPU: time each layer of every training step with CUDA events and print where a step's time goes "
               "(the host then waits for the GPU after every step, so the epoch itself runs slower)");
  app.add_flag_callback(
      "--no-graph", [&o] { o.cuda_graph = false; },
      "GPU: launch every kernel of every training step from the host, instead of replaying one captured "
      "CUDA graph per step (to measure what the graph buys)");
  app.add_option("--json", o.json_path,
                 "Write the run's results to FILE as JSON (atomically): every epoch's loss, accuracy, time and "
                 "energy, the inference speed, and the kernel each layer ran on");
  app.add_flag("--infer", o.infer_only, "Only evaluate the --load network on the test set, no training");
}

CommandLine usage_error(const std::string& problem) {
  CommandLine line;
  line.exit_now = true;
  line.exit_status = kUsageError;
  line.message = std::string(kProgram) + ": " + problem + " (see --help)\n";
  return line;
}

}  // namespace

CommandLine parse_command_line(int argc, const char* const* argv) {
  CommandLine line;
  CLI::App app("Chapter 14: train a LeNet-5 CNN on MNIST (or synthetic digits) and report its test accuracy", kProgram);
  add_flags(app, line);
  app.footer(
      "Exit status: 0 trained (or, with --infer, evaluated) and reported; 1 a failure while running (a data or "
      "checkpoint file's contents, no usable GPU, a CUDA error); 2 bad command line.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    line.exit_now = true;
    line.message = app.help();
    return line;
  } catch (const CLI::ParseError& error) {
    return usage_error(error.what());
  }
  const std::string problem = validation_error(app, line);
  return problem.empty() ? line : usage_error(problem);
}

}  // namespace ladder::ch14
