// The chapter executables' command line: good values parse, bad ones name the flag.
#include <gtest/gtest.h>

#include <initializer_list>

#include "common/core/cli_testing.hpp"
#include "common/gemm/options.hpp"

namespace ladder {
namespace {

GemmOptions parse(std::initializer_list<const char*> flags) {
  return parse_flags(parse_gemm_options, "ch01_naive_gemm", flags);
}

std::string usage_error(std::initializer_list<const char*> flags) {
  return usage_error_of(parse_gemm_options, "ch01_naive_gemm", flags);
}

TEST(Cli, Defaults) {
  const GemmOptions options = parse({});
  EXPECT_EQ(options.m, 4096);
  EXPECT_EQ(options.n, 4096);
  EXPECT_EQ(options.k, 4096);
  EXPECT_TRUE(options.check);
  EXPECT_TRUE(options.peaks);
  EXPECT_TRUE(options.flush_l2);
  EXPECT_FALSE(options.profiler_ranges);
  EXPECT_TRUE(options.vendor);
  EXPECT_EQ(options.beta, 0.0f);
}

TEST(Cli, ParsesEveryFlag) {
  const GemmOptions options = parse({"--m",         "17",
                                     "--n",         "33",
                                     "--k",         "65",
                                     "--warmup",    "0",
                                     "--repeat",    "3",
                                     "--seed",      "9",
                                     "--no-check",  "--no-flush",
                                     "--alpha",     "2",
                                     "--beta",      "0.5",
                                     "--json",      "out.json",
                                     "--rung",      "01 naive",
                                     "--exercises", "--no-ceilings",
                                     "--no-peaks",  "--profiler-ranges",
                                     "--no-vendor"});
  EXPECT_EQ(options.m, 17);
  EXPECT_EQ(options.n, 33);
  EXPECT_EQ(options.k, 65);
  EXPECT_EQ(options.warmup, 0);
  EXPECT_EQ(options.repeat, 3);
  EXPECT_EQ(options.seed, 9u);
  EXPECT_FALSE(options.check);
  EXPECT_FALSE(options.flush_l2);
  EXPECT_EQ(options.alpha, 2.0f);
  EXPECT_EQ(options.beta, 0.5f);
  EXPECT_EQ(options.json_path, "out.json");
  EXPECT_EQ(options.rungs, std::vector<std::string>{"01 naive"});
  EXPECT_TRUE(options.exercises);
  EXPECT_FALSE(options.ceilings);
  EXPECT_FALSE(options.peaks);
  EXPECT_TRUE(options.profiler_ranges);
  EXPECT_FALSE(options.vendor);
}

TEST(Cli, RejectsZeroNegativeAndNonNumbers) {
  EXPECT_NE(usage_error({"--m", "0"}).find("--m"), std::string::npos);
  EXPECT_NE(usage_error({"--m", "-3"}).find("--m"), std::string::npos);
  EXPECT_NE(usage_error({"--m", "abc"}).find("--m"), std::string::npos);
  EXPECT_NE(usage_error({"--k", "1.5"}).find("--k"), std::string::npos);
  EXPECT_NE(usage_error({"--repeat", "0"}).find("--repeat"), std::string::npos);
  EXPECT_NE(usage_error({"--warmup", "-1"}).find("--warmup"), std::string::npos);
  EXPECT_NE(usage_error({"--seed", "-1"}).find("--seed: -1 is out of range"), std::string::npos);
  EXPECT_NE(usage_error({"--seed", "99999999999999999999"}).find("is out of range"), std::string::npos);
  EXPECT_NE(usage_error({"--alpha", "nan"}).find("--alpha"), std::string::npos);
  EXPECT_NE(usage_error({"--bogus"}).find("--bogus"), std::string::npos);
  EXPECT_NE(usage_error({"--precision", "fp16"}).find("--precision"), std::string::npos);
}

TEST(Cli, RejectsSizesBeyond32BitIndexing) {
  const std::string message = usage_error({"--k", "99999999"});
  EXPECT_NE(message.find("--k"), std::string::npos) << message;
}

TEST(Cli, CountsTheBf16PaddingAgainst32BitIndexing) {
  GemmOptions options;
  options.m = 1 << 20;
  options.n = 8;
  options.k = 2041;  // rows of A padded to 2044 floats fit below 2^31 elements; to 2048 bf16 (32 bytes) they do not
  try {
    validate_problem_size(options, 0);
    FAIL() << "accepted an A whose bf16 copy has 2^31 elements";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("32-bit"), std::string::npos) << error.what();
  }
  options.k = 2032;  // a multiple of 16: 2^20 x 2032 < 2^31
  EXPECT_NO_THROW(validate_problem_size(options, 0));
}

TEST(Cli, RejectsProblemsLargerThanHostMemory) {
  GemmOptions options;
  options.m = options.n = options.k = 40000;  // 40000^2 < 2^31, but ~20 GB with the fp64 reference
  try {
    validate_problem_size(options, 8e9);
    FAIL() << "accepted a 20 GB problem on an 8 GB machine";
  } catch (const UsageError& error) {
    EXPECT_NE(std::string(error.what()).find("host memory"), std::string::npos) << error.what();
  }
  EXPECT_NO_THROW(validate_problem_size(options, 1e12));
}

TEST(Cli, HelpListsEveryFlag) {
  try {
    parse({"--help"});
    FAIL() << "--help did not ask for help";
  } catch (const HelpRequested& help) {
    const std::string text = help.what();
    for (const char* flag :
         {"--m",         "--n",         "--k",           "--warmup",   "--repeat",    "--seed",
          "--no-check",  "--json",      "--alpha",       "--beta",     "--rung",      "--list",
          "--exercises", "--no-flush",  "--no-ceilings", "--no-peaks", "--precision", "--profiler-ranges",
          "--no-vendor", "--skip-rung", "--rung-timeout"})
      EXPECT_NE(text.find(flag), std::string::npos) << flag << " missing from --help";
  }
}

TEST(Cli, ARungTimeoutIsSecondsFromZeroToAnHour) {
  EXPECT_EQ(parse({"--rung-timeout", "45", "--skip-rung", "09e", "--skip-rung", "08a"}).rung_timeout_seconds, 45.0);
  EXPECT_EQ(parse({"--skip-rung", "09e", "--skip-rung", "08a"}).skip_rungs, (std::vector<std::string>{"09e", "08a"}));
  EXPECT_EQ(parse({}).rung_timeout_seconds, 0.0) << "no limit unless asked";
  EXPECT_THROW(parse({"--rung-timeout", "-1"}), UsageError);
  EXPECT_THROW(parse({"--rung-timeout", "7200"}), UsageError);
  // NaN fails no comparison, so a plain range check would let it switch the watchdog off.
  EXPECT_THROW(parse({"--rung-timeout", "nan"}), UsageError);
  EXPECT_THROW(parse({"--energy-seconds", "nan"}), UsageError);
  EXPECT_THROW(parse({"--energy-seconds", "inf"}), UsageError);
  EXPECT_EQ(parse({"--energy-seconds", "2.5"}).energy_seconds, 2.5);
}
TEST(Cli, NumbersAreDecimalWhateverTheirLeadingZeros) {
  // CLI11 alone reads 040 as octal 32, 08 as an error after the check passed, and 0x40 as hex.
  const GemmOptions options = parse({"--m", "040", "--n", "08", "--k", "+64", "--repeat", "010", "--seed", "010"});
  EXPECT_EQ(options.m, 40);
  EXPECT_EQ(options.n, 8);
  EXPECT_EQ(options.k, 64);
  EXPECT_EQ(options.repeat, 10);
  EXPECT_EQ(options.seed, 10u);
  EXPECT_EQ(usage_error({"--m", "0x40"}), "--m: '0x40' is not a whole number");
}

// A run of minutes must not end by failing to write its results: --json's FILE is checked first.
TEST(Cli, RejectsAJsonFileThatCannotBeWritten) {
  EXPECT_EQ(usage_error({"--json", "/nonexistent/dir/out.json"}), "--json: no such directory: /nonexistent/dir");
  EXPECT_EQ(usage_error({"--json", "/"}), "--json: / is a directory, not a file");
  EXPECT_EQ(usage_error({"--json", "/etc/passwd/out.json"}), "--json: /etc/passwd is a file, not a directory");
  EXPECT_EQ(usage_error({"--json", ""}), "--json: an empty path") << "an unset shell variable, say";
  EXPECT_EQ(parse({"--json", "out.json"}).json_path, "out.json") << "a file in the current folder";
  // A folder whose name the system refuses (ENAMETOOLONG) is an answer, not an exception that
  // escapes the parser.
  const std::string long_folder = "/" + std::string(300, 'x') + "/out.json";
  EXPECT_NE(usage_error({"--json", long_folder.c_str()}).find("--json: no such directory"), std::string::npos);
}

TEST(Cli, FormatsBytes) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1.5e9), "1.5 GB");
}

}  // namespace
}  // namespace ladder
