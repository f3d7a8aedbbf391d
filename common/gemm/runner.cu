#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/core/atomic_file.hpp"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/energy.hpp"
#include "common/core/host_matrix.hpp"
#include "common/core/table.hpp"
#include "common/gemm/ceilings.cuh"
#include "common/gemm/cublas.cuh"
#include "common/gemm/reference.hpp"
#include "common/gemm/runner.cuh"

namespace ladder {

double gemm_flops(int m, int n, int k) { return 2.0 * m * double(n) * k; }

double gemm_min_bytes(int m, int n, int k, bool reads_c) {
  return sizeof(float) * (double(m) * k + double(k) * n + double(m) * n * (reads_c ? 2 : 1));
}

std::string RungResult::status() const {
  if (skip_reason) return "skipped: " + *skip_reason;
  if (failure) return "FAIL: " + *failure;
  if (!error) return "not checked";
  return error->passed() ? "ok" : "FAIL: " + error->describe();
}

namespace {

/// A leading dimension rounded up to a multiple of kMaxLdAlignment floats.
int padded_ld(int columns) { return (columns + kMaxLdAlignment - 1) / kMaxLdAlignment * kMaxLdAlignment; }

/// The inputs of one run, on host and device. Every matrix is stored with its
/// leading dimension padded to kMaxLdAlignment floats, so the float4 and
/// cp.async rungs (which need 16-byte aligned rows) run every size, and all
/// rungs see the same memory. The device buffers end at the last row: a read
/// or write past it is what compute-sanitizer's memcheck reports.
struct Problem {
  GemmOptions options;
  int lda = 0, ldb = 0, ldc = 0;
  HostMatrix a, b, c0;  // c0: C before the call (random when beta != 0)
  DeviceBuffer<float> a_device, b_device, c_device;
  std::vector<double> reference;  // empty with --no-check

  GemmArgs args() {
    return {options.m, options.n,       options.k, options.alpha,   options.beta, a_device.data(),
            lda,       b_device.data(), ldb,       c_device.data(), ldc};
  }
};

Problem make_problem(const GemmOptions& options) {
  Problem problem{options, padded_ld(options.k), padded_ld(options.n), padded_ld(options.n)};
  problem.a = random_matrix(options.m, options.k, options.seed);
  problem.b = random_matrix(options.k, options.n, options.seed + 1);
  problem.c0 = random_matrix(options.m, options.n, options.seed + 2);
  problem.a_device = DeviceBuffer<float>(with_row_stride(problem.a, problem.lda, 0, poison_value()));
  problem.b_device = DeviceBuffer<float>(with_row_stride(problem.b, problem.ldb, 0, poison_value()));
  problem.c_device = DeviceBuffer<float>(std::size_t(options.m) * problem.ldc);
  if (options.check)
    problem.reference = cublas_reference_gemm(problem.a, problem.b, &problem.c0, options.alpha, options.beta);
  return problem;
}

/// C before a checked run: poison when beta == 0, so unwritten elements show;
/// the random C0 otherwise.
void reset_output(Problem& problem) {
  if (problem.options.beta == 0.0f)
    problem.c_device.upload(std::vector<float>(problem.c_device.size(), poison_value()));
  else
    problem.c_device.upload(with_row_stride(problem.c0, problem.ldc, 0, poison_value()));
}

/// Verifies, times and (with a meter) measures the energy of one rung. A
/// launch that fails or a kernel that faults becomes this rung's failure.
RungResult run_rung(const GemmRung& rung, Problem& problem, const DeviceInfo& device, const EnergyMeter* meter) {
  RungResult result{rung};
  GemmArgs args = problem.args();
  result.skip_reason = unsupported_reason(rung, args, device.compute_capability);
  if (result.skip_reason) return result;
  const auto work = [&](cudaStream_t stream) { rung.launch(args, stream); };
  try {
    if (problem.options.check) {
      reset_output(problem);
      rung.launch(args, nullptr);
      LADDER_CUDA_CHECK(cudaDeviceSynchronize());  // surfaces faults inside the kernel
      result.error = compare_to_reference(without_row_stride(problem.c_device.download(), args.m, args.n, args.ldc),
                                          problem.reference, fp32_gemm_tolerance(args.k));
    }
    const TimingConfig config{problem.options.warmup, problem.options.repeat, problem.options.flush_l2};
    result.timing = time_on_gpu(work, config);
    result.tflops = gemm_flops(args.m, args.n, args.k) / (result.timing.median_ms * 1e-3) / 1e12;
    if (meter != nullptr && problem.options.energy_seconds > 0)
      result.energy = measure_energy(work, *meter, problem.options.energy_seconds, result.timing.median_ms * 1e-3);
  } catch (const CudaError& error) {
    result.failure = error.what();
  }
  return result;
}

std::vector<GemmRung> select_rungs(const GemmOptions& options) {
  std::vector<GemmRung> selected;
  for (const GemmRung& rung : gemm_registry()) {
    if (rung.kind == RungKind::Exercise && !options.exercises) continue;
    const bool named = std::find(options.rungs.begin(), options.rungs.end(), rung.name) != options.rungs.end();
    if (rung.kind == RungKind::Vendor || options.rungs.empty() || named) selected.push_back(rung);
  }
  for (const std::string& name : options.rungs)
    if (!find_gemm(name)) throw UsageError("--rung " + name + ": no such rung in this executable (see --list)");
  return selected;
}

void print_two_numbers(const GemmOptions& o, const Ceilings& ceilings) {
  const double flops = gemm_flops(o.m, o.n, o.k), bytes = gemm_min_bytes(o.m, o.n, o.k, o.beta != 0.0f);
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

void print_ladder(const std::vector<RungResult>& results, double flops, double fp32_peak) {
  Table table({"rung", "ms", "TFLOP/s", "% of cuBLAS", "% of FP32 peak", "J/GEMM", "GFLOP/J", "rel. error", "status"});
  for (const RungResult& r : results) {
    if (r.skip_reason || r.failure) {
      table.add_row({r.rung.name, "-", "-", "-", "-", "-", "-", "-", r.status()});
      continue;
    }
    const std::string of_peak = fp32_peak > 0 ? fixed(100.0 * r.tflops / fp32_peak, 1) + "%" : "n/a";
    const std::string joules = r.energy ? scientific(r.energy->joules_per_run, 2) : "n/a";
    const std::string flops_per_joule = r.energy ? fixed(flops / r.energy->joules_per_run / 1e9, 1) : "n/a";
    const std::string percent = r.percent_of_cublas > 0 ? fixed(r.percent_of_cublas, 1) + "%" : "-";
    table.add_row({r.rung.name, fixed(r.timing.median_ms, 3), fixed(r.tflops, 2), percent, of_peak, joules,
                   flops_per_joule, r.error ? scientific(r.error->relative_frobenius, 1) : "-", r.status()});
  }
  table.print(std::cout);
}

nlohmann::json to_json(const char* program, const DeviceInfo& device, const Ceilings& ceilings, const GemmOptions& o,
                       const std::vector<RungResult>& results) {
  nlohmann::json rungs = nlohmann::json::array();
  for (const RungResult& r : results) {
    nlohmann::json entry = {
        {"name", r.rung.name}, {"chapter", r.rung.chapter}, {"kind", to_string(r.rung.kind)}, {"status", r.status()}};
    if (!r.skip_reason && !r.failure) {
      entry["median_ms"] = r.timing.median_ms;
      entry["min_ms"] = r.timing.min_ms;
      entry["max_ms"] = r.timing.max_ms;
      entry["tflops"] = r.tflops;
      entry["percent_of_cublas"] = r.percent_of_cublas;
    }
    if (r.energy) {
      entry["joules_per_gemm"] = r.energy->joules_per_run;
      entry["gflop_per_joule"] = gemm_flops(o.m, o.n, o.k) / r.energy->joules_per_run / 1e9;
      entry["energy_runs"] = r.energy->runs;
      entry["energy_seconds"] = r.energy->seconds;
    }
    if (r.error) {
      entry["relative_error"] = r.error->relative_frobenius;
      entry["max_abs_error"] = r.error->max_abs;
      entry["passed"] = r.error->passed();
    }
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
            {"driver_cuda", cuda_version_string(device.driver_version)},
            {"runtime_cuda", cuda_version_string(device.runtime_version)}}},
          {"ceilings",
           {{"copy_bandwidth_gbs", ceilings.copy_bandwidth_gbs},
            {"cublas_tflops", ceilings.cublas_tflops},
            {"cublas_size", ceilings.cublas_size}}},
          {"problem",
           {{"m", o.m},
            {"n", o.n},
            {"k", o.k},
            {"lda", padded_ld(o.k)},
            {"ldb", padded_ld(o.n)},
            {"ldc", padded_ld(o.n)},
            {"alpha", o.alpha},
            {"beta", o.beta},
            {"seed", o.seed},
            {"warmup", o.warmup},
            {"repeat", o.repeat}}},
          {"results", rungs}};
}

void list_rungs(const GemmOptions& options) {
  Table table({"rung", "chapter", "kind", "idea"});
  for (const GemmRung& rung : gemm_registry())
    if (rung.kind != RungKind::Exercise || options.exercises)
      table.add_row({rung.name, std::to_string(rung.chapter), to_string(rung.kind), rung.summary});
  table.print(std::cout);
}

int run_chapter(const char* program, const GemmOptions& options) {
  const std::vector<GemmRung> rungs = select_rungs(options);
  if (const auto reason = no_device_reason()) {
    std::cerr << program << ": " << *reason << "; this program needs an NVIDIA GPU (the CPU tests run without one: "
              << "ctest -L cpu)\n";
    return 1;
  }
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
    ceilings = measure_ceilings(config);
  }
  print_two_numbers(options, ceilings);
  const double fp32_peak = print_fp32_peak(device);

  // The energy columns read the GPU's total-energy counter (NVML), where there is one.
  std::optional<EnergyMeter> meter;
  if (options.energy_seconds > 0) {
    meter.emplace(device.pci_bus_id);
    if (meter->available())
      std::cout << "energy: NVML's total-energy counter (whole board) over >= " << options.energy_seconds
                << " s of back-to-back runs per rung, no L2 flush\n\n";
    else
      std::cout << "energy: n/a (" << meter->unavailable_reason() << ")\n\n";
  }

  std::cerr << "preparing inputs" << (options.check ? " and the fp64 cuBLAS reference" : "") << "...\n";
  Problem problem = make_problem(options);
  std::vector<RungResult> results;
  std::optional<std::string> broken_by;  // a kernel fault leaves the CUDA context unusable
  for (std::size_t i = 0; i < rungs.size(); ++i) {
    std::cerr << "[" << i + 1 << "/" << rungs.size() << "] " << rungs[i].name << "\n";
    if (broken_by) {
      RungResult skipped{rungs[i]};
      skipped.skip_reason = "not run: " + *broken_by + " left the CUDA context unusable";
      results.push_back(skipped);
      continue;
    }
    results.push_back(run_rung(rungs[i], problem, device, meter && meter->available() ? &*meter : nullptr));
    // A bad launch configuration is reported and cleared; a fault inside a
    // kernel (an illegal address, say) is sticky and fails every later call.
    if (results.back().failure && cudaDeviceSynchronize() != cudaSuccess) broken_by = rungs[i].name;
  }
  const RungResult& vendor = results.front();  // the vendor rung sorts first
  for (RungResult& r : results)
    if (vendor.passed() && !r.skip_reason && !r.failure)
      r.percent_of_cublas = 100.0 * vendor.timing.median_ms / r.timing.median_ms;
  print_ladder(results, gemm_flops(options.m, options.n, options.k), fp32_peak);
  if (!options.json_path.empty())
    write_file_atomically(options.json_path, to_json(program, device, ceilings, options, results).dump(2) + "\n");
  const auto skipped = std::count_if(results.begin(), results.end(), [](const RungResult& r) { return r.skip_reason; });
  const bool all_ok =
      std::all_of(results.begin(), results.end(), [](const RungResult& r) { return r.skip_reason || r.passed(); });
  if (options.fail_on_skip && skipped > 0)
    std::cerr << program << ": " << skipped << " rung(s) skipped, and --fail-on-skip makes that a failure\n";
  return all_ok && !(options.fail_on_skip && skipped > 0) ? 0 : 1;
}

}  // namespace

int gemm_chapter_main(int argc, char** argv, const ChapterInfo& chapter) {
  const char* program = argc > 0 ? argv[0] : "gemm";
  if (const char* slash = std::strrchr(program, '/')) program = slash + 1;
  std::ostringstream description;
  if (chapter.number > 0) description << "Chapter " << chapter.number << ": ";
  description << chapter.title
              << ".\nRuns cuBLAS and every rung up to this chapter on one problem: verifies each against an fp64 "
                 "oracle, times it, prints the ladder.";
  try {
    const GemmOptions options = parse_gemm_options(argc, argv, description.str());
    if (options.list) {
      list_rungs(options);
      return 0;
    }
    return run_chapter(program, options);
  } catch (const HelpRequested& help) {
    std::cout << help.what();
    return 0;
  } catch (const UsageError& error) {
    std::cerr << program << ": " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << program << ": " << error.what() << "\n";
    return 1;
  }
}

}  // namespace ladder
