#include <algorithm>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/core/atomic_file.hpp"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/energy.hpp"
#include "common/core/host_matrix.hpp"
#include "common/core/rung_runs.cuh"
#include "common/core/table.hpp"
#include "common/gemm/ceilings.cuh"
#include "common/gemm/cublas.cuh"
#include "common/gemm/elements.cuh"
#include "common/gemm/runner.cuh"

namespace ladder {

double gemm_flops(int m, int n, int k) { return 2.0 * m * double(n) * k; }

double gemm_min_bytes(int m, int n, int k, bool reads_c, int element_size) {
  return element_size * (double(m) * k + double(k) * n + double(m) * n * (reads_c ? 2 : 1));
}

namespace {

/// A leading dimension rounded up to a multiple of kMaxLdAlignment floats, or
/// of kBf16LdAlignment bf16 elements.
int padded_ld(int columns, Precision precision = Precision::Fp32) {
  const int multiple = precision == Precision::Bf16 ? kBf16LdAlignment : kMaxLdAlignment;
  return (columns + multiple - 1) / multiple * multiple;
}

/// The inputs of one run at one precision, on host and device. Every matrix is
/// stored with its leading dimension padded (padded_ld), so the vector and
/// cp.async rungs run every size, and all rungs of a precision see the same
/// memory. The device buffers end at the last row: a read or write past it is
/// what compute-sanitizer's memcheck reports. For bf16 the host matrices hold
/// the bf16-rounded values, so the fp64 reference multiplies exactly what the
/// rungs multiply.
template <typename Element>
struct Problem {
  GemmOptions options;
  int lda = 0, ldb = 0, ldc = 0;
  HostMatrix a, b, c0;  // c0: C before the call (random when beta != 0)
  DeviceBuffer<Element> a_device, b_device, c_device;
  std::vector<double> reference;  // empty with --no-check

  GemmArgsOf<Element> args() {
    return {options.m, options.n,       options.k, options.alpha,   options.beta, a_device.data(),
            lda,       b_device.data(), ldb,       c_device.data(), ldc};
  }
};

template <typename Element>
Problem<Element> make_problem(const GemmOptions& options) {
  constexpr Precision precision = precision_of<Element>();
  Problem<Element> problem{options, padded_ld(options.k, precision), padded_ld(options.n, precision),
                           padded_ld(options.n, precision)};
  problem.a = random_matrix(options.m, options.k, options.seed);
  problem.b = random_matrix(options.k, options.n, options.seed + 1);
  problem.c0 = random_matrix(options.m, options.n, options.seed + 2);
  if (precision == Precision::Bf16) {
    problem.a = rounded_to_bf16(std::move(problem.a));
    problem.b = rounded_to_bf16(std::move(problem.b));
    problem.c0 = rounded_to_bf16(std::move(problem.c0));
  }
  const auto stored = [](const HostMatrix& matrix, int ld) {
    return to_elements<Element>(with_row_stride(matrix, ld, 0, poison_value()));
  };
  problem.a_device = DeviceBuffer<Element>(stored(problem.a, problem.lda));
  problem.b_device = DeviceBuffer<Element>(stored(problem.b, problem.ldb));
  problem.c_device = DeviceBuffer<Element>(std::size_t(options.m) * problem.ldc);
  if (options.check)
    problem.reference = cublas_reference_gemm(problem.a, problem.b, &problem.c0, options.alpha, options.beta);
  return problem;
}

/// This run's bf16 problem as cublas_bf16_algorithm_note takes it: the shape,
/// beta and make_problem's leading dimensions; the pointers null, which counts
/// as the 256-byte alignment of make_problem's cudaMalloc'd ones.
Bf16GemmArgs bf16_problem_shape(const GemmOptions& o) {
  const int lda = padded_ld(o.k, Precision::Bf16), ldb = padded_ld(o.n, Precision::Bf16), ldc = ldb;
  return {o.m, o.n, o.k, o.alpha, o.beta, nullptr, lda, nullptr, ldb, nullptr, ldc};
}

template <typename Element>
std::vector<Element> stored_c0(const Problem<Element>& problem) {
  return to_elements<Element>(with_row_stride(problem.c0, problem.ldc, 0, poison_value()));
}

/// C before a checked run: poison when beta == 0, so unwritten elements show;
/// the random C0 otherwise.
template <typename Element>
void reset_output(Problem<Element>& problem) {
  if (problem.options.beta == 0.0f)
    problem.c_device.upload(to_elements<Element>(std::vector<float>(problem.c_device.size(), poison_value())));
  else
    problem.c_device.upload(stored_c0(problem));
}

/// Whether --no-vendor leaves `rung` out: it is cuBLAS.
bool left_out(const GemmRung& rung, const GemmOptions& options) {
  return rung.kind == RungKind::Vendor && !options.vendor;
}

/// Verifies, times and (with a meter) measures the energy of one rung. A
/// launch that fails, a kernel that faults, or a launcher that refuses its
/// arguments (any exception) becomes this rung's failure, not the table's end.
template <typename Element>
RungResult run_rung(const GemmRung& rung, Problem<Element>& problem, const DeviceInfo& device,
                    const EnergyMeter* meter) {
  RungResult result;
  result.rung = rung;
  const GemmArgsOf<Element> args = problem.args();
  if (left_out(rung, problem.options)) {
    result.skip_reason = "not run: --no-vendor";
    return result;
  }
  result.skip_reason = unsupported_reason(rung, args, device.compute_capability);
  if (result.skip_reason) return result;
  const auto work = [&](cudaStream_t stream) { rung.launch(args, stream); };
  const double tolerance = gemm_tolerance(precision_of<Element>(), args.k);
  try {
    reset_output(problem);  // with --no-check too: beta != 0 must not read what the last rung left
    if (problem.options.check) {
      rung.launch(args, nullptr);
      LADDER_CUDA_CHECK(cudaDeviceSynchronize());  // surfaces faults inside the kernel
      const std::vector<float> got = to_floats(problem.c_device.download());
      result.error = compare_to_reference(without_row_stride(got, args.m, args.n, args.ldc), problem.reference,
                                          tolerance, row_col_namer(std::size_t(args.n)));
    }
    if (!problem.options.check) run_once_untimed(work);  // as the check run would: first-call work untimed
    const TimingConfig config{problem.options.warmup, problem.options.repeat, problem.options.flush_l2,
                              problem.options.profiler_ranges};
    result.timing = time_on_gpu(work, config);
    result.tflops = gemm_flops(args.m, args.n, args.k) / (result.timing.median_ms * 1e-3) / 1e12;
    if (meter != nullptr)  // open_energy_meter gives one only for a window > 0
      result.energy = measure_energy(work, *meter, problem.options.energy_seconds, result.timing.median_ms * 1e-3);
  } catch (const std::exception& error) {
    result.failure = error.what();
  }
  return result;
}

/// Runs `rungs` (the vendor rung first) on a fresh problem of this precision.
/// `broken_by` names the rung whose fault left the CUDA context unusable: every
/// later rung, in this table or the next, is reported as not run.
template <typename Element>
std::vector<RungResult> run_table(const std::vector<GemmRung>& rungs, const GemmOptions& options,
                                  const DeviceInfo& device, const EnergyMeter* meter,
                                  std::optional<std::string>& broken_by) {
  const char* precision = to_string(precision_of<Element>());
  std::cerr << "preparing " << precision << " inputs" << (options.check ? " and the fp64 cuBLAS reference" : "")
            << "...\n";
  Problem<Element> problem = make_problem<Element>(options);
  std::vector<RungResult> results =
      run_in_order<RungResult>(rungs, precision, options, broken_by,
                               [&](const GemmRung& rung) { return run_rung(rung, problem, device, meter); });
  set_percent_of_vendor(results, &RungResult::percent_of_cublas);
  return results;
}

void print_two_numbers(const GemmOptions& o, const Ceilings& ceilings) {
  const double flops = gemm_flops(o.m, o.n, o.k), bytes = gemm_min_bytes(o.m, o.n, o.k, o.beta != 0.0f);
  std::cout << "== fp32 on the CUDA cores ==\n";
  const double compute_ms = flops / (ceilings.cublas_tflops * 1e12) * 1e3;
  const double memory_ms = bytes / (ceilings.copy_bandwidth_gbs * 1e9) * 1e3;
  std::cout << "problem: C(" << o.m << "x" << o.n << ") = " << o.alpha << "*A(" << o.m << "x" << o.k << ")*B(" << o.k
            << "x" << o.n << ") + " << o.beta << "*C, fp32, row-major\n";
  if (padded_ld(o.k) != o.k || padded_ld(o.n) != o.n)
    std::cout << "rows stored padded to multiples of " << kMaxLdAlignment << " floats (lda=" << padded_ld(o.k)
              << ", ldb=ldc=" << padded_ld(o.n) << ") so the 16-byte vector rungs run too; every rung gets the same\n";
  std::cout << "work: " << fixed(flops / 1e9, 1) << " GFLOP; least DRAM traffic " << format_bytes(bytes) << " -> "
            << fixed(flops / bytes, 1) << " FLOP/byte\n";
  if (ceilings.cublas_size == 0) {
    std::cout << "(ceilings not measured: --no-ceilings)\n\n";
    return;
  }
  std::cout << "measured ceilings: " << fixed(ceilings.copy_bandwidth_gbs, 0) << " GB/s copy bandwidth, "
            << fixed(ceilings.cublas_tflops, 1) << " TFLOP/s cuBLAS at " << ceilings.cublas_size << "^3\n"
            << "roofline: >= " << fixed(std::max(compute_ms, memory_ms), 3) << " ms ("
            << (compute_ms > memory_ms ? "compute" : "memory") << "-bound: compute " << fixed(compute_ms, 3)
            << " ms, memory " << fixed(memory_ms, 3) << " ms)\n\n";
}

/// The device's FP32 peak in TFLOP/s, printed with its arithmetic; 0 when the
/// architecture's lane count is not known.
double print_fp32_peak(const DeviceInfo& device) {
  const int lanes = fp32_lanes_per_sm(device.compute_capability);
  const double peak = fp32_peak_tflops(device.sm_count, lanes, device.sm_clock_mhz);
  if (lanes == 0) {
    std::cout << "FP32 peak: n/a (FP32 lanes per SM of sm_" << device.compute_capability << " not known here)\n";
    return 0;
  }
  std::cout << "FP32 peak: " << device.sm_count << " SMs x " << lanes << " lanes x 2 FLOP x " << device.sm_clock_mhz
            << " MHz = " << fixed(peak, 1) << " TFLOP/s (at the peak clock the device reports; a GPU under load may "
            << "run slower)\n";
  return peak;
}

/// The table's columns: `first`, then energy (joules per GEMM, GFLOP per joule, the SM clock
/// NVML read during the rung's energy window), the error and the status.
std::vector<std::string> ladder_columns(std::vector<std::string> first) {
  const std::vector<std::string> energy = energy_headers("GEMM");
  first.insert(first.end(), energy.begin(), energy.end());
  first.insert(first.end(), {"rel. error", "status"});
  return first;
}

/// One row: `first` (name and timing cells), then the columns ladder_columns adds; a rung
/// that did not run shows "-" in every cell but its name and status.
void add_ladder_row(Table& table, const RungResult& r, std::vector<std::string> first, double flops) {
  if (r.skip_reason || r.failure) {
    std::vector<std::string> row(first.size() + 4, "-");  // the timing, energy and error cells
    row.front() = first.front();
    row.push_back(r.status());
    table.add_row(row);
    return;
  }
  const std::vector<std::string> energy = energy_cells(r.energy, flops);
  first.insert(first.end(), energy.begin(), energy.end());
  first.insert(first.end(), {r.error ? scientific(r.error->relative_frobenius, 1) : "-", r.status()});
  table.add_row(first);
}

void print_ladder(const std::vector<RungResult>& results, double flops, double fp32_peak) {
  Table table(ladder_columns({"rung", "ms", "TFLOP/s", "% of cuBLAS", "% of FP32 peak"}));
  for (const RungResult& r : results) {
    const std::string of_peak = fp32_peak > 0 ? fixed(100.0 * r.tflops / fp32_peak, 1) + "%" : "n/a";
    const std::string percent = r.percent_of_cublas > 0 ? fixed(r.percent_of_cublas, 1) + "%" : "-";
    add_ladder_row(table, r, {r.rung.name, fixed(r.timing.median_ms, 3), fixed(r.tflops, 2), percent, of_peak}, flops);
  }
  std::cout << "\n";
  table.print(std::cout);
}

/// The bf16 problem's two numbers: the same FLOPs, half the bytes of fp32.
void print_bf16_numbers(const GemmOptions& o, const Ceilings& ceilings) {
  const double flops = gemm_flops(o.m, o.n, o.k), bytes = gemm_min_bytes(o.m, o.n, o.k, o.beta != 0.0f, 2);
  std::cout << "\n== bf16 on the tensor cores: bf16 A, B, C; fp32 accumulation ==\n"
            << "problem: the same shape, inputs rounded to bf16; checked against the fp64 product of those inputs\n"
            << "work: " << fixed(flops / 1e9, 1) << " GFLOP; least DRAM traffic " << format_bytes(bytes) << " -> "
            << fixed(flops / bytes, 1) << " FLOP/byte\n";
  if (ceilings.cublas_bf16_tflops > 0) {
    const double compute_ms = flops / (ceilings.cublas_bf16_tflops * 1e12) * 1e3;
    const double memory_ms = bytes / (ceilings.copy_bandwidth_gbs * 1e9) * 1e3;
    std::cout << "measured ceiling: " << fixed(ceilings.cublas_bf16_tflops, 1) << " TFLOP/s cuBLAS bf16 at "
              << ceilings.cublas_size << "^3; roofline: >= " << fixed(std::max(compute_ms, memory_ms), 3) << " ms ("
              << (compute_ms > memory_ms ? "compute" : "memory") << "-bound)\n";
  }
}

/// The bf16 ladder: every bf16 rung against cuBLAS bf16 and its instruction's
/// peak, then, for scale, cuBLAS fp32 and the fastest correct fp32 rung of
/// this run, as percentages of cuBLAS bf16 (what the tensor cores buy).
void print_bf16_ladder(const std::vector<RungResult>& results, const std::vector<RungResult>& fp32_results,
                       double flops) {
  Table table(ladder_columns({"rung", "ms", "TFLOP/s", "% of cuBLAS bf16", "% of instr. peak"}));
  const RungResult& vendor = results.front();
  const auto add = [&](const RungResult& r, const std::string& name, double percent) {
    add_ladder_row(table, r,
                   {name, fixed(r.timing.median_ms, 3), fixed(r.tflops, 2), percent > 0 ? fixed(percent, 1) + "%" : "-",
                    r.percent_of_instruction > 0 ? fixed(r.percent_of_instruction, 1) + "%" : "-"},
                   flops);
  };
  for (const RungResult& r : results) add(r, r.rung.name, r.percent_of_cublas);
  const RungResult* best_simt = nullptr;
  for (const RungResult& r : fp32_results)
    if (r.rung.kind != RungKind::Vendor && r.passed() && !r.skip_reason && (!best_simt || r.tflops > best_simt->tflops))
      best_simt = &r;
  const auto of_bf16 = [&](const RungResult& r) {
    return vendor.passed() && !vendor.skip_reason ? 100.0 * vendor.timing.median_ms / r.timing.median_ms : 0.0;
  };
  if (!fp32_results.empty() && fp32_results.front().passed())
    add(fp32_results.front(), "(fp32) " + fp32_results.front().rung.name, of_bf16(fp32_results.front()));
  if (best_simt) add(*best_simt, "(fp32, best SIMT) " + best_simt->rung.name, of_bf16(*best_simt));
  table.print(std::cout);
  if (fp32_results.size() <= 1) std::cout << "(the fp32 rungs did not run: --precision all adds the best of them)\n";
}

/// `cublas_bf16_algorithm`: what cublas_bf16_algorithm_note says for this run's
/// bf16 problem (empty: none), recorded with the cuBLAS bf16 entry.
nlohmann::json to_json(const char* program, const DeviceInfo& device, const Ceilings& ceilings, const GemmOptions& o,
                       const std::vector<RungResult>& results, const std::map<std::string, double>& peaks,
                       const std::string& cublas_bf16_algorithm) {
  nlohmann::json rungs = nlohmann::json::array();
  for (const RungResult& r : results) {
    nlohmann::json entry = outcome_json(r);
    if (!r.rung.instruction.empty()) entry["instruction"] = r.rung.instruction;
    const bool is_cublas_bf16 = r.rung.kind == RungKind::Vendor && r.rung.precision() == Precision::Bf16;
    if (is_cublas_bf16 && !cublas_bf16_algorithm.empty()) entry["algorithm"] = cublas_bf16_algorithm;
    if (!r.skip_reason && !r.failure) {
      entry["percent_of_cublas"] = r.percent_of_cublas;  // cuBLAS at the rung's own precision
      if (r.percent_of_instruction > 0) entry["percent_of_instruction_peak"] = r.percent_of_instruction;
    }
    add_energy_json(entry, r.energy, gemm_flops(o.m, o.n, o.k), "gemm");
    rungs.push_back(entry);
  }
  return {{"program", program},
          {"device",
           {{"name", device.name},
            {"compute_capability", device.compute_capability},
            {"sm_count", device.sm_count},
            {"sm_clock_mhz", device.sm_clock_mhz},
            {"fp32_peak_tflops",
             fp32_peak_tflops(device.sm_count, fp32_lanes_per_sm(device.compute_capability), device.sm_clock_mhz)},
            {"memory_clock_mhz", device.memory_clock_mhz},
            {"memory_bus_bits", device.memory_bus_bits},
            {"theoretical_bandwidth_gbs", device.theoretical_bandwidth_gbs()},
            {"l2_bytes", device.l2_bytes},
            {"driver_cuda", cuda_version_string(device.driver_version)},
            {"runtime_cuda", cuda_version_string(device.runtime_version)}}},
          {"ceilings",
           {{"copy_bandwidth_gbs", ceilings.copy_bandwidth_gbs},
            {"cublas_tflops", ceilings.cublas_tflops},
            {"cublas_bf16_tflops", ceilings.cublas_bf16_tflops},
            {"cublas_size", ceilings.cublas_size}}},
          {"instruction_peaks_tflops", peaks},
          {"problem",
           {{"m", o.m},
            {"n", o.n},
            {"k", o.k},
            {"lda", padded_ld(o.k)},  // the fp32 table's; the bf16 table pads rows to 32 bytes
            {"ldb", padded_ld(o.n)},
            {"ldc", padded_ld(o.n)},
            {"bf16_lda", padded_ld(o.k, Precision::Bf16)},
            {"bf16_ldb", padded_ld(o.n, Precision::Bf16)},
            {"bf16_ldc", padded_ld(o.n, Precision::Bf16)},
            {"alpha", o.alpha},
            {"beta", o.beta},
            {"seed", o.seed},
            {"warmup", o.warmup},
            {"repeat", o.repeat}}},
          {"results", rungs}};
}

int run_chapter(const char* program, const GemmOptions& options, const ChapterInfo& chapter) {
  const bool want_fp32 = options.precision != "bf16", want_bf16 = options.precision != "fp32";
  require_known_rungs(gemm_registry(), options.skip_rungs, "--skip-rung");
  const std::vector<GemmRung> fp32_rungs =
      select_rungs(gemm_registry(), options.rungs, options.exercises, Precision::Fp32);
  const std::vector<GemmRung> bf16_rungs =
      select_rungs(gemm_registry(), options.rungs, options.exercises, Precision::Bf16);
  // Only the tables asked for: with --precision bf16 the fp32 one shows cuBLAS alone, for scale.
  std::vector<std::vector<GemmRung>> asked_for;
  if (want_fp32) asked_for.push_back(fp32_rungs);
  if (want_bf16) asked_for.push_back(bf16_rungs);
  require_a_rung_of_ours(asked_for, options);
  // A bf16 table needs a bf16 rung besides cuBLAS: chapters 01-06 print the fp32 table alone.
  const bool run_bf16 = want_bf16 && bf16_rungs.size() > 1;
  if (!device_usable_or_say_why(program, kChapterNeedsGpu)) return 1;
  const DeviceInfo device = query_device();
  std::cout << describe(device) << "\n";
  if (device_bytes_needed(options) > 0.9 * double(device.free_memory)) {
    throw UsageError("--m/--n/--k " + std::to_string(options.m) + "x" + std::to_string(options.n) + "x" +
                     std::to_string(options.k) + ": needs " + format_bytes(device_bytes_needed(options)) +
                     " of device memory, " + format_bytes(double(device.free_memory)) + " is free");
  }
  const TimingConfig config{options.warmup, options.repeat, options.flush_l2};
  Ceilings ceilings;
  if (options.ceilings) {
    std::cerr << "measuring ceilings (copy bandwidth, cuBLAS at 8192^3)...\n";
    ceilings = measure_ceilings(config, run_bf16);
  }
  double fp32_peak = 0;
  if (want_fp32) {
    print_two_numbers(options, ceilings);
    fp32_peak = print_fp32_peak(device);
  }

  // The energy columns read the GPU's total-energy counter (NVML), where there is one.
  const std::unique_ptr<EnergyMeter> meter = open_energy_meter(device.pci_bus_id, options.energy_seconds);
  const EnergyMeter* energy = meter.get();
  std::optional<std::string> broken_by;  // a kernel fault leaves the CUDA context unusable
  // The bf16 table shows cuBLAS fp32 for scale, so it runs even with --precision bf16.
  const std::vector<GemmRung> fp32_selected =
      want_fp32 ? fp32_rungs : std::vector<GemmRung>(fp32_rungs.begin(), fp32_rungs.begin() + 1);
  std::vector<RungResult> fp32_results = run_table<float>(fp32_selected, options, device, energy, broken_by);
  if (want_fp32) print_ladder(fp32_results, gemm_flops(options.m, options.n, options.k), fp32_peak);
  std::vector<RungResult> results = want_fp32 ? fp32_results : std::vector<RungResult>{};
  std::map<std::string, double> peaks;
  std::string cublas_bf16_algorithm;  // which of cuBLASLt's algorithms the bf16 baseline ran
  if (run_bf16) {
    print_bf16_numbers(options, ceilings);
    if (!broken_by && options.peaks) {
      std::vector<std::string> instructions;
      for (const GemmRung& rung : bf16_rungs) instructions.push_back(rung.instruction);
      peaks = measure_instruction_peaks(instructions);
    }
    std::vector<RungResult> bf16_results = run_table<__nv_bfloat16>(bf16_rungs, options, device, energy, broken_by);
    set_percent_of_instruction(bf16_results, peaks);
    std::cout << "\n";
    print_bf16_ladder(bf16_results, want_fp32 ? fp32_results : std::vector<RungResult>{fp32_results.front()},
                      gemm_flops(options.m, options.n, options.k));
    cublas_bf16_algorithm = cublas_bf16_algorithm_note(bf16_problem_shape(options));
    if (!cublas_bf16_algorithm.empty()) std::cout << "cuBLAS bf16: " << cublas_bf16_algorithm << "\n";
    results.insert(results.end(), bf16_results.begin(), bf16_results.end());
  }
  if (!options.json_path.empty())
    write_file_atomically(
        options.json_path,
        to_json(program, device, ceilings, options, results, peaks, cublas_bf16_algorithm).dump(2) + "\n");
  // After the JSON: whatever the hook asks of the GPU, the measurements are already saved.
  if (chapter.after_tables != nullptr && !broken_by) chapter.after_tables(std::cout);
  // --no-vendor's skips were asked for: --fail-on-skip judges the other rungs.
  results.erase(
      std::remove_if(results.begin(), results.end(), [&](const RungResult& r) { return left_out(r.rung, options); }),
      results.end());
  return exit_status_of_run(results, options.fail_on_skip, program);
}

}  // namespace

int gemm_chapter_main(int argc, char** argv, const ChapterInfo& chapter) {
  const char* program = program_name(argc, argv, "gemm");
  std::ostringstream description;
  if (chapter.number > 0) description << "Chapter " << chapter.number << ": ";
  description << chapter.title << ".\nRuns cuBLAS and every rung "
              << (chapter.number > 0 ? "up to this chapter" : "linked into this program")
              << " on one problem: verifies each against an fp64 oracle, times it, prints the ladder.";
  return exit_status_of(program, [&] {
    const GemmOptions options = parse_gemm_options(argc, argv, description.str());
    if (options.list) {
      rung_list(gemm_registry(), options.exercises).print(std::cout);
      return 0;
    }
    return run_chapter(program, options, chapter);
  });
}

}  // namespace ladder
