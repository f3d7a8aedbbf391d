/// \file bench_gemm.cu
/// \brief Google Benchmark over every registered GEMM rung and cuBLAS, sizes 256...8192, and
/// the bf16 rungs on two shapes from transformer training.
///
///     build/bin/bench_gemm                                  # everything
///     build/bin/bench_gemm --benchmark_filter='naive|cuBLAS' --benchmark_out=gemm.json --benchmark_out_format=json
///
///     build/bin/bench_gemm --energy_seconds=0                # no energy counters
///
/// Each benchmark is named `gemm/<rung>/<size>` (square) or `gemm/<rung>/<m>x<n>x<k>` (the
/// training shapes, bf16 rungs only: kTrainingShapes); first come chapter 08's mma.sync rate
/// probes, `mma_rate/<w> warps per scheduler/<c> chains` (mma_peak.cuh); after each target size's
/// rungs, the rungs that can also read B stored n x k, in that layout: `b_n_by_k/<rung>/<size>`
/// (GemmRung::launch_b_n_by_k: cuBLAS bf16, 09c and 09d). Time is GPU time from CUDA
/// events (UseManualTime), with L2 flushed before each iteration (one flush
/// buffer for the whole process). Counters: TFLOP/s, % of cuBLAS at the same
/// size and precision (cuBLAS and cuBLAS bf16 are timed first), and, where NVML has an energy counter,
/// joules per GEMM, GFLOP/J and the SM clock NVML read, over `--energy_seconds` of back-to-back runs.
#include <benchmark/benchmark.h>

#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "benchmarks/bench_timing.cuh"
#include "chapters/08_mma_sync_gemm/mma_peak.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/host_matrix.hpp"
#include "common/gemm/elements.cuh"
#include "common/gemm/runner.cuh"

namespace ladder {
namespace {

/// The square sizes, the targets' first (4096, then 8192 and 2048): a run stopped at its time
/// limit loses the small sizes, where launches and not kernels set the time.
constexpr int kTargetSizes[] = {4096, 8192, 2048};
constexpr int kSmallSizes[] = {1024, 512, 256};

/// A problem m x n x k and its name in the benchmark's: "4096" when square, else "MxNxK".
struct Shape {
  int m, n, k;
  std::string name() const {
    return m == n && n == k ? std::to_string(m) : std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k);
  }
  bool operator<(const Shape& other) const { return std::tie(m, n, k) < std::tie(other.m, other.n, other.k); }
};

// [training-shapes]
/// Two GEMMs of a transformer's training step, where most of its FLOPs are: the MLP of a
/// Llama-3-8B-sized layer (hidden 4096, MLP width 14336) on 16384 tokens (4 sequences of
/// 4096). The up projection is wide (n = 3.5 k); the down projection is narrow with a
/// long k (k = 3.5 n), fewer, longer tiles. Both are forward-pass GEMMs, A row-major
/// (tokens x features) times B row-major: the backward pass's transposed operands are not
/// covered, since the rungs take row-major operands only.
constexpr Shape kTrainingShapes[] = {{16384, 14336, 4096}, {16384, 4096, 14336}};
// [training-shapes]

/// cuBLAS mean time per precision and shape (the mean over the benchmark's iterations, as
/// Google Benchmark reports it), filled as the cuBLAS benchmarks run (they are registered
/// first for each shape).
std::map<std::pair<Precision, Shape>, double>& cublas_seconds() {
  static std::map<std::pair<Precision, Shape>, double> seconds;
  return seconds;
}

/// Every rung's mean time per shape, B stored k x n: what its time with B n x k is set against.
std::map<std::pair<std::string, Shape>, double>& rung_seconds() {
  static std::map<std::pair<std::string, Shape>, double> seconds;
  return seconds;
}

/// Inputs of one shape in fp32 and bf16, shared by all rungs of that shape. fp32 copies
/// only for square shapes: the training shapes run the bf16 rungs only.
struct Inputs {
  DeviceBuffer<float> a, b, c;
  DeviceBuffer<__nv_bfloat16> a16, b16, c16;
  explicit Inputs(const Shape& shape) {
    std::vector<float> a_values(std::size_t(shape.m) * shape.k), b_values(std::size_t(shape.k) * shape.n);
    fill_random(a_values, shape.m);
    fill_random(b_values, shape.n + 1);
    const std::size_t c_count = std::size_t(shape.m) * shape.n;
    if (shape.m == shape.n && shape.n == shape.k) {
      a = DeviceBuffer<float>(a_values);
      b = DeviceBuffer<float>(b_values);
      c = DeviceBuffer<float>(c_count);
    }
    a16 = DeviceBuffer<__nv_bfloat16>(to_elements<__nv_bfloat16>(a_values));
    b16 = DeviceBuffer<__nv_bfloat16>(to_elements<__nv_bfloat16>(b_values));
    c16 = DeviceBuffer<__nv_bfloat16>(c_count);
  }
  GemmArgs args(const Shape& s) { return {s.m, s.n, s.k, 1.0f, 0.0f, a.data(), s.k, b.data(), s.n, c.data(), s.n}; }
  Bf16GemmArgs args16(const Shape& s) {
    return {s.m, s.n, s.k, 1.0f, 0.0f, a16.data(), s.k, b16.data(), s.n, c16.data(), s.n};
  }
};

Inputs& inputs_for(const Shape& shape) {
  static std::map<Shape, std::unique_ptr<Inputs>> cache;
  auto& slot = cache[shape];
  if (!slot) {
    cache.clear();  // keep one shape resident: 8192³ needs 1.2 GB
    cache[shape] = std::make_unique<Inputs>(shape);
  }
  return *cache[shape];
}

/// What every benchmark shares: the device and the energy counters.
struct BenchContext {
  int compute_capability = 0;
  int sms = 0;
  BenchEnergy energy;
};

// [rate-probe]
/// One point of chapter 08's mma.sync rate probe (mma_peak.cuh): its TFLOP/s, once its blocks
/// are known to have spread evenly, warps_per_scheduler on every SM, as its numbers assume.
void run_rate_probe(benchmark::State& state, const mma_sync::RateProbe& probe, const BenchContext& context) {
  if (context.compute_capability < 80) {
    state.SkipWithError("bf16 mma.sync needs compute capability 8.0");
    return;
  }
  try {
    if (const std::string problem = mma_sync::rate_probe_problem(probe); !problem.empty()) {
      state.SkipWithError(problem.c_str());
      return;
    }
    const std::size_t blocks = std::size_t(context.sms) * probe.warps_per_scheduler;
    DeviceBuffer<int> block_sm(blocks);
    DeviceBuffer<long long> block_clocks(blocks);
    const auto work = [&](cudaStream_t stream) {
      mma_sync::launch_rate_probe(probe, context.sms, block_sm.data(), block_clocks.data(), stream);
    };
    const double mean_seconds = time_flushed_iterations(state, work);
    const std::string spread =
        mma_sync::rate_probe_spread_problem(block_sm.download(), context.sms, probe.warps_per_scheduler);
    if (!spread.empty()) {
      state.SkipWithError(("blocks not spread evenly: " + spread).c_str());
      return;
    }
    state.counters["TFLOP/s"] = mma_sync::rate_probe_flops(probe, context.sms) / mean_seconds / 1e12;
    state.counters["SMs"] = context.sms;
    // SM clocks per mma.sync of a warp (the last run's): one chain's is the instruction's latency.
    state.counters["clocks_per_mma"] = mma_sync::rate_probe_clocks_per_mma(probe, block_clocks.download());
  } catch (const std::exception& error) {  // a failed CUDA call, or a build without sm_80's mma.sync
    state.SkipWithError(error.what());
  }
}
// [rate-probe]

/// `mma_rate/<w> warps per scheduler/<c> chains`, every point of the probe's grid.
void register_rate_probes(const BenchContext& context) {
  for (int warps : mma_sync::kRateProbeWarps)
    for (int chains : mma_sync::kRateProbeChains)
      register_gpu_benchmark(
          "mma_rate/" + std::to_string(warps) + " warps per scheduler/" + std::to_string(chains) + " chains",
          [warps, chains, &context](benchmark::State& state) {
            run_rate_probe(state, {warps, chains}, context);
          });
}

template <typename Args>
void run_gemm(benchmark::State& state, const GemmRung& rung, const Shape& shape, const Args& args,
              const BenchContext& context) {
  if (const auto reason = unsupported_reason(rung, args, context.compute_capability)) {
    state.SkipWithError(reason->c_str());
    return;
  }
  const auto work = [&](cudaStream_t stream) { rung.launch(args, stream); };
  try {  // a failure, in the warm-up too, skips this benchmark, not the whole run
    const double mean_seconds = time_flushed_iterations(state, work);
    const double flops = gemm_flops(shape.m, shape.n, shape.k);
    state.counters["TFLOP/s"] = flops / mean_seconds / 1e12;
    add_energy_counters(state, context.energy, work, mean_seconds, flops, "gemm");
    const auto key = std::make_pair(rung.precision(), shape);
    if (rung.kind == RungKind::Vendor) cublas_seconds()[key] = mean_seconds;
    if (cublas_seconds().count(key)) state.counters["pct_of_cublas"] = 100.0 * cublas_seconds()[key] / mean_seconds;
    rung_seconds()[{rung.name, shape}] = mean_seconds;
  } catch (const std::exception& error) {  // a CUDA error, or a launcher refusing (naive's grid, wgmma's cluster)
    state.SkipWithError(error.what());
  }
}

void run_gemm(benchmark::State& state, const GemmRung& rung, const Shape& shape, const BenchContext& context) {
  state.SetLabel(to_string(rung.precision()));  // "fp32" or "bf16": report.py's tables split on it
  try {                                         // 8192³'s inputs may not fit: that skips this benchmark, not the run
    Inputs& inputs = inputs_for(shape);
    if (rung.precision() == Precision::Bf16)
      run_gemm(state, rung, shape, inputs.args16(shape), context);
    else
      run_gemm(state, rung, shape, inputs.args(shape), context);
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
  }
}

void register_gemm_benchmark(const GemmRung& rung, const Shape& shape, const BenchContext& context) {
  register_gpu_benchmark("gemm/" + rung.name + "/" + shape.name(),
                         [rung, shape, &context](benchmark::State& state) { run_gemm(state, rung, shape, context); });
}

/// A rung with B stored n x k (launch_b_n_by_k; cuBLAS's "TN", the layout public Hopper GEMMs
/// such as fast.cu are timed in), on a square problem's inputs: B's k·n elements read as n rows
/// of k. Counters pct_of_cublas, as for the rungs (a % of cuBLAS bf16 with B k x n, the rungs'
/// baseline), and pct_of_k_by_n, a % of the same rung's own speed with B k x n: above 100, the
/// rung is faster with B n x k.
void run_b_n_by_k(benchmark::State& state, const GemmRung& rung, const Shape& shape, const BenchContext& context) {
  state.SetLabel("bf16");
  Bf16GemmArgs args{};
  try {
    args = inputs_for(shape).args16(shape);
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
    return;
  }
  // Square, so ldb = n and ldb = k ask the same of the rung's alignment.
  if (const auto reason = unsupported_reason(rung, args, context.compute_capability)) {
    state.SkipWithError(reason->c_str());
    return;
  }
  args.ldb = shape.k;
  const auto work = [&](cudaStream_t stream) { rung.launch_b_n_by_k(args, stream); };
  try {
    const double mean_seconds = time_flushed_iterations(state, work);
    state.counters["TFLOP/s"] = gemm_flops(shape.m, shape.n, shape.k) / mean_seconds / 1e12;
    const auto baseline = cublas_seconds().find({Precision::Bf16, shape});
    if (baseline != cublas_seconds().end()) state.counters["pct_of_cublas"] = 100.0 * baseline->second / mean_seconds;
    const auto own = rung_seconds().find({rung.name, shape});
    if (own != rung_seconds().end()) state.counters["pct_of_k_by_n"] = 100.0 * own->second / mean_seconds;
  } catch (const std::exception& error) {  // a CUDA error, or a launcher refusing (naive's grid, wgmma's cluster)
    state.SkipWithError(error.what());
  }
}

void register_b_n_by_k(const Shape& shape, const BenchContext& context) {
  for (const GemmRung& rung : gemm_registry())
    if (rung.launch_b_n_by_k != nullptr && rung.kind != RungKind::Exercise)
      register_gpu_benchmark(
          "b_n_by_k/" + rung.name + "/" + shape.name(),
          [rung, shape, &context](benchmark::State& state) { run_b_n_by_k(state, rung, shape, context); });
}

/// --help: what this program times and its own flag, then Google Benchmark's flags.
void print_help() {
  std::cout << "bench_gemm: times cuBLAS and every GEMM rung at 256^3 to 8192^3, and the bf16 rungs on two\n"
               "transformer-training shapes (benchmarks/README.md).\n\n"
               "Own flag:\n"
            << energy_flag_help() << "\nGoogle Benchmark's flags:\n";
  benchmark::PrintDefaultHelp();
}

}  // namespace
}  // namespace ladder

int main(int argc, char** argv) {
  if (!ladder::benchmark_out_writable("bench_gemm", argc, argv)) return 2;
  benchmark::Initialize(&argc, argv, ladder::print_help);
  ladder::BenchContext context;
  if (!ladder::parse_energy_seconds("bench_gemm", argc, argv, context.energy.seconds)) return 2;
  if (!ladder::device_usable_or_say_why("bench_gemm", "the benchmarks need an NVIDIA GPU")) return 1;
  const ladder::DeviceInfo device = ladder::query_device();
  context.compute_capability = device.compute_capability;
  context.sms = device.sm_count;
  benchmark::AddCustomContext("gpu", device.name);  // record.py checks that one record is one GPU
  ladder::open_bench_energy("bench_gemm", device.pci_bus_id, context.energy);
  // Shape-major order, cuBLAS first within a shape, so % of cuBLAS is known when each rung runs;
  // the shapes with targets first (the square ones, then the training ones), the small sizes last.
  const auto register_square = [&context](int n) {
    for (const ladder::GemmRung& rung : ladder::gemm_registry())
      if (rung.kind != ladder::RungKind::Exercise) ladder::register_gemm_benchmark(rung, {n, n, n}, context);
  };
  ladder::register_rate_probes(context);  // a few seconds: the mma.sync ceiling's anatomy first
  for (int n : ladder::kTargetSizes) {
    register_square(n);
    ladder::register_b_n_by_k({n, n, n}, context);  // after this size's rungs, on the same inputs
  }
  for (const ladder::Shape& shape : ladder::kTrainingShapes)
    for (const ladder::GemmRung& rung : ladder::gemm_registry())
      if (rung.kind != ladder::RungKind::Exercise && rung.precision() == ladder::Precision::Bf16)
        ladder::register_gemm_benchmark(rung, shape, context);
  for (int n : ladder::kSmallSizes) register_square(n);
  return ladder::run_selected_benchmarks("bench_gemm");
}
