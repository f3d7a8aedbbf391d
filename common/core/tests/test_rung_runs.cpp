// What both runners share (common/core/rung_runs.cuh), on a stand-in registry:
// which rungs a --rung list selects, the --list table, the order and progress
// of a table's runs, the fault that stops the rest, % of the vendor and the
// JSON fields, and the launcher of either precision. No GPU: no run below fails, so none asks the device anything.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "common/core/launch.hpp"
#include "common/core/rung_runs.cuh"
#include "common/core/tests/death_tests.hpp"
#include "common/core/timing.cuh"

namespace ladder {
namespace {

enum class Shade { Light, Dark };
const char* to_string(Shade shade) { return shade == Shade::Light ? "light" : "dark"; }

struct FakeRung {
  std::string name;
  int chapter = 0;
  RungKind kind = RungKind::Chapter;
  std::string summary;
  Shade shade = Shade::Light;
  Shade precision() const { return shade; }
};

struct FakeResult : RungOutcome {
  FakeRung rung;
  TimingStats timing;
  double tflops = 0;
  double percent_of_baseline = 0;
};

const std::vector<FakeRung> kLadder = {
    {"vendor", 0, RungKind::Vendor, "the library", Shade::Light},
    {"vendor dark", 0, RungKind::Vendor, "the library, dark", Shade::Dark},
    {"01a", 1, RungKind::Chapter, "first idea", Shade::Light},
    {"01x", 1, RungKind::Exercise, "an exercise", Shade::Light},
    {"02a", 2, RungKind::Chapter, "second idea", Shade::Light},
    {"02b", 2, RungKind::Chapter, "second idea, dark", Shade::Dark},
};

std::vector<std::string> names_of(const std::vector<FakeRung>& rungs) {
  std::vector<std::string> names;
  for (const FakeRung& rung : rungs) names.push_back(rung.name);
  return names;
}

TEST(SelectRungs, NoNamesMeansEveryRungOfThePrecisionButTheExercises) {
  EXPECT_EQ(names_of(select_rungs(kLadder, {}, false, Shade::Light)),
            (std::vector<std::string>{"vendor", "01a", "02a"}));
  EXPECT_EQ(names_of(select_rungs(kLadder, {}, true, Shade::Light)),
            (std::vector<std::string>{"vendor", "01a", "01x", "02a"}));
  EXPECT_EQ(names_of(select_rungs(kLadder, {}, false, Shade::Dark)), (std::vector<std::string>{"vendor dark", "02b"}));
}

TEST(SelectRungs, NamedRungsKeepLadderOrderAndTheVendorFirst) {
  EXPECT_EQ(names_of(select_rungs(kLadder, {"02a", "01a"}, false, Shade::Light)),
            (std::vector<std::string>{"vendor", "01a", "02a"}));
  // A name of the other precision selects nothing here but is no error.
  EXPECT_EQ(names_of(select_rungs(kLadder, {"02b"}, false, Shade::Light)), (std::vector<std::string>{"vendor"}));
}

TEST(SelectRungs, AnUnknownNameIsAUsageErrorThatSaysWhereToLook) {
  try {
    select_rungs(kLadder, {"01a", "9z"}, false, Shade::Light);
    FAIL() << "no error for an unknown rung";
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(), "--rung 9z: no such rung in this executable (see --list)");
  }
}

TEST(SelectRungs, AnExerciseNamedWithoutExercisesIsAUsageErrorNotAnEmptyRun) {
  try {
    select_rungs(kLadder, {"01x"}, false, Shade::Light);
    FAIL() << "no error for an exercise without --exercises";
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(), "--rung 01x: an exercise rung, which runs only with --exercises");
  }
  EXPECT_EQ(names_of(select_rungs(kLadder, {"01x"}, true, Shade::Light)), (std::vector<std::string>{"vendor", "01x"}));
}

std::string usage_error_of(const std::vector<std::vector<FakeRung>>& tables, const RunOptions& options) {
  try {
    require_a_rung_of_ours(tables, options);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "";
}

TEST(RequireARungOfOurs, AChoiceThatWouldTimeNothingOfOursIsAUsageError) {
  RunOptions options;
  const std::vector<FakeRung> light = select_rungs(kLadder, {}, false, Shade::Light);
  const std::vector<FakeRung> dark = select_rungs(kLadder, {}, false, Shade::Dark);
  EXPECT_EQ(usage_error_of({light, dark}, options), "");
  // --precision dark in a program whose dark table would be its vendor rung alone.
  options.precision = "dark";
  EXPECT_EQ(usage_error_of({{kLadder[1]}}, options), "--precision dark: no dark rung in this executable (see --list)");
  // --rung naming a light rung with --precision dark, or the vendor alone.
  options.rungs = {"01a"};
  EXPECT_EQ(usage_error_of({select_rungs(kLadder, options.rungs, false, Shade::Dark)}, options),
            "--rung 01a: no dark rung of ours among them, and the vendor rung alone times nothing to compare "
            "(see --list)");
  options.precision = "all";
  options.rungs = {"vendor", "vendor dark"};
  EXPECT_NE(usage_error_of({select_rungs(kLadder, options.rungs, false, Shade::Light),
                            select_rungs(kLadder, options.rungs, false, Shade::Dark)},
                           options)
                .find("--rung vendor, vendor dark: no rung of ours"),
            std::string::npos);
  // One table with a rung of ours is enough.
  options.rungs = {"02b"};
  EXPECT_EQ(usage_error_of({select_rungs(kLadder, options.rungs, false, Shade::Light),
                            select_rungs(kLadder, options.rungs, false, Shade::Dark)},
                           options),
            "");
}

TEST(RequireARungOfOurs, ANamedRungCannotBeLeftOut) {
  RunOptions options;
  const std::vector<FakeRung> light = select_rungs(kLadder, {}, false, Shade::Light);
  options.skip_rungs = {"vendor"};
  EXPECT_EQ(usage_error_of({light}, options), "") << "run_gpu.sh leaves out a vendor rung that hung";
  options.skip_rungs = {"02a"};
  EXPECT_EQ(usage_error_of({light}, options), "") << "leaving out one of ours is what --skip-rung is for";
  options.rungs = {"01a", "02a"};
  EXPECT_EQ(usage_error_of({light}, options), "--rung 02a and --skip-rung 02a: asked for and left out at once");
}

struct Fp32Stand {
  int* calls;
};
struct Bf16Stand {
  int* calls;
};
using StandLaunch = TwoPrecisionLaunch<Fp32Stand, Bf16Stand, Shade, Shade::Light, Shade::Dark>;
void count_fp32(const Fp32Stand& args, cudaStream_t) { *args.calls += 1; }
void count_bf16(const Bf16Stand& args, cudaStream_t) { *args.calls += 10; }

TEST(TwoPrecisionLaunch, ThePrecisionFollowsTheFunctionAndTheOtherArgumentsAreRefused) {
  int calls = 0;
  const StandLaunch fp32 = count_fp32, bf16 = count_bf16;
  EXPECT_FALSE(bool(StandLaunch{}));
  EXPECT_TRUE(bool(fp32));
  EXPECT_EQ(fp32.precision(), Shade::Light);
  EXPECT_EQ(bf16.precision(), Shade::Dark);
  fp32(Fp32Stand{&calls}, nullptr);
  bf16(Bf16Stand{&calls}, nullptr);
  EXPECT_EQ(calls, 11);
  EXPECT_THROW(fp32(Bf16Stand{&calls}, nullptr), std::logic_error);
  EXPECT_THROW(bf16(Fp32Stand{&calls}, nullptr), std::logic_error);
  EXPECT_EQ(calls, 11);
}

TEST(RungList, ListsEveryRungWithItsIdeaAndTheExercisesOnlyWhenAsked) {
  std::ostringstream without, with;
  rung_list(kLadder, false).print(without);
  rung_list(kLadder, true).print(with);
  EXPECT_NE(without.str().find("second idea, dark"), std::string::npos);
  EXPECT_EQ(without.str().find("01x"), std::string::npos);
  EXPECT_NE(with.str().find("01x"), std::string::npos);
  EXPECT_NE(with.str().find("exercise"), std::string::npos);
}

FakeResult ran(const FakeRung& rung, double median_ms) {
  FakeResult result;
  result.rung = rung;
  result.timing.median_ms = median_ms;
  return result;
}

TEST(RunInOrder, RunsEachRungInOrderAndSaysWhichOnStderr) {
  const std::vector<FakeRung> rungs = select_rungs(kLadder, {}, false, Shade::Light);
  std::optional<std::string> broken_by;
  std::vector<std::string> order;
  testing::internal::CaptureStderr();
  const auto results = run_in_order<FakeResult>(rungs, "light", RunOptions{}, broken_by, [&](const FakeRung& rung) {
    order.push_back(rung.name);
    return ran(rung, 1.0);
  });
  const std::string progress = testing::internal::GetCapturedStderr();
  EXPECT_EQ(order, names_of(rungs));
  EXPECT_EQ(progress, "[light 1/3] vendor\n[light 2/3] 01a\n[light 3/3] 02a\n");
  EXPECT_FALSE(broken_by);
  for (const FakeResult& r : results) EXPECT_EQ(r.status(), "not checked");
}

TEST(RunInOrder, AfterAFaultNoRungRunsAndEachSaysWhichRungBrokeTheContext) {
  std::optional<std::string> broken_by = "07b";  // as an earlier table leaves it
  int runs = 0;
  testing::internal::CaptureStderr();
  const auto results = run_in_order<FakeResult>(select_rungs(kLadder, {}, false, Shade::Dark), "dark", RunOptions{},
                                                broken_by, [&](const FakeRung& rung) {
                                                  ++runs;
                                                  return ran(rung, 1.0);
                                                });
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(runs, 0);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].rung.name, "02b");
  EXPECT_EQ(results[1].status(), "skipped: not run: 07b left the CUDA context unusable");
}

TEST(RunInOrder, ARungThatSkipRungNamesIsReportedAndNotRun) {
  std::optional<std::string> broken_by;
  RunOptions options;
  options.skip_rungs = {"01a"};
  std::vector<std::string> order;
  testing::internal::CaptureStderr();
  const auto results = run_in_order<FakeResult>(select_rungs(kLadder, {}, false, Shade::Light), "light", options,
                                                broken_by, [&](const FakeRung& rung) {
                                                  order.push_back(rung.name);
                                                  return ran(rung, 1.0);
                                                });
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(order, (std::vector<std::string>{"vendor", "02a"}));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[1].status(), "skipped: left out by --skip-rung");
  EXPECT_EQ(exit_status_of_run(results, false, "test"), 0);
  testing::internal::CaptureStderr();
  EXPECT_EQ(exit_status_of_run(results, true, "test"), 1) << "--fail-on-skip counts it";
  testing::internal::GetCapturedStderr();
}

TEST(RequireKnownRungs, NamesTheFlagAndTheUnknownRung) {
  EXPECT_NO_THROW(require_known_rungs(kLadder, {"02b", "vendor"}, "--skip-rung"));
  try {
    require_known_rungs(kLadder, {"01a", "9z"}, "--skip-rung");
    FAIL() << "no error for an unknown rung";
  } catch (const UsageError& error) {
    EXPECT_STREQ(error.what(), "--skip-rung 9z: no such rung in this executable (see --list)");
  }
}

// A rung whose work never finishes: with --rung-timeout, the program ends, naming it.
TEST(RunInOrderDeathTest, ARungPastTheTimeoutEndsTheProgramNamingIt) {
  use_threadsafe_death_tests();
  RunOptions options;
  options.rung_timeout_seconds = 0.2;
  const auto stuck = [&] {
    std::optional<std::string> broken_by;
    run_in_order<FakeResult>(select_rungs(kLadder, {}, false, Shade::Light), "light", options, broken_by,
                             [&](const FakeRung& rung) {
                               if (rung.name == "01a") std::this_thread::sleep_for(std::chrono::seconds(30));
                               return ran(rung, 1.0);
                             });
  };
  EXPECT_EXIT(stuck(), testing::ExitedWithCode(kHungExitStatus), "hung rung: 01a\n");
}

TEST(SetPercentOfVendor, IsTheVendorsTimeOverTheRungsAndZeroWhereEitherDidNotRun) {
  std::vector<FakeResult> results = {ran(kLadder[0], 2.0), ran(kLadder[2], 4.0), ran(kLadder[4], 1.0)};
  results.push_back(ran(kLadder[4], 1.0));
  results.back().failure = "launch refused";
  results.push_back(ran(kLadder[5], 1.0));
  results.back().error = compare_to_reference({1.0f, 5.0f}, {1.0, 2.0}, 1e-6);  // ran, and was wrong
  set_percent_of_vendor(results, &FakeResult::percent_of_baseline);
  EXPECT_DOUBLE_EQ(results[0].percent_of_baseline, 100.0);
  EXPECT_DOUBLE_EQ(results[1].percent_of_baseline, 50.0);
  EXPECT_DOUBLE_EQ(results[2].percent_of_baseline, 200.0);
  EXPECT_DOUBLE_EQ(results[3].percent_of_baseline, 0.0);
  EXPECT_DOUBLE_EQ(results[4].percent_of_baseline, 0.0) << "a wrong answer gets no percentage";

  results[0].skip_reason = "not on this device";  // no baseline: no percentages
  for (FakeResult& r : results) r.percent_of_baseline = 0;
  set_percent_of_vendor(results, &FakeResult::percent_of_baseline);
  for (const FakeResult& r : results) EXPECT_DOUBLE_EQ(r.percent_of_baseline, 0.0);
}

TEST(OutcomeJson, HasTimingsOnlyWhereTheRungRanAndTheErrorWhereItWasChecked) {
  FakeResult checked = ran(kLadder[5], 0.5);
  checked.tflops = 3.0;
  checked.error = compare_to_reference({1.0f, 2.0f}, {1.0, 2.0}, 1e-6);
  const nlohmann::json entry = outcome_json(checked);
  EXPECT_EQ(entry["name"], "02b");
  EXPECT_EQ(entry["chapter"], 2);
  EXPECT_EQ(entry["kind"], "chapter");
  EXPECT_EQ(entry["precision"], "dark");
  EXPECT_EQ(entry["status"], "ok");
  EXPECT_EQ(entry["median_ms"], 0.5);
  EXPECT_EQ(entry["tflops"], 3.0);
  EXPECT_EQ(entry["passed"], true);
  EXPECT_EQ(entry["relative_error"], 0.0);

  FakeResult skipped;
  skipped.rung = kLadder[2];
  skipped.skip_reason = "needs sm_90";
  const nlohmann::json skipped_entry = outcome_json(skipped);
  EXPECT_EQ(skipped_entry["status"], "skipped: needs sm_90");
  EXPECT_FALSE(skipped_entry.contains("median_ms"));
  EXPECT_FALSE(skipped_entry.contains("passed"));
}

TEST(EnergyColumns, SayJoulesPerRunGflopPerJouleAndTheClockOrNaWithoutACounter) {
  EXPECT_EQ(energy_headers("conv"), (std::vector<std::string>{"J/conv", "GFLOP/J", "SM MHz"}));
  const EnergyStats energy{/*joules_per_run=*/0.25, /*runs=*/40, /*seconds=*/0.5, /*sm_clock_mhz=*/1755};
  // 5e9 FLOP for a quarter of a joule: 20 GFLOP per joule.
  EXPECT_EQ(energy_cells(energy, 5e9), (std::vector<std::string>{"2.50e-01", "20.0", "1755"}));
  EXPECT_EQ(energy_cells(std::nullopt, 5e9), (std::vector<std::string>{"n/a", "n/a", "n/a"}));
  const EnergyStats no_clock{0.25, 40, 0.5, 0};
  EXPECT_EQ(energy_cells(no_clock, 5e9).back(), "n/a");
}

TEST(EnergyColumns, JsonNamesTheOperationAndHasNoFieldsWithoutACounter) {
  nlohmann::json entry = nlohmann::json::object();
  add_energy_json(entry, EnergyStats{0.25, 40, 0.5, 1755}, 5e9, "conv");
  EXPECT_EQ(entry["joules_per_conv"], 0.25);
  EXPECT_DOUBLE_EQ(entry["gflop_per_joule"].get<double>(), 20.0);
  EXPECT_EQ(entry["energy_runs"], 40);
  EXPECT_EQ(entry["sm_clock_mhz_under_load"], 1755.0);
  nlohmann::json unmeasured = nlohmann::json::object();
  add_energy_json(unmeasured, std::nullopt, 5e9, "conv");
  EXPECT_TRUE(unmeasured.empty());
}

}  // namespace
}  // namespace ladder
