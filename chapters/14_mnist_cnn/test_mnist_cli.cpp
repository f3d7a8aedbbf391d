// The command line of ch14_mnist_cnn: good flags fill the options, bad ones
// give exit status 2 and one line naming the flag.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <regex>
#include <string>
#include <vector>

#include "chapters/14_mnist_cnn/mnist_options.hpp"
#include "common/nn/idx.hpp"

namespace ladder::ch14 {
namespace {

CommandLine parse(std::initializer_list<const char*> flags) {
  std::vector<const char*> argv = {"ch14_mnist_cnn"};
  argv.insert(argv.end(), flags);
  return parse_command_line(int(argv.size()), argv.data());
}

void expect_usage_error(std::initializer_list<const char*> flags, const std::string& fragment) {
  const CommandLine line = parse(flags);
  EXPECT_TRUE(line.exit_now);
  EXPECT_EQ(line.exit_status, kUsageError);
  EXPECT_NE(line.message.find(fragment), std::string::npos) << line.message;
  EXPECT_EQ(line.message.find('\n'), line.message.size() - 1) << "one line: " << line.message;
}

TEST(MnistCli, DefaultsTrainOnSyntheticDigits) {
  const CommandLine line = parse({"--cpu"});
  ASSERT_FALSE(line.exit_now) << line.message;
  EXPECT_TRUE(line.cpu);
  EXPECT_TRUE(line.options.data_dir.empty());
  EXPECT_EQ(line.options.synthetic_count, 20000);
  EXPECT_EQ(line.options.optimizer, "adam");
  EXPECT_DOUBLE_EQ(nn::effective_learning_rate(line.options), 0.001);
}

TEST(MnistCli, ReadsEveryFlag) {
  const CommandLine line = parse({"--cpu", "--synthetic", "600", "--epochs", "2", "--batch", "64", "--lr", "0.05",
                                  "--optimizer", "sgd", "--seed", "9", "--save", "a.ckpt"});
  ASSERT_FALSE(line.exit_now) << line.message;
  const nn::MnistRunOptions& o = line.options;
  EXPECT_EQ(o.synthetic_count, 600);
  EXPECT_EQ(o.epochs, 2);
  EXPECT_EQ(o.batch_size, 64);
  EXPECT_DOUBLE_EQ(o.learning_rate, 0.05);
  EXPECT_EQ(o.optimizer, "sgd");
  EXPECT_EQ(o.seed, 9u);
  EXPECT_EQ(o.save_path, "a.ckpt");
}

TEST(MnistCli, ReadsTheRegularisationAndDataFlags) {
  const CommandLine defaults = parse({"--cpu"});
  EXPECT_EQ(defaults.options.schedule, "cosine");
  EXPECT_TRUE(nn::augments(defaults.options)) << "digits (synthetic here) are augmented by default";
  EXPECT_DOUBLE_EQ(nn::effective_weight_decay(defaults.options), 0.01);
  const CommandLine line = parse({"--cpu", "--schedule", "constant", "--weight-decay", "0", "--augment", "off",
                                  "--train-count", "500", "--test-count", "100", "--classes", "fashion"});
  ASSERT_FALSE(line.exit_now) << line.message;
  const nn::MnistRunOptions& o = line.options;
  EXPECT_EQ(o.schedule, "constant");
  EXPECT_DOUBLE_EQ(nn::effective_weight_decay(o), 0.0);
  EXPECT_FALSE(nn::augments(o));
  EXPECT_EQ(o.train_limit, 500);
  EXPECT_EQ(o.test_limit, 100);
  EXPECT_EQ(nn::class_names(o).size(), 10u);
  EXPECT_EQ(nn::class_names(o)[9], "Ankle boot");
}

TEST(MnistCli, FashionClassNamesFollowTheDataFolder) {
  nn::MnistRunOptions o;
  o.data_dir = "/usr/share/datasets/fashion-mnist";
  EXPECT_EQ(nn::class_names(o).front(), "T-shirt/top");
  o.classes = "digits";
  EXPECT_TRUE(nn::class_names(o).empty());
  o.classes = "auto";
  o.data_dir = "/data/mnist";
  EXPECT_TRUE(nn::class_names(o).empty());
}

TEST(MnistCli, AutoAugmentsDigitsButNotFashion) {
  nn::MnistRunOptions o;
  o.data_dir = "/data/mnist";
  EXPECT_TRUE(nn::augments(o));
  o.data_dir = "/usr/share/datasets/fashion-mnist";
  EXPECT_FALSE(nn::augments(o));
  o.augment = "on";
  EXPECT_TRUE(nn::augments(o));
  o.augment = "off";
  o.data_dir = "/data/mnist";
  EXPECT_FALSE(nn::augments(o));
  expect_usage_error({"--cpu", "--augment", "maybe"}, "--augment must be on, off or auto");
}

TEST(MnistCli, WithoutCpuTheGpuPathRuns) {
  const CommandLine line = parse({});
  EXPECT_FALSE(line.exit_now);
  EXPECT_FALSE(line.cpu);
  EXPECT_TRUE(line.options.cuda_graph) << "the GPU replays a captured step by default";
  EXPECT_FALSE(line.options.layer_times);
}

TEST(MnistCli, GpuMeasurementFlags) {
  const CommandLine line = parse({"--no-graph", "--layer-times", "--json", "run.json", "--save-initial", "i.ckpt"});
  EXPECT_FALSE(line.exit_now) << line.message;
  EXPECT_FALSE(line.options.cuda_graph);
  EXPECT_TRUE(line.options.layer_times);
  EXPECT_EQ(line.options.json_path, "run.json");
  EXPECT_EQ(line.options.save_initial_path, "i.ckpt");
}

TEST(MnistCli, HelpDocumentsEveryFlag) {
  const CommandLine line = parse({"--help"});
  EXPECT_TRUE(line.exit_now);
  EXPECT_EQ(line.exit_status, 0);
  for (const char* flag :
       {"--cpu",          "--data",     "--synthetic",   "--synthetic-out", "--epochs",  "--batch",        "--lr",
        "--optimizer",    "--seed",     "--save",        "--load",          "--infer",   "--help",         "--schedule",
        "--weight-decay", "--augment",  "--train-count", "--test-count",    "--classes", "--save-initial", "--json",
        "--layer-times",  "--no-graph", "--gpus",        "--precision"}) {
    // The whole flag, as a help line starts it: "--save" must not be found inside "--save-initial".
    const std::regex whole(std::string("(^|[ ,])") + flag + "($|[ ,=\n])");
    EXPECT_TRUE(std::regex_search(line.message, whole)) << flag;
  }
  // Every flag is shown as it is typed: CLI11's "--no-graph{false}" spelling would be rejected.
  EXPECT_EQ(line.message.find("{false}"), std::string::npos) << line.message;
}

TEST(MnistCli, RejectsBadNumbers) {
  expect_usage_error({"--cpu", "--epochs", "0"}, "--epochs");
  expect_usage_error({"--cpu", "--epochs", "-3"}, "--epochs");
  expect_usage_error({"--cpu", "--batch", "0"}, "--batch");
  expect_usage_error({"--cpu", "--batch", "-1"}, "--batch");
  expect_usage_error({"--cpu", "--lr", "0"}, "--lr");
  expect_usage_error({"--cpu", "--lr", "-0.1"}, "--lr");
  expect_usage_error({"--cpu", "--lr", "nan"}, "--lr");
  expect_usage_error({"--cpu", "--synthetic", "0"}, "--synthetic");
  expect_usage_error({"--cpu", "--epochs", "three"}, "--epochs");
  expect_usage_error({"--cpu", "--weight-decay", "-0.1"}, "--weight-decay");
  expect_usage_error({"--cpu", "--weight-decay", "inf"}, "--weight-decay");
  expect_usage_error({"--cpu", "--train-count", "0"}, "--train-count");
  expect_usage_error({"--cpu", "--test-count", "-5"}, "--test-count");
}

TEST(MnistCli, NumbersAreDecimalWhateverTheirLeadingZeros) {
  // CLI11 alone would read 010 as octal 8 and 0x64 as hex 100.
  const CommandLine line = parse({"--cpu", "--epochs", "010", "--synthetic", "0600", "--seed", "010"});
  ASSERT_FALSE(line.exit_now) << line.message;
  EXPECT_EQ(line.options.epochs, 10);
  EXPECT_EQ(line.options.synthetic_count, 600);
  EXPECT_EQ(line.options.seed, 10u);
  expect_usage_error({"--cpu", "--synthetic", "0x64"}, "--synthetic: '0x64' is not a whole number");
  expect_usage_error({"--cpu", "--batch", "65537"}, "--batch: 65537 is out of range 1..65536");
}

TEST(MnistCli, AnEmptyPathIsRefusedNotIgnored) {
  // --data "$MNIST" with MNIST unset must not train on synthetic digits instead.
  for (const char* flag : {"--data", "--save", "--save-initial", "--json", "--synthetic-out"})
    expect_usage_error({"--cpu", flag, ""}, std::string(flag) + ": an empty path");
  expect_usage_error({"--cpu", "--load", ""}, "--load: no such file: ");
}

TEST(MnistCli, InferRefusesTrainingFlags) {
  namespace fs = std::filesystem;
  const fs::path checkpoint = fs::temp_directory_path() / ("ch14_infer_" + std::to_string(::getpid()) + ".ckpt");
  std::ofstream(checkpoint) << "a checkpoint's contents are checked when it is read";
  const std::string load = checkpoint.string();
  const CommandLine line = parse({"--cpu", "--infer", "--load", load.c_str(), "--test-count", "100"});
  ASSERT_FALSE(line.exit_now) << line.message;
  EXPECT_EQ(line.options.load_path, load);
  EXPECT_TRUE(line.options.infer_only);
  expect_usage_error({"--cpu", "--infer", "--load", load.c_str(), "--epochs", "5"},
                     "--epochs is a training flag; --infer only evaluates the --load network");
  expect_usage_error({"--cpu", "--infer", "--load", load.c_str(), "--save", "b.ckpt"}, "--save is a training flag");
  fs::remove(checkpoint);
}

TEST(MnistCli, RejectsUnknownOptimizerAndFlags) {
  expect_usage_error({"--cpu", "--optimizer", "rmsprop"}, "--optimizer must be sgd or adam");
  expect_usage_error({"--cpu", "--learning-rate", "0.1"}, "--learning-rate");
  expect_usage_error({"--cpu", "--schedule", "step"}, "--schedule must be cosine or constant");
  expect_usage_error({"--cpu", "--classes", "letters"}, "--classes must be auto, digits or fashion");
  expect_usage_error({"--precision", "fp16"}, "--precision must be fp32 or bf16, got 'fp16'");
  expect_usage_error({"--cpu", "--precision", "bf16"}, "--precision bf16 is the GPU path's");
  expect_usage_error({"--gpus", "0"}, "--gpus: 0 is out of range 1..64");
  expect_usage_error({"--cpu", "--gpus", "2"}, "--gpus is the GPU path's");
  expect_usage_error({"--cpu", "--seed", "-1"}, "--seed: -1 is out of range");
}

TEST(MnistCli, RejectsMissingOrConflictingData) {
  expect_usage_error({"--cpu", "--data", "/nonexistent/mnist"}, "--data: no such directory");
  expect_usage_error({"--cpu", "--data", "/etc/passwd"}, "--data: /etc/passwd is a file, not a directory");
  expect_usage_error({"--cpu", "--data", "/"}, "--data: /: neither train-images-idx3-ubyte nor");
  expect_usage_error({"--cpu", "--load", "/nonexistent.ckpt"}, "--load: no such file: /nonexistent.ckpt");
  expect_usage_error({"--cpu", "--load", "/"}, "--load: / is a directory, not a file");
  expect_usage_error({"--cpu", "--data", ".", "--synthetic", "100"}, "--data");
  expect_usage_error({"--cpu", "--infer"}, "--infer");
  expect_usage_error({"--cpu", "--json", "/nonexistent/dir/run.json"}, "--json: no such directory: /nonexistent/dir");
  expect_usage_error({"--cpu", "--save-initial", "/nonexistent/a.ckpt"}, "--save-initial: no such directory");
  expect_usage_error({"--cpu", "--save", "/nonexistent/a.ckpt"}, "--save: no such directory");
  expect_usage_error({"--cpu", "--save", "/"}, "--save: / is a directory, not a file");
  const std::string long_folder = "/" + std::string(300, 'x');  // ENAMETOOLONG: an answer, not an exception
  expect_usage_error({"--cpu", "--data", long_folder.c_str()}, "--data: no such directory");
  expect_usage_error({"--cpu", "--save", (long_folder + "/a.ckpt").c_str()}, "--save: no such directory");
  expect_usage_error({"--cpu", "--save", "a.ckpt", "--json", "a.ckpt"}, "--save and --json name the same file");
}

// --synthetic-out replaces no MNIST files it did not write itself (its marker says which it did),
// and leaves no raw file beside its .gz ones for load_mnist to read instead.
TEST(MnistCli, SyntheticOutReplacesOnlyItsOwnFiles) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::temp_directory_path() / ("ch14_synthetic_out_" + std::to_string(::getpid()));
  fs::remove_all(folder);
  fs::create_directories(folder);
  const std::string where = folder.string();
  EXPECT_FALSE(parse({"--cpu", "--synthetic-out", where.c_str()}).exit_now) << "an empty folder";
  std::ofstream(folder / "train-images-idx3-ubyte.gz") << "real data";
  expect_usage_error({"--cpu", "--synthetic-out", where.c_str()}, "which --synthetic-out did not write");
  std::ofstream(folder / nn::kSyntheticMarker) << "";
  EXPECT_FALSE(parse({"--cpu", "--synthetic-out", where.c_str()}).exit_now) << "its own files, marked";
  std::ofstream(folder / "t10k-labels-idx1-ubyte") << "raw";
  expect_usage_error({"--cpu", "--synthetic-out", where.c_str()}, "holds t10k-labels-idx1-ubyte already");
  fs::remove_all(folder);
}

}  // namespace
}  // namespace ladder::ch14
