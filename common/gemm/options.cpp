#include "common/gemm/options.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/core/cli_parse.hpp"

namespace ladder {

namespace {

void add_flags(CLI::App& app, GemmOptions& options) {
  const CLI::Validator dimension = whole_number(1, kMaxDimension, "1..2^20");
  app.add_option("--m", options.m, "rows of A and C")->transform(dimension)->capture_default_str();
  app.add_option("--n", options.n, "columns of B and C")->transform(dimension)->capture_default_str();
  app.add_option("--k", options.k, "columns of A, rows of B (the reduction length)")
      ->transform(dimension)
      ->capture_default_str();
  app.add_option("--alpha", options.alpha, "C = alpha*A*B + beta*C")->capture_default_str();
  app.add_option("--beta", options.beta, "C = alpha*A*B + beta*C (0: C is not read)")->capture_default_str();
  add_run_flags(app, options,
                {"cuBLAS", "the double-precision oracle",
                 "all, fp32 (the CUDA-core rungs) or bf16 (the tensor-core rungs; the bf16 table still shows cuBLAS "
                 "fp32 for comparison)",
                 "list the rungs in this executable and exit"});
  app.add_flag_callback(
      "--no-ceilings", [&options] { options.ceilings = false; },
      "skip measuring copy bandwidth and cuBLAS peak (the roofline line); for quick or sanitizer runs");
  app.add_flag_callback(
      "--no-vendor", [&options] { options.vendor = false; },
      "run no cuBLAS rung (its rows say skipped, the % of cuBLAS columns stay empty, and --fail-on-skip does not "
      "count them); for racecheck and synccheck runs, which judge our kernels only, and on the H200 could not run "
      "one of cuBLAS's bf16 kernels");
}

}  // namespace

GemmOptions parse_gemm_options(int argc, const char* const* argv, const std::string& description) {
  GemmOptions options;
  CLI::App app(description, argc > 0 ? argv[0] : "gemm");
  add_flags(app, options);
  app.footer("Sizes are limited to 2^20 per dimension and 2^31 elements per matrix: kernels index with 32-bit ints.\n" +
             run_exit_statuses());
  parse_or_throw(app, argc, argv);
  if (!std::isfinite(options.alpha) || !std::isfinite(options.beta))
    throw UsageError("--alpha and --beta must be finite numbers");
  validate_problem_size(options, host_memory_bytes());
  return options;
}

double host_bytes_needed(const GemmOptions& o) {
  const double a = double(o.m) * o.k, b = double(o.k) * o.n, c = double(o.m) * o.n;
  // fp32 A, B, C and a copy of C; with checking, double copies for the oracle and its result.
  return 4 * (a + b + 2 * c) + (o.check ? 8 * (a + b + 2 * c) : 0);
}

double device_bytes_needed(const GemmOptions& o) {
  const double a = double(o.m) * o.k, b = double(o.k) * o.n, c = double(o.m) * o.n;
  // fp32 and bf16 copies of A, B and C (the bf16 table runs beside the fp32 one).
  return (4 + 2) * (a + b + c) + (o.check ? 8 * (a + b + c) : 0);
}

void validate_problem_size(const GemmOptions& o, double host_memory) {
  // Rows are stored with the padded stride the runner uses: the wider one of
  // the two tables, bf16's (kBf16LdAlignment elements; fp32 pads to fewer).
  static_assert(kBf16LdAlignment % kMaxLdAlignment == 0, "bf16's padding covers fp32's");
  const auto check_elements = [](const char* matrix, const char* flags, double rows, double cols) {
    const double stride = std::ceil(cols / kBf16LdAlignment) * kBf16LdAlignment;
    if (rows * stride >= 2147483648.0) {
      std::ostringstream why;
      why << flags << ": " << matrix << " would have " << rows * cols
          << " elements; the kernels index with 32-bit ints, so each matrix must have fewer than 2^31";
      throw UsageError(why.str());
    }
  };
  check_elements("A (m x k)", "--m/--k", o.m, o.k);
  check_elements("B (k x n)", "--k/--n", o.k, o.n);
  check_elements("C (m x n)", "--m/--n", o.m, o.n);
  const double needed = host_bytes_needed(o);
  if (host_memory > 0 && needed > 0.8 * host_memory) {
    throw UsageError("--m/--n/--k " + std::to_string(o.m) + "x" + std::to_string(o.n) + "x" + std::to_string(o.k) +
                     ": needs " + format_bytes(needed) + " of host memory, this machine has " +
                     format_bytes(host_memory));
  }
}

}  // namespace ladder
