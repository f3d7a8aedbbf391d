/// \file common/core/cli_parse.hpp
/// \brief Runs a CLI11 parser and turns its outcomes into the project's two exceptions.
///
/// Header-only, so that only the libraries that parse a command line (and link
/// CLI11) include CLI11's header.
#pragma once

#include <CLI/CLI.hpp>
#include <limits>
#include <sstream>

#include "common/core/cli.hpp"
#include "common/core/run_options.hpp"
#include "common/core/watchdog.hpp"

namespace ladder {

/// Parses argv with `app`: --help becomes HelpRequested (its text the help),
/// any parse error a UsageError naming the flag; exit statuses 0 and 2 then
/// follow from exit_status_of().
inline void parse_or_throw(CLI::App& app, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    throw HelpRequested(app.help());
  } catch (const CLI::ParseError& error) {
    throw UsageError(error.what());
  } catch (const std::exception& error) {  // a check that threw rather than answered: still the command line
    throw UsageError(error.what());
  }
}

/// A whole-number flag's validator, its range shown in --help as `shown`. Give it with
/// `->transform(...)`, not `->check(...)`: it hands CLI11 the number in decimal, which a check's
/// copy would not (CLI11 alone reads "010" as octal 8 and "0x10" as hex).
inline CLI::Validator whole_number(long long low, long long high, const std::string& shown) {
  return CLI::Validator(whole_number_in(low, high), shown);
}

/// --seed's validator (a transform, like every whole_number): a whole number from 0 up (CLI11
/// alone would wrap -1 round to 2^64 - 1, and take a number too big for 64 bits as the largest that fits).
inline CLI::Validator seed_number() { return whole_number(0, std::numeric_limits<long long>::max(), "0..2^63-1"); }

/// A number in [low, high]. CLI::Range lets NaN through (every comparison with it is false), and
/// "nan" parses as a double.
inline CLI::Validator finite_in(double low, double high) {
  const auto text_of = [](double value) {
    std::ostringstream text;
    text << value;
    return text.str();
  };
  const std::string range = text_of(low) + ".." + text_of(high);
  return CLI::Validator(
      [low, high, range](std::string& text) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(text, value)) return "'" + text + "' is not a number";
        return value >= low && value <= high ? "" : text + " is not in " + range;
      },
      range);
}

/// A CLI11 check for a file the program will write: output_file_problem().
inline CLI::Validator output_file_check() {
  return CLI::Validator([](std::string& path) { return output_file_problem(path); }, "FILE");
}

/// What the shared flags say that differs between the GEMM and the conv programs.
struct RunFlagWords {
  std::string vendor;      ///< the baseline that always runs: "cuBLAS"
  std::string reference;   ///< what --no-check skips: "the double-precision oracle"
  std::string precisions;  ///< --precision's help: what each table holds
  std::string list;        ///< --list's help: what it lists
};

/// The help's last line: what a ladder program's exit status says.
inline std::string run_exit_statuses() {
  return "Exit status: 0 every rung correct, 1 a rung failed or no usable GPU, 2 bad command line, " +
         std::to_string(kHungExitStatus) + " a rung ran past --rung-timeout.\n";
}

/// Adds the flags of RunOptions, from --warmup to --json, to `app`.
inline void add_run_flags(CLI::App& app, RunOptions& options, const RunFlagWords& words) {
  app.add_option("--warmup", options.warmup, "untimed runs before timing each rung")
      ->transform(whole_number(0, 1000, "0..1000"))
      ->capture_default_str();
  app.add_option("--repeat", options.repeat, "timed runs per rung; the median is reported")
      ->transform(whole_number(1, 10000, "1..10000"))
      ->capture_default_str();
  app.add_option("--seed", options.seed, "seed of the random inputs (same seed, same inputs)")
      ->transform(seed_number())
      ->capture_default_str();
  app.add_flag_callback(
      "--no-check", [&options] { options.check = false; }, "skip verification against " + words.reference);
  app.add_flag_callback(
      "--no-flush", [&options] { options.flush_l2 = false; }, "do not flush L2 between timed runs");
  app.add_flag("--fail-on-skip", options.fail_on_skip,
               "a rung that cannot run this problem fails the run (exit 1) instead of being skipped");
  app.add_flag("--profiler-ranges", options.profiler_ranges,
               "put each timed run, and nothing else, between cudaProfilerStart and cudaProfilerStop, so that "
               "ncu --profile-from-start off profiles the rungs' timed launches only (not the check run, the "
               "warm-ups, the L2 flushes or a library's first-call search)");
  app.add_flag_callback(
      "--no-peaks", [&options] { options.peaks = false; },
      "skip the instruction-peak micro-benchmarks (the bf16 table then has no % of instr. peak); for quick, "
      "sanitizer or profiling runs");
  app.add_option("--energy-seconds", options.energy_seconds,
                 "seconds of back-to-back runs per rung for the energy columns (NVML's total-energy counter; "
                 "0: no energy measurement)")
      ->check(finite_in(0.0, 60.0))
      ->capture_default_str();
  app.add_option("--rung", options.rungs,
                 "run only this rung (repeatable; " + words.vendor + " always runs); see --list");
  app.add_option("--skip-rung", options.skip_rungs,
                 "leave this rung out (repeatable; " + words.vendor +
                     " too, the other rows then have no %): its row says skipped, and why; for a rung that hung "
                     "before");
  app.add_option("--rung-timeout", options.rung_timeout_seconds,
                 "a rung that has not finished this many seconds after it started (check, warm-ups, timed runs) "
                 "ends the program at once (wall-clock time: a stopped program's clock runs on): it prints '" +
                     std::string(kHungRungPrefix) + "NAME' on stderr and exits with status " +
                     std::to_string(kHungExitStatus) +
                     ", instead of blocking for ever on a kernel that never finishes (0: no limit)")
      ->check(finite_in(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--precision", options.precision, "which tables to run: " + words.precisions)
      ->check(CLI::IsMember({"all", "fp32", "bf16"}))
      ->capture_default_str();
  app.add_flag(
      "--exercises", options.exercises,
      "also run the exercise rungs linked into this program (your TODO code; a chapter's own, in its program)");
  app.add_flag("--list", options.list, words.list);
  app.add_option("--json", options.json_path, "also write the results as JSON to FILE (atomically)")
      ->check(output_file_check());
}

}  // namespace ladder
