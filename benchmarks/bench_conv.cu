/// \file benchmarks/bench_conv.cu
/// \brief Google Benchmark over every registered conv rung and cuDNN, on the named layers (common/conv/options.hpp).
///
///     build/bin/bench_conv                                   # every rung on every layer
///     build/bin/bench_conv --benchmark_filter='resnet50-3x3' --benchmark_out=conv.json --benchmark_out_format=json
///     build/bin/bench_conv --energy_seconds=0                # no energy counters
///
/// Each benchmark is named `conv/<rung>/<layer>`. Time is GPU time from CUDA
/// events (UseManualTime), with L2 flushed before each iteration. Counters:
/// TFLOP/s (2·N·K·P·Q·C·R·S per run), % of cuDNN at the same layer and
/// precision (the cuDNN rungs are timed first within each layer), and, where
/// NVML has an energy counter, joules per convolution, GFLOP/J and the SM clock
/// NVML read, over `--energy_seconds` of back-to-back runs. Correctness is the
/// tests' and the chapter executables' job; this program only times. The JSON's
/// context lists the layers' shapes (`conv_layers`), for benchmarks/pytorch_conv.py.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "benchmarks/bench_timing.cuh"
#include "common/conv/conv.cuh"
#include "common/conv/cudnn.cuh"
#include "common/conv/device_conv.cuh"
#include "common/conv/options.hpp"
#include "common/conv/problem_json.hpp"
#include "common/core/cuda_check.cuh"
#include "common/core/device_info.cuh"

namespace ladder {
namespace {

/// cuDNN's mean seconds per layer and precision, filled as its benchmarks run (they come first).
std::map<std::pair<std::string, ConvPrecision>, double>& cudnn_seconds() {
  static std::map<std::pair<std::string, ConvPrecision>, double> seconds;
  return seconds;
}

/// One layer's inputs, rounded for bf16 when the rung is bf16, kept while its rungs run.
const ConvInputs& inputs_for(const NamedConvLayer& layer, bool bf16) {
  static std::map<std::pair<std::string, bool>, std::unique_ptr<ConvInputs>> cache;
  auto& slot = cache[{layer.name, bf16}];
  if (!slot) slot = std::make_unique<ConvInputs>(random_conv_inputs(layer.problem, 7, bf16));
  return *slot;
}

template <typename Element>
void time_rung(benchmark::State& state, const ConvRung& rung, const NamedConvLayer& layer, const BenchEnergy& energy) {
  DeviceConv<Element> tensors(inputs_for(layer, sizeof(Element) == 2), workspace_bytes(rung, layer.problem));
  const ConvArgsOf<Element> args = tensors.args();
  const auto work = [&](cudaStream_t stream) { rung.launch(args, stream); };
  // A failure, in the warm-up too, skips this benchmark only (run_conv catches it).
  const double mean_seconds = time_flushed_iterations(state, work);
  state.counters["TFLOP/s"] = layer.problem.flops() / mean_seconds / 1e12;
  add_energy_counters(state, energy, work, mean_seconds, layer.problem.flops(), "conv");
  const auto key = std::make_pair(layer.name, rung.precision());
  if (rung.kind == RungKind::Vendor) {
    cudnn_seconds()[key] = mean_seconds;
    // Which algorithm cuDNN timed as its fastest here: its choice can differ from the chapter program's.
    const std::string algorithm = cudnn_algorithm_note(layer.problem, rung.precision());
    if (!algorithm.empty()) state.SetLabel(std::string(to_string(rung.precision())) + "; " + algorithm);
  }
  if (cudnn_seconds().count(key)) state.counters["pct_of_cudnn"] = 100.0 * cudnn_seconds()[key] / mean_seconds;
}

void run_conv(benchmark::State& state, const ConvRung& rung, const NamedConvLayer& layer, int compute_capability,
              const BenchEnergy& energy) {
  state.SetLabel(to_string(rung.precision()));  // "fp32 NCHW" or "bf16 NHWC": report.py's tables split on it
  if (const auto reason = unsupported_reason(rung, layer.problem, compute_capability)) {
    state.SkipWithError(reason->c_str());
    return;
  }
  try {
    if (rung.precision() == ConvPrecision::Bf16Nhwc)
      time_rung<__nv_bfloat16>(state, rung, layer, energy);
    else
      time_rung<float>(state, rung, layer, energy);
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
  }
}

/// The named layers' shapes as a JSON list, for the JSON's context: benchmarks/pytorch_conv.py times
/// PyTorch on the same layers without a copy of this table.
std::string layers_json() {
  nlohmann::json layers = nlohmann::json::array();
  for (const NamedConvLayer& layer : named_conv_layers()) {
    nlohmann::json shape = layer.problem;  // common/conv/problem_json.hpp
    shape["name"] = layer.name;
    layers.push_back(shape);
  }
  return layers.dump();
}

/// --help: what this program times and its own flag, then Google Benchmark's flags.
void print_help() {
  std::cout << "bench_conv: times cuDNN and every conv rung on the named layers (`ch10_direct_conv --list`\n"
               "names them; benchmarks/README.md).\n\nOwn flag:\n"
            << energy_flag_help() << "\nGoogle Benchmark's flags:\n";
  benchmark::PrintDefaultHelp();
}

}  // namespace
}  // namespace ladder

int main(int argc, char** argv) {
  if (!ladder::benchmark_out_writable("bench_conv", argc, argv)) return 2;
  benchmark::Initialize(&argc, argv, ladder::print_help);
  ladder::BenchEnergy energy;
  if (!ladder::parse_energy_seconds("bench_conv", argc, argv, energy.seconds)) return 2;
  if (!ladder::device_usable_or_say_why("bench_conv", "the benchmarks need an NVIDIA GPU")) return 1;
  const ladder::DeviceInfo device = ladder::query_device();
  const int compute_capability = device.compute_capability;
  benchmark::AddCustomContext("gpu", device.name);  // record.py checks that one record is one GPU
  benchmark::AddCustomContext("conv_layers", ladder::layers_json());
  ladder::open_bench_energy("bench_conv", device.pci_bus_id, energy);
  // Layer-major order, cuDNN first within a layer, so % of cuDNN is known when each rung runs.
  for (const ladder::NamedConvLayer& layer : ladder::named_conv_layers()) {
    for (const ladder::ConvRung& rung : ladder::conv_registry()) {
      if (rung.kind == ladder::RungKind::Exercise) continue;
      ladder::register_gpu_benchmark("conv/" + rung.name + "/" + layer.name,
                                     [rung, layer, compute_capability, &energy](benchmark::State& state) {
                                       ladder::run_conv(state, rung, layer, compute_capability, energy);
                                     });
    }
  }
  return ladder::run_selected_benchmarks("bench_conv");
}
