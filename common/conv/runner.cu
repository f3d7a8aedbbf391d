#include <algorithm>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "common/conv/cudnn.cuh"
#include "common/conv/device_conv.cuh"
#include "common/conv/options.hpp"
#include "common/conv/problem_json.hpp"
#include "common/conv/reference.hpp"
#include "common/conv/runner.cuh"
#include "common/core/atomic_file.hpp"
#include "common/core/cli.hpp"
#include "common/core/cuda_check.cuh"
#include "common/core/device_info.cuh"
#include "common/core/rung_runs.cuh"
#include "common/core/table.hpp"
#include "common/gemm/gemm.cuh"  // measure_instruction_peaks: the tensor-core rungs' % of peak

namespace ladder {

namespace {

/// The share of the free device memory a run may plan on: the rest is left for cuDNN's and
/// cuBLAS's own allocations and for the reference copies.
constexpr double kUsableMemoryShare = 0.8;

/// The fp64 reference outputs of the checked images, for inputs already
/// rounded to the table's precision.
std::vector<double> reference_outputs(const ConvInputs& inputs, const std::vector<int>& images) {
  return reference_conv_nchw_images(inputs.problem, inputs.x_nchw, inputs.w_kcrs, images);
}

/// Verifies, times and (with a meter) measures the energy of one rung. A launch
/// that fails, a kernel that faults, or a launcher that refuses its arguments
/// (any exception) becomes the rung's failure, not the table's end.
template <typename Element>
ConvResult run_rung(const ConvRung& rung, const ConvInputs& inputs, const std::vector<int>& images,
                    const std::vector<double>& reference, const ConvOptions& options, const DeviceInfo& device,
                    const EnergyMeter* meter) {
  ConvResult result;
  result.rung = rung;
  const ConvProblem& problem = inputs.problem;
  result.skip_reason = unsupported_reason(rung, problem, device.compute_capability);
  if (result.skip_reason) return result;
  // A lowering's workspace can outgrow the device where the tensors fit: that rung is skipped, not the run.
  const double workspace = double(workspace_bytes(rung, problem));
  if (problem.min_bytes(sizeof(Element)) + workspace > kUsableMemoryShare * double(device.free_memory)) {
    result.skip_reason = "needs a " + format_bytes(workspace) + " workspace beside the tensors, and " +
                         format_bytes(double(device.free_memory)) + " of device memory is free";
    return result;
  }
  try {
    DeviceConv<Element> tensors(inputs, workspace_bytes(rung, problem));
    if (options.check) {
      const std::vector<float> y = run_conv_once(rung, tensors);  // poisoned before the run
      result.error = compare_to_reference(output_images(problem, y, images), reference, conv_tolerance(rung, problem),
                                          nchw_output_namer(problem, images));
      // The reference covers only some images of a large batch; an element
      // left unwritten anywhere is cheap to find, so every image is searched.
      const auto unwritten = std::count_if(y.begin(), y.end(), [](float value) { return is_poison(value); });
      if (std::size_t(unwritten) > result.error->poison_count) {
        result.failure = std::to_string(unwritten) + " of the " + std::to_string(y.size()) +
                         " output elements were never written (counted in every image, compared or not)";
        return result;
      }
    }
    const ConvArgsOf<Element> args = tensors.args();
    const auto work = [&](cudaStream_t stream) { rung.launch(args, stream); };
    // One untimed call even with --no-check --warmup 0: cuDNN's first call
    // for a layer searches for its fastest algorithm, which must not be timed.
    if (!options.check) run_once_untimed(work);
    const TimingConfig config{options.warmup, options.repeat, options.flush_l2, options.profiler_ranges};
    result.timing = time_on_gpu(work, config);
    result.tflops = problem.flops() / (result.timing.median_ms * 1e-3) / 1e12;
    if (meter != nullptr)  // open_energy_meter gives one only for a window > 0
      result.energy = measure_energy(work, *meter, options.energy_seconds, result.timing.median_ms * 1e-3);
  } catch (const std::exception& error) {
    result.failure = error.what();
  }
  return result;
}

/// One table: cuDNN first, then every rung of this precision, on fresh inputs; a tensor-core
/// rung also as a percentage of its instruction's peak, where `peaks` has it.
template <typename Element>
std::vector<ConvResult> run_table(const std::vector<ConvRung>& rungs, const ConvOptions& options,
                                  const DeviceInfo& device, const std::map<std::string, double>& peaks,
                                  const EnergyMeter* meter, std::optional<std::string>& broken_by) {
  const ConvPrecision precision = sizeof(Element) == 2 ? ConvPrecision::Bf16Nhwc : ConvPrecision::Fp32Nchw;
  const ConvProblem& problem = options.problem;
  const ConvInputs inputs = random_conv_inputs(problem, options.seed, precision == ConvPrecision::Bf16Nhwc);
  const std::vector<int> images = images_to_check(problem);
  std::vector<double> reference;
  if (options.check) {
    std::cerr << "computing the fp64 CPU reference of " << images.size() << " of " << problem.n << " image(s)...\n";
    reference = reference_outputs(inputs, images);
  }
  std::vector<ConvResult> results = run_in_order<ConvResult>(
      rungs, to_string(precision), options, broken_by,
      [&](const ConvRung& rung) { return run_rung<Element>(rung, inputs, images, reference, options, device, meter); });
  set_percent_of_vendor(results, &ConvResult::percent_of_cudnn);
  set_percent_of_instruction(results, peaks);
  return results;
}

void print_problem(const ConvOptions& options) {
  const ConvProblem& p = options.problem;
  std::cout << "problem: " << describe(p) << (options.layer.empty() ? "" : " [from --layer " + options.layer + "]")
            << "\nGEMM view: M = N*P*Q = " << p.gemm_m() << ", N = K = " << p.gemm_n() << ", K = C*R*S = " << p.gemm_k()
            << "\nwork: " << fixed(p.flops() / 1e9, 2) << " GFLOP; least traffic " << format_bytes(p.min_bytes(4))
            << " in fp32 (" << fixed(p.flops() / p.min_bytes(4), 1) << " FLOP/byte), " << format_bytes(p.min_bytes(2))
            << " in bf16\n";
  const std::vector<int> images = images_to_check(p);
  if (options.check && int(images.size()) < p.n)
    std::cout << "checked: images 0 and " << p.n - 1 << " of " << p.n
              << " against the fp64 CPU reference (the whole batch would take too long on the CPU)\n";
}

void print_table(const std::vector<ConvResult>& results, ConvPrecision precision, const ConvProblem& problem) {
  std::cout << "\n== " << to_string(precision)
            << (precision == ConvPrecision::Bf16Nhwc ? ", fp32 accumulation (tensor cores) ==\n"
                                                     : " (CUDA cores) ==\n");
  // The tensor-core table also divides by the instruction's measured peak (chapter 08's mma_peak).
  const bool peak_column = precision == ConvPrecision::Bf16Nhwc;
  std::vector<std::string> header = {"rung", "ms", "TFLOP/s", "% of cuDNN"};
  if (peak_column) header.push_back("% of instr. peak");
  const std::vector<std::string> energy_columns = energy_headers("conv");
  header.insert(header.end(), energy_columns.begin(), energy_columns.end());
  header.insert(header.end(), {"rel. error", "status"});
  Table table(header);
  const auto percent = [](double value) { return value > 0 ? fixed(value, 1) + "%" : std::string("-"); };
  for (const ConvResult& r : results) {
    const bool ran = !r.skip_reason && !r.failure;
    // cuDNN's row names the algorithm it chose; the line under the table says more.
    const std::string algorithm = r.rung.kind == RungKind::Vendor ? cudnn_algorithm_name(problem, precision) : "";
    const std::string name = algorithm.empty() ? r.rung.name : r.rung.name + " (" + algorithm + ")";
    std::vector<std::string> row = {name, ran ? fixed(r.timing.median_ms, 3) : "-", ran ? fixed(r.tflops, 2) : "-",
                                    percent(r.percent_of_cudnn)};
    if (peak_column) row.push_back(percent(r.percent_of_instruction));
    const std::vector<std::string> energy =
        ran ? energy_cells(r.energy, problem.flops()) : std::vector<std::string>(3, "-");
    row.insert(row.end(), energy.begin(), energy.end());
    row.push_back(ran && r.error ? scientific(r.error->relative_frobenius, 1) : "-");
    row.push_back(r.status());
    table.add_row(row);
  }
  table.print(std::cout);
}

nlohmann::json to_json(const char* program, const DeviceInfo& device, const ConvOptions& options,
                       const std::vector<ConvResult>& results, const std::map<std::string, double>& peaks) {
  const ConvProblem& p = options.problem;
  nlohmann::json rungs = nlohmann::json::array();
  for (const ConvResult& r : results) {
    nlohmann::json entry = outcome_json(r);
    if (!r.skip_reason && !r.failure) entry["percent_of_cudnn"] = r.percent_of_cudnn;
    if (!r.rung.instruction.empty()) entry["instruction"] = r.rung.instruction;
    if (r.percent_of_instruction > 0) entry["percent_of_instruction_peak"] = r.percent_of_instruction;
    if (r.rung.kind == RungKind::Vendor) entry["algorithm"] = cudnn_algorithm_note(p, r.rung.precision());
    if (r.rung.choice != nullptr) entry["choice"] = r.rung.choice(p);
    add_energy_json(entry, r.energy, p.flops(), "conv");
    rungs.push_back(entry);
  }
  nlohmann::json problem = p;  // the shape (problem_json.hpp), then what this run did with it
  problem.update({{"layer", options.layer}, {"flops", p.flops()}, {"seed", options.seed}, {"repeat", options.repeat}});
  return {{"program", program},
          {"device", {{"name", device.name}, {"compute_capability", device.compute_capability}}},
          {"problem", problem},
          {"instruction_peaks_tflops", peaks},
          {"results", rungs}};
}

void list_rungs_and_layers(const ConvOptions& options) {
  rung_list(conv_registry(), options.exercises).print(std::cout);
  std::cout << "\n";
  Table layers({"--layer", "problem", "GFLOP", "from"});
  for (const NamedConvLayer& layer : named_conv_layers())
    layers.add_row({layer.name, describe(layer.problem), fixed(layer.problem.flops() / 1e9, 2), layer.origin});
  layers.print(std::cout);
}

int run_chapter(const char* program, const ConvOptions& options) {
  const bool want_fp32 = options.precision != "bf16", want_bf16 = options.precision != "fp32";
  require_known_rungs(conv_registry(), options.skip_rungs, "--skip-rung");
  const std::vector<ConvRung> fp32_rungs =
      select_rungs(conv_registry(), options.rungs, options.exercises, ConvPrecision::Fp32Nchw);
  const std::vector<ConvRung> bf16_rungs =
      select_rungs(conv_registry(), options.rungs, options.exercises, ConvPrecision::Bf16Nhwc);
  std::vector<std::vector<ConvRung>> asked_for;
  if (want_fp32) asked_for.push_back(fp32_rungs);
  if (want_bf16) asked_for.push_back(bf16_rungs);
  require_a_rung_of_ours(asked_for, options);
  if (!device_usable_or_say_why(program, kChapterNeedsGpu)) return 1;
  const DeviceInfo device = query_device();
  std::cout << describe(device) << "\n";
  const ConvProblem& p = options.problem;
  // The tensors themselves must fit; each rung's workspace is weighed when its turn comes (run_rung).
  if (p.min_bytes(4) > kUsableMemoryShare * double(device.free_memory))
    throw UsageError(describe(p) + ": its tensors need " + format_bytes(p.min_bytes(4)) + " of device memory, " +
                     format_bytes(double(device.free_memory)) + " is free");
  print_problem(options);
  // The energy columns read the GPU's total-energy counter (NVML), where there is one.
  const std::unique_ptr<EnergyMeter> meter = open_energy_meter(device.pci_bus_id, options.energy_seconds);

  std::optional<std::string> broken_by;  // a kernel fault leaves the CUDA context unusable
  std::vector<ConvResult> results;
  std::map<std::string, double> peaks;
  const auto run_precision = [&](auto element, const std::vector<ConvRung>& rungs, ConvPrecision precision) {
    using Element = decltype(element);
    if (precision == ConvPrecision::Bf16Nhwc && options.peaks && !broken_by) {
      std::vector<std::string> instructions;
      for (const ConvRung& rung : rungs) instructions.push_back(rung.instruction);
      peaks = measure_instruction_peaks(instructions);
    }
    std::vector<ConvResult> table = run_table<Element>(rungs, options, device, peaks, meter.get(), broken_by);
    print_table(table, precision, p);
    const std::string note = cudnn_algorithm_note(p, precision);
    if (!note.empty()) std::cout << "cuDNN: " << note << "\n";
    for (const ConvResult& r : table)
      if (r.rung.choice != nullptr && !r.rung.choice(p).empty())
        std::cout << r.rung.name << ": " << r.rung.choice(p) << "\n";
    results.insert(results.end(), table.begin(), table.end());
  };
  // A table needs a rung of ours besides cuDNN.
  if (want_fp32 && fp32_rungs.size() > 1) run_precision(float{}, fp32_rungs, ConvPrecision::Fp32Nchw);
  if (want_bf16 && bf16_rungs.size() > 1) run_precision(__nv_bfloat16{}, bf16_rungs, ConvPrecision::Bf16Nhwc);
  if (!options.json_path.empty())
    write_file_atomically(options.json_path, to_json(program, device, options, results, peaks).dump(2) + "\n");
  return exit_status_of_run(results, options.fail_on_skip, program);
}

}  // namespace

int conv_chapter_main(int argc, char** argv, const ChapterInfo& chapter) {
  const char* program = program_name(argc, argv, "conv");
  std::ostringstream description;
  if (chapter.number > 0) description << "Chapter " << chapter.number << ": ";
  description << chapter.title << ".\nRuns cuDNN and every conv rung "
              << (chapter.number > 0 ? "up to this chapter" : "linked into this program")
              << " on one layer: verifies each against the fp64 CPU reference, times it, prints the conv ladder.";
  return exit_status_of(program, [&] {
    const ConvOptions options = parse_conv_options(argc, argv, description.str());
    if (options.list) {
      list_rungs_and_layers(options);
      return 0;
    }
    return run_chapter(program, options);
  });
}

}  // namespace ladder
