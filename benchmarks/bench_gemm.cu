/// \file bench_gemm.cu
/// \brief Google Benchmark over every registered GEMM rung and cuBLAS, sizes 256...8192.
///
///     build/bin/bench_gemm                                  # everything
///     build/bin/bench_gemm --benchmark_filter='naive|cuBLAS' --benchmark_out=gemm.json --benchmark_out_format=json
///
///     build/bin/bench_gemm --energy_seconds=0                # no energy counters
///
/// Each benchmark is named `gemm/<rung>/<size>`. Time is GPU time from CUDA
/// events (UseManualTime), with L2 flushed before each iteration (one flush
/// buffer for the whole process). Counters: TFLOP/s, % of cuBLAS at the same
/// size and precision (cuBLAS and cuBLAS bf16 are timed first), and, where NVML has an energy counter,
/// joules per GEMM and GFLOP/J over `--energy_seconds` of back-to-back runs.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>

#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/energy.hpp"
#include "common/core/host_matrix.hpp"
#include "common/gemm/cublas.cuh"
#include "common/gemm/elements.cuh"
#include "common/gemm/runner.cuh"

namespace ladder {
namespace {

constexpr int kSizes[] = {256, 512, 1024, 2048, 4096, 8192};

/// cuBLAS mean time per precision and size (the mean over the benchmark's
/// iterations, as Google Benchmark reports it), filled as the cuBLAS
/// benchmarks run (they are registered first).
std::map<std::pair<Precision, int>, double>& cublas_seconds() {
  static std::map<std::pair<Precision, int>, double> seconds;
  return seconds;
}

/// Square n×n×n inputs in fp32 and bf16, shared by all rungs of one size.
struct Inputs {
  DeviceBuffer<float> a, b, c;
  DeviceBuffer<__nv_bfloat16> a16, b16, c16;
  explicit Inputs(int n) {
    std::vector<float> values(std::size_t(n) * n);
    fill_random(values, n);
    a = DeviceBuffer<float>(values);
    b = DeviceBuffer<float>(values);
    c = DeviceBuffer<float>(values.size());
    a16 = DeviceBuffer<__nv_bfloat16>(to_elements<__nv_bfloat16>(values));
    b16 = DeviceBuffer<__nv_bfloat16>(to_elements<__nv_bfloat16>(values));
    c16 = DeviceBuffer<__nv_bfloat16>(values.size());
  }
  GemmArgs args(int n) { return {n, n, n, 1.0f, 0.0f, a.data(), n, b.data(), n, c.data(), n}; }
  Bf16GemmArgs args16(int n) { return {n, n, n, 1.0f, 0.0f, a16.data(), n, b16.data(), n, c16.data(), n}; }
};

Inputs& inputs_for(int n) {
  static std::map<int, std::unique_ptr<Inputs>> cache;
  auto& slot = cache[n];
  if (!slot) {
    cache.clear();  // keep one size resident: 8192³ needs 1.2 GB
    cache[n] = std::make_unique<Inputs>(n);
  }
  return *cache[n];
}

/// What every benchmark shares: the device and the energy meter.
struct BenchContext {
  int compute_capability = 0;
  const EnergyMeter* meter = nullptr;  ///< null: no energy counters
  double energy_seconds = 0.25;
};

template <typename Args>
void run_gemm(benchmark::State& state, const GemmRung& rung, int n, const Args& args, const BenchContext& context) {
  if (const auto reason = unsupported_reason(rung, args, context.compute_capability)) {
    state.SkipWithError(reason->c_str());
    return;
  }
  const TimingConfig one_run{/*warmup=*/0, /*repeat=*/1, /*flush_l2=*/true};
  const auto work = [&](cudaStream_t stream) { rung.launch(args, stream); };
  try {
    work(nullptr);  // warm-up; a launch that fails here skips this benchmark, not the whole run
    double total_seconds = 0;
    for (auto _ : state) {
      const double seconds = time_on_gpu(work, one_run).median_ms * 1e-3;
      state.SetIterationTime(seconds);
      total_seconds += seconds;
    }
    const double mean_seconds = total_seconds / double(state.iterations());
    state.counters["TFLOP/s"] = gemm_flops(n, n, n) / mean_seconds / 1e12;
    if (context.meter != nullptr) {
      if (const auto energy = measure_energy(work, *context.meter, context.energy_seconds, mean_seconds)) {
        state.counters["J_per_gemm"] = energy->joules_per_run;
        state.counters["GFLOP_per_J"] = gemm_flops(n, n, n) / energy->joules_per_run / 1e9;
      }
    }
    const auto key = std::make_pair(rung.precision(), n);
    if (rung.kind == RungKind::Vendor) cublas_seconds()[key] = mean_seconds;
    if (cublas_seconds().count(key)) state.counters["pct_of_cublas"] = 100.0 * cublas_seconds()[key] / mean_seconds;
  } catch (const CudaError& error) {
    state.SkipWithError(error.what());
  }
}

void run_gemm(benchmark::State& state, const GemmRung& rung, int n, const BenchContext& context) {
  state.SetLabel(to_string(rung.precision()));  // "fp32" or "bf16": report.py's tables split on it
  Inputs& inputs = inputs_for(n);
  if (rung.precision() == Precision::Bf16)
    run_gemm(state, rung, n, inputs.args16(n), context);
  else
    run_gemm(state, rung, n, inputs.args(n), context);
}

/// Takes `--energy_seconds=S` (0..60) out of the arguments Google Benchmark left.
/// Returns false, having said why, on any other argument or a bad value.
bool parse_own_flags(int argc, char** argv, double& energy_seconds) {
  const std::string flag = "--energy_seconds=";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    char* end = nullptr;
    if (arg.rfind(flag, 0) == 0) energy_seconds = std::strtod(arg.c_str() + flag.size(), &end);
    if (arg.rfind(flag, 0) != 0 || end == arg.c_str() + flag.size() || *end != '\0' || !(energy_seconds >= 0) ||
        energy_seconds > 60) {
      std::cerr << "bench_gemm: unknown or bad argument '" << arg
                << "' (own flag: --energy_seconds=S, 0..60; see --help for Google Benchmark's)\n";
      return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace ladder

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ladder::BenchContext context;
  if (!ladder::parse_own_flags(argc, argv, context.energy_seconds)) return 2;
  if (const auto reason = ladder::no_device_reason()) {
    std::cerr << "bench_gemm: " << *reason << "; the benchmarks need an NVIDIA GPU\n";
    return 1;
  }
  const ladder::DeviceInfo device = ladder::query_device();
  context.compute_capability = device.compute_capability;
  const ladder::EnergyMeter meter(device.pci_bus_id);
  if (context.energy_seconds > 0 && meter.available())
    context.meter = &meter;
  else if (context.energy_seconds > 0)
    std::cerr << "bench_gemm: no energy counters: " << meter.unavailable_reason() << "\n";
  // Size-major order, cuBLAS first within a size, so % of cuBLAS is known when each rung runs.
  for (int n : ladder::kSizes) {
    for (const ladder::GemmRung& rung : ladder::gemm_registry()) {
      if (rung.kind == ladder::RungKind::Exercise) continue;
      benchmark::RegisterBenchmark(
          ("gemm/" + rung.name + "/" + std::to_string(n)).c_str(),
          [rung, n, &context](benchmark::State& state) { ladder::run_gemm(state, rung, n, context); })
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond)
          ->MinTime(0.1);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
