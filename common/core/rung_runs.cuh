/// \file common/core/rung_runs.cuh
/// \brief What the GEMM and convolution runners share around their own verify-and-time step: which rungs a
/// run asks for, running them in ladder order, and the fields every rung's row and JSON entry carry.
///
/// A Rung has a `name`, a `chapter`, a `kind`, a `summary` and a `precision()`;
/// a Result is a RungOutcome with a `rung`, a `timing` (TimingStats) and a
/// `tflops`. Each runner keeps what is its own: the problem, the reference,
/// the baseline's name in its columns. A Result that `energy` (an
/// optional EnergyStats) also gets the energy columns and fields below.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/core/cli.hpp"
#include "common/core/energy.hpp"
#include "common/core/outcome.hpp"
#include "common/core/run_options.hpp"
#include "common/core/rung_kind.hpp"
#include "common/core/table.hpp"
#include "common/core/timing.cuh"
#include "common/core/watchdog.hpp"

namespace ladder {

/// What a chapter's program says, after the reason, when it finds no GPU to run on.
inline constexpr const char* kChapterNeedsGpu =
    "this program needs an NVIDIA GPU (the CPU tests run without one: ctest -L cpu)";

/// What run_in_order writes on stderr, on a line of its own, before the name of a rung whose fault
/// left the CUDA context unusable: benchmarks/run_gpu.sh reads it, as it reads kHungRungPrefix, to
/// run the program again without that rung, so that the rungs after it are measured too.
inline constexpr const char* kBrokeContextPrefix = "context broken by rung: ";

/// Throws a UsageError when `flag` ("--skip-rung") names a rung this program does not have.
template <typename Rung>
void require_known_rungs(const std::vector<Rung>& in_ladder_order, const std::vector<std::string>& names,
                         const std::string& flag) {
  for (const std::string& name : names)
    if (std::none_of(in_ladder_order.begin(), in_ladder_order.end(), [&](const Rung& r) { return r.name == name; }))
      throw UsageError(flag + " " + name + ": no such rung in this executable (see --list)");
}

/// The rungs of one precision that `--rung` names (all of them when it names
/// none), in ladder order, with the vendor rung always, first. Exercises only
/// with `--exercises`. A name that no linked rung has is a UsageError, and so
/// is an exercise's name without `--exercises` (else it would run nothing, silently).
template <typename Rung, typename PrecisionTag>
std::vector<Rung> select_rungs(const std::vector<Rung>& in_ladder_order, const std::vector<std::string>& names,
                               bool exercises, PrecisionTag precision) {
  require_known_rungs(in_ladder_order, names, "--rung");
  for (const Rung& rung : in_ladder_order)
    if (rung.kind == RungKind::Exercise && !exercises &&
        std::find(names.begin(), names.end(), rung.name) != names.end())
      throw UsageError("--rung " + rung.name + ": an exercise rung, which runs only with --exercises");
  std::vector<Rung> selected;
  for (const Rung& rung : in_ladder_order) {
    if (rung.precision() != precision) continue;
    if (rung.kind == RungKind::Exercise && !exercises) continue;
    const bool named = std::find(names.begin(), names.end(), rung.name) != names.end();
    if (rung.kind == RungKind::Vendor || names.empty() || named) selected.push_back(rung);
  }
  return selected;
}

/// Throws a UsageError when the run's choice of rungs contradicts itself: a rung both named by
/// --rung and left out by --skip-rung, or `tables` (what select_rungs chose for each precision
/// --precision asks for) holding the vendor rungs alone, a run that would time nothing of ours.
/// (--skip-rung may name the vendor rung: run_gpu.sh does, should the library's call hang.)
template <typename Rung>
void require_a_rung_of_ours(const std::vector<std::vector<Rung>>& tables, const RunOptions& options) {
  const auto named = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (const std::string& name : options.rungs)
    if (named(options.skip_rungs, name))
      throw UsageError("--rung " + name + " and --skip-rung " + name + ": asked for and left out at once");
  for (const std::vector<Rung>& table : tables)
    for (const Rung& rung : table)
      if (rung.kind != RungKind::Vendor) return;
  if (options.rungs.empty())
    throw UsageError("--precision " + options.precision + ": no " + options.precision +
                     " rung in this executable (see --list)");
  std::string names;
  for (const std::string& name : options.rungs) names += (names.empty() ? "" : ", ") + name;
  const std::string which = options.precision == "all" ? "" : " " + options.precision;
  throw UsageError("--rung " + names + ": no" + which + " rung of ours among them, and the vendor rung alone " +
                   "times nothing to compare (see --list)");
}

/// `--list`: every linked rung (exercises only with `--exercises`) and its idea.
template <typename Rung>
Table rung_list(const std::vector<Rung>& in_ladder_order, bool exercises) {
  Table table({"rung", "chapter", "kind", "precision", "idea"});
  for (const Rung& rung : in_ladder_order)
    if (rung.kind != RungKind::Exercise || exercises)
      table.add_row(
          {rung.name, std::to_string(rung.chapter), to_string(rung.kind), to_string(rung.precision()), rung.summary});
  return table;
}

/// Runs `run_one(rung)` on each rung in order, saying on stderr which one runs
/// ("[bf16 3/7] 08a ..."): a long table shows its progress. A fault inside a
/// kernel is sticky and fails every later CUDA call, so after one the rest are
/// not run but reported as such, naming the culprit; `broken_by` carries that
/// name on to the next table. A failure the context survives (a refused launch
/// configuration, say) is the rung's alone. A rung that --skip-rung names is
/// reported, not run; one that runs past --rung-timeout ends the program (RungWatchdog).
template <typename Result, typename Rung, typename RunOne>
std::vector<Result> run_in_order(const std::vector<Rung>& rungs, const char* table_name, const RunOptions& options,
                                 std::optional<std::string>& broken_by, RunOne run_one) {
  RungWatchdog watchdog(options.rung_timeout_seconds);
  std::vector<Result> results;
  for (std::size_t i = 0; i < rungs.size(); ++i) {
    std::cerr << "[" << table_name << " " << i + 1 << "/" << rungs.size() << "] " << rungs[i].name << "\n";
    const auto& skipped = options.skip_rungs;
    std::optional<std::string> not_run;
    if (broken_by) not_run = "not run: " + *broken_by + " left the CUDA context unusable";
    if (std::find(skipped.begin(), skipped.end(), rungs[i].name) != skipped.end()) not_run = "left out by --skip-rung";
    if (not_run) {
      Result skipped_result;
      skipped_result.rung = rungs[i];
      skipped_result.skip_reason = not_run;
      results.push_back(skipped_result);
      continue;
    }
    watchdog.start(rungs[i].name);  // until its work is known to have finished, faults included
    results.push_back(run_one(rungs[i]));
    if (results.back().failure && cudaDeviceSynchronize() != cudaSuccess) {
      broken_by = rungs[i].name;
      std::cerr << kBrokeContextPrefix << rungs[i].name << "\n";
    }
    watchdog.stop();
  }
  return results;
}

/// Each result's speed as a percentage of the first (the vendor rung's), in
/// `percent`; left 0 where either did not run correctly (a wrong answer's speed is no rung's).
template <typename Result>
void set_percent_of_vendor(std::vector<Result>& results, double Result::*percent) {
  if (results.empty()) return;
  const Result& vendor = results.front();
  for (Result& r : results)
    if (vendor.passed() && r.passed()) r.*percent = 100.0 * vendor.timing.median_ms / r.timing.median_ms;
}

/// Each correct result's TFLOP/s as a percentage of its rung's instruction's peak, where
/// `peaks` (instruction -> TFLOP/s, from measure_instruction_peaks) has one; left 0 elsewhere.
template <typename Result>
void set_percent_of_instruction(std::vector<Result>& results, const std::map<std::string, double>& peaks) {
  for (Result& r : results) {
    const auto peak = peaks.find(r.rung.instruction);
    if (peak != peaks.end() && peak->second > 0 && r.passed())
      r.percent_of_instruction = 100.0 * r.tflops / peak->second;
  }
}

/// The meter for the energy columns of a run with `energy_seconds` > 0, once it has said in
/// one line what they measure; null, once it has said why they are n/a, where NVML has no
/// energy counter, and null without a word when no energy was asked for.
inline std::unique_ptr<EnergyMeter> open_energy_meter(const std::string& pci_bus_id, double energy_seconds) {
  if (energy_seconds <= 0) return nullptr;
  auto meter = std::make_unique<EnergyMeter>(pci_bus_id);
  if (!meter->available()) {
    std::cout << "energy: n/a (" << meter->unavailable_reason() << ")\n";
    return nullptr;
  }
  std::cout << "energy: NVML's total-energy counter (whole board) over >= " << energy_seconds
            << " s of back-to-back runs per rung, no L2 flush; SM MHz: the SM clock NVML read during them "
            << "(the GPU lowers it under a heavy load to stay within its power limit)\n";
  return meter;
}

/// The energy columns' headers: joules per `operation` ("GEMM", "conv"), GFLOP per joule,
/// and the SM clock NVML read during the energy window.
inline std::vector<std::string> energy_headers(const std::string& operation) {
  return {"J/" + operation, "GFLOP/J", "SM MHz"};
}

/// The energy cells of a row whose run took `flops`; "n/a" where the counter was not read.
inline std::vector<std::string> energy_cells(const std::optional<EnergyStats>& energy, double flops) {
  if (!energy) return {"n/a", "n/a", "n/a"};
  return {scientific(energy->joules_per_run, 2), fixed(flops / energy->joules_per_run / 1e9, 1),
          energy->sm_clock_mhz > 0 ? fixed(energy->sm_clock_mhz, 0) : "n/a"};
}

/// Adds the energy fields to a rung's JSON entry ("joules_per_gemm" for `operation` "gemm"),
/// where the counter was read.
inline void add_energy_json(nlohmann::json& entry, const std::optional<EnergyStats>& energy, double flops,
                            const std::string& operation) {
  if (!energy) return;
  entry["joules_per_" + operation] = energy->joules_per_run;
  entry["gflop_per_joule"] = flops / energy->joules_per_run / 1e9;
  entry["energy_runs"] = energy->runs;
  entry["energy_seconds"] = energy->seconds;
  if (energy->sm_clock_mhz > 0) entry["sm_clock_mhz_under_load"] = energy->sm_clock_mhz;
}

/// The JSON fields every rung's entry has: who it is, its status, and, where
/// it ran, its timings and, where it was checked, its error.
template <typename Result>
nlohmann::json outcome_json(const Result& r) {
  nlohmann::json entry = {{"name", r.rung.name},
                          {"chapter", r.rung.chapter},
                          {"kind", to_string(r.rung.kind)},
                          {"precision", to_string(r.rung.precision())},
                          {"status", r.status()}};
  if (!r.skip_reason && !r.failure) {
    entry["median_ms"] = r.timing.median_ms;
    entry["min_ms"] = r.timing.min_ms;
    entry["max_ms"] = r.timing.max_ms;
    entry["tflops"] = r.tflops;
  }
  if (r.error) {
    entry["relative_error"] = r.error->relative_frobenius;
    entry["max_abs_error"] = r.error->max_abs;
    entry["passed"] = r.error->passed();
  }
  return entry;
}

}  // namespace ladder
