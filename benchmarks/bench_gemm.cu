/// \file bench_gemm.cu
/// \brief Google Benchmark over every registered GEMM rung and cuBLAS, sizes 256...8192.
///
///     build/bin/bench_gemm                                  # everything
///     build/bin/bench_gemm --benchmark_filter='naive|cuBLAS' --benchmark_out=gemm.json --benchmark_out_format=json
///
/// Each benchmark is named `gemm/<rung>/<size>`. Time is GPU time from CUDA
/// events (UseManualTime), with L2 flushed before each iteration. Counters:
/// TFLOP/s, and % of cuBLAS at the same size (cuBLAS is timed first).
#include <benchmark/benchmark.h>

#include <iostream>
#include <map>
#include <memory>

#include "common/cublas_gemm.cuh"
#include "common/device_buffer.cuh"
#include "common/device_info.cuh"
#include "common/gemm_runner.cuh"
#include "common/host_matrix.hpp"

namespace ladder {
namespace {

constexpr int kSizes[] = {256, 512, 1024, 2048, 4096, 8192};

/// cuBLAS median time per size, filled as the cuBLAS benchmarks run (they are registered first).
std::map<int, double>& cublas_seconds() {
  static std::map<int, double> seconds;
  return seconds;
}

/// Square n×n×n inputs, shared by all rungs of one size.
struct Inputs {
  DeviceBuffer<float> a, b, c;
  explicit Inputs(int n) {
    std::vector<float> values(std::size_t(n) * n);
    fill_random(values, n);
    a = DeviceBuffer<float>(values);
    b = DeviceBuffer<float>(values);
    c = DeviceBuffer<float>(values.size());
  }
};

Inputs& inputs_for(int n) {
  static std::map<int, std::unique_ptr<Inputs>> cache;
  auto& slot = cache[n];
  if (!slot) {
    cache.clear();  // keep one size resident: 8192³ needs 768 MB
    cache[n] = std::make_unique<Inputs>(n);
  }
  return *cache[n];
}

void run_gemm(benchmark::State& state, const GemmRung& rung, int n, int compute_capability) {
  Inputs& inputs = inputs_for(n);
  const GemmArgs args{n, n, n, 1.0f, 0.0f, inputs.a.data(), n, inputs.b.data(), n, inputs.c.data(), n};
  if (const auto reason = unsupported_reason(rung, args, compute_capability)) {
    state.SkipWithError(reason->c_str());
    return;
  }
  const TimingConfig one_run{/*warmup=*/0, /*repeat=*/1, /*flush_l2=*/true};
  rung.launch(args, nullptr);  // warm-up
  double total_seconds = 0;
  for (auto _ : state) {
    const double seconds = time_on_gpu([&](cudaStream_t s) { rung.launch(args, s); }, one_run).median_ms * 1e-3;
    state.SetIterationTime(seconds);
    total_seconds += seconds;
  }
  const double mean_seconds = total_seconds / double(state.iterations());
  state.counters["TFLOP/s"] = gemm_flops(n, n, n) / mean_seconds / 1e12;
  if (rung.kind == RungKind::Vendor) cublas_seconds()[n] = mean_seconds;
  if (cublas_seconds().count(n)) state.counters["pct_of_cublas"] = 100.0 * cublas_seconds()[n] / mean_seconds;
}

}  // namespace
}  // namespace ladder

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (const auto reason = ladder::no_device_reason()) {
    std::cerr << "bench_gemm: " << *reason << "; the benchmarks need an NVIDIA GPU\n";
    return 1;
  }
  const int compute_capability = ladder::query_device().compute_capability;
  // Size-major order, cuBLAS first within a size, so % of cuBLAS is known when each rung runs.
  for (int n : ladder::kSizes) {
    for (const ladder::GemmRung& rung : ladder::gemm_registry()) {
      if (rung.kind == ladder::RungKind::Exercise) continue;
      benchmark::RegisterBenchmark(("gemm/" + rung.name + "/" + std::to_string(n)).c_str(),
                                   [rung, n, compute_capability](benchmark::State& state) {
                                     ladder::run_gemm(state, rung, n, compute_capability);
                                   })
          ->UseManualTime()
          ->Unit(benchmark::kMillisecond)
          ->MinTime(0.2);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
