/// \file benchmarks/bench_timing.cuh
/// \brief How bench_gemm and bench_conv time a rung (one warm-up run, then one run per Google
/// Benchmark iteration, L2 flushed before it, its GPU time from CUDA events the iteration's
/// manual time) and measure its energy (NVML's counter, over a window of back-to-back runs).
#pragma once

#include <benchmark/benchmark.h>
#include <cuda_runtime.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "common/core/cli.hpp"
#include "common/core/energy.hpp"
#include "common/core/timing.cuh"

namespace ladder {

/// Each benchmark runs until its timed iterations add up to this many seconds of GPU time.
inline constexpr double kMinSeconds = 0.1;

/// Registers a benchmark that sets its own time (time_flushed_iterations' GPU time), in
/// milliseconds, run for at least kMinSeconds of it.
template <class Function>
void register_gpu_benchmark(const std::string& name, Function&& function) {
  benchmark::RegisterBenchmark(name.c_str(), std::forward<Function>(function))
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->MinTime(kMinSeconds);
}

/// Times `work` as above and returns its mean seconds per run, the time Google Benchmark
/// reports. The warm-up takes module loading, handle creation and cuDNN's algorithm
/// search out of the timed runs; a failure there throws before any iteration.
inline double time_flushed_iterations(benchmark::State& state, const std::function<void(cudaStream_t)>& work) {
  run_once_untimed(work);
  const TimingConfig one_run{/*warmup=*/0, /*repeat=*/1, /*flush_l2=*/true};
  double total_seconds = 0;
  for (auto _ : state) {
    const double seconds = time_on_gpu(work, one_run).median_ms * 1e-3;
    state.SetIterationTime(seconds);
    total_seconds += seconds;
  }
  return total_seconds / double(state.iterations());
}

/// The energy counters of every benchmark of a program: the meter, and each window's length.
struct BenchEnergy {
  std::unique_ptr<EnergyMeter> meter;  ///< null: no energy counters
  double seconds = 0.25;
};

/// Adds `J_per_<operation>`, `GFLOP_per_J` and `SM_MHz` (the SM clock under this rung's load) to
/// the benchmark, from a window of back-to-back runs of `work`, where there is a meter.
/// Google Benchmark calls a benchmark again with more iterations until their time reaches
/// the minimum, and reports only that last attempt: the window is spent on it alone (from
/// 90 % of the minimum, in case the sums differ in their last bit), not on every attempt.
inline void add_energy_counters(benchmark::State& state, const BenchEnergy& energy,
                                const std::function<void(cudaStream_t)>& work, double mean_seconds, double flops,
                                const std::string& operation) {
  const bool reported_attempt = mean_seconds * double(state.iterations()) >= 0.9 * kMinSeconds;
  if (energy.meter == nullptr || !reported_attempt) return;
  if (const auto measured = measure_energy(work, *energy.meter, energy.seconds, mean_seconds)) {
    state.counters["J_per_" + operation] = measured->joules_per_run;
    state.counters["GFLOP_per_J"] = flops / measured->joules_per_run / 1e9;
    if (measured->sm_clock_mhz > 0) state.counters["SM_MHz"] = measured->sm_clock_mhz;
  }
}

/// The help of the one flag the benchmark programs add to Google Benchmark's.
inline std::string energy_flag_help() {
  std::ostringstream help;
  help << "  --energy_seconds=S  seconds of back-to-back runs per benchmark for the energy counters\n"
       << "                      (0..60, default " << BenchEnergy{}.seconds << "; 0: no energy measurement)\n";
  return help.str();
}

/// Takes `--energy_seconds=S` (0..60) out of the arguments Google Benchmark left. Returns
/// false, having said why on stderr, on any other argument or a bad value.
inline bool parse_energy_seconds(const char* program, int argc, char** argv, double& energy_seconds) {
  const std::string flag = "--energy_seconds=";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    char* end = nullptr;
    if (arg.rfind(flag, 0) == 0) energy_seconds = std::strtod(arg.c_str() + flag.size(), &end);
    if (arg.rfind(flag, 0) != 0 || end == arg.c_str() + flag.size() || *end != '\0' || !(energy_seconds >= 0) ||
        energy_seconds > 60) {
      std::cerr << program << ": unknown or bad argument '" << arg
                << "' (own flag: --energy_seconds=S, 0..60; see --help for Google Benchmark's)\n";
      return false;
    }
  }
  return true;
}

/// Checks Google Benchmark's `--benchmark_out=FILE` before a GPU is looked for (Google Benchmark
/// itself finds a bad path only after every benchmark has run). Call it before
/// benchmark::Initialize, which takes the flag out. Returns false, having said why on stderr.
inline bool benchmark_out_writable(const char* program, int argc, char** argv) {
  const std::string flag = "--benchmark_out=";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(flag, 0) != 0) continue;
    if (const std::string problem = output_file_problem(arg.substr(flag.size())); !problem.empty()) {
      std::cerr << program << ": --benchmark_out: " << problem << "\n";
      return false;
    }
  }
  return true;
}

/// Runs the benchmarks the flags select; the program's exit status: 2, saying why, when none
/// matched --benchmark_filter (or the filter is not a valid regular expression).
inline int run_selected_benchmarks(const char* program) {
  const std::size_t ran = benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (ran > 0) return 0;
  std::cerr << program << ": no benchmark matches --benchmark_filter (--benchmark_list_tests=true lists them)\n";
  return 2;
}

/// Opens the meter when energy was asked for and the GPU (`pci_bus_id`) has a counter; else
/// leaves none, and says on stderr why the counters are missing.
inline void open_bench_energy(const char* program, const std::string& pci_bus_id, BenchEnergy& energy) {
  if (energy.seconds <= 0) return;
  energy.meter = std::make_unique<EnergyMeter>(pci_bus_id);
  if (energy.meter->available()) return;
  std::cerr << program << ": no energy counters: " << energy.meter->unavailable_reason() << "\n";
  energy.meter.reset();
}

}  // namespace ladder
