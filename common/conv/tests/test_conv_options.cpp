// The conv chapters' command line: --layer gives the sizes, each size flag
// overrides one, the shared run flags parse as in the GEMM chapters, and a bad
// value names its flag.
#include <gtest/gtest.h>

#include <initializer_list>

#include "common/conv/options.hpp"
#include "common/core/cli_testing.hpp"

namespace ladder {
namespace {

ConvOptions parse(std::initializer_list<const char*> flags) {
  return parse_flags(parse_conv_options, "ch10_direct_conv", flags);
}

std::string usage_error(std::initializer_list<const char*> flags) {
  return usage_error_of(parse_conv_options, "ch10_direct_conv", flags);
}

TEST(ConvCli, DefaultsToResNet50sMiddleLayerCheckedAndFlushed) {
  const ConvOptions options = parse({});
  EXPECT_EQ(options.layer, "resnet50-3x3-28");
  EXPECT_EQ(options.problem.c, 128);
  EXPECT_EQ(options.problem.h, 28);
  EXPECT_TRUE(options.check);
  EXPECT_TRUE(options.flush_l2);
  EXPECT_EQ(options.precision, "all");
  EXPECT_GT(options.energy_seconds, 0.0);  // the energy columns are on by default, as in the GEMM chapters
}

TEST(ConvCli, SizeFlagsOverrideTheLayerOneByOne) {
  const ConvOptions options = parse({"--layer", "lenet-conv2", "--n", "3", "--pad", "1"});
  EXPECT_EQ(options.problem.n, 3);
  EXPECT_EQ(options.problem.padding, 1);
  EXPECT_EQ(options.problem.c, 6);  // the rest is lenet-conv2's
  EXPECT_EQ(options.problem.r, 5);
}

TEST(ConvCli, ParsesTheSharedRunFlags) {
  const ConvOptions options = parse({"--warmup",
                                     "0",
                                     "--repeat",
                                     "3",
                                     "--seed",
                                     "9",
                                     "--no-check",
                                     "--no-flush",
                                     "--fail-on-skip",
                                     "--rung",
                                     "10a direct",
                                     "--precision",
                                     "bf16",
                                     "--exercises",
                                     "--json",
                                     "out.json",
                                     "--profiler-ranges",
                                     "--no-peaks",
                                     "--energy-seconds",
                                     "0"});
  EXPECT_EQ(options.warmup, 0);
  EXPECT_EQ(options.repeat, 3);
  EXPECT_EQ(options.seed, 9u);
  EXPECT_FALSE(options.check);
  EXPECT_FALSE(options.flush_l2);
  EXPECT_TRUE(options.fail_on_skip);
  EXPECT_TRUE(options.profiler_ranges);
  EXPECT_FALSE(options.peaks);
  EXPECT_EQ(options.energy_seconds, 0.0);
  EXPECT_EQ(options.rungs, std::vector<std::string>{"10a direct"});
  EXPECT_EQ(options.precision, "bf16");
  EXPECT_TRUE(options.exercises);
  EXPECT_EQ(options.json_path, "out.json");
}

TEST(ConvCli, BadValuesNameTheirFlag) {
  EXPECT_NE(usage_error({"--layer", "vgg"}).find("--layer vgg: no such layer"), std::string::npos);
  EXPECT_NE(usage_error({"--repeat", "0"}).find("--repeat"), std::string::npos);
  EXPECT_NE(usage_error({"--precision", "fp8"}).find("--precision"), std::string::npos);
  EXPECT_NE(usage_error({"--k", "x"}).find("--k"), std::string::npos);
  EXPECT_NE(usage_error({"--energy-seconds", "-1"}).find("--energy-seconds"), std::string::npos);
  EXPECT_NE(usage_error({"--json", "/nonexistent/dir/out.json"}).find("--json: no such directory"), std::string::npos);
  // A filter larger than the padded input is no convolution.
  EXPECT_NE(usage_error({"--layer", "lenet-conv2", "--r", "20"}), "(no error)");
}

TEST(ConvCli, SizesAreDecimalWhateverTheirLeadingZeros) {
  const ConvOptions options = parse({"--n", "010", "--pad", "01"});
  EXPECT_EQ(options.problem.n, 10);
  EXPECT_EQ(options.problem.padding, 1);
}

TEST(ConvCli, HelpNamesTheBaselineAndEveryFlag) {
  try {
    parse({"--help"});
    FAIL() << "--help did not ask for help";
  } catch (const HelpRequested& help) {
    const std::string text = help.what();
    for (const char* flag : {"--layer",     "--n",
                             "--c",         "--h",
                             "--w",         "--k",
                             "--r",         "--s",
                             "--stride",    "--pad",
                             "--warmup",    "--repeat",
                             "--seed",      "--no-check",
                             "--no-flush",  "--fail-on-skip",
                             "--rung",      "--precision",
                             "--exercises", "--list",
                             "--json",      "--profiler-ranges",
                             "--no-peaks",  "--energy-seconds",
                             "--skip-rung", "--rung-timeout"})
      EXPECT_NE(text.find(flag), std::string::npos) << flag << " missing from --help";
    EXPECT_NE(text.find("cuDNN always runs"), std::string::npos);
  }
}

}  // namespace
}  // namespace ladder
