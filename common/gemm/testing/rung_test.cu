#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <random>

#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/exercise_tests.hpp"
#include "common/core/host_matrix.hpp"
#include "common/core/metrics.hpp"
#include "common/gemm/cublas.cuh"
#include "common/gemm/elements.cuh"
#include "common/gemm/options.hpp"
#include "common/gemm/reference.hpp"
#include "common/gemm/testing/rung_test.cuh"

namespace ladder::testing {

namespace {

/// Fresh inputs every run; LADDER_TEST_SEED=N reproduces a failing run.
std::uint64_t test_seed() {
  if (const char* fixed_seed = std::getenv("LADDER_TEST_SEED")) return std::strtoull(fixed_seed, nullptr, 10);
  return std::random_device{}();
}

/// Above this many multiply-adds the CPU reference is too slow; cuBLAS DGEMM takes over.
constexpr double kCpuReferenceLimit = 2e9;

/// Rows of poison after each matrix: one whole block tile of the tallest rung
/// (08d's 256 rows), so a read or write past the last row lands in them, not in
/// unowned memory.
constexpr int kGuardRows = 256;

/// A matrix stored with row stride `ld`, followed by kGuardRows rows; the
/// padding columns and the guard rows hold poison.
template <typename Element>
std::vector<Element> padded(const HostMatrix& matrix, int ld) {
  return to_elements<Element>(with_row_stride(matrix, ld, kGuardRows, poison_value()));
}

/// How many elements outside the rows x cols matrix (its padding columns and the
/// guard rows after it) differ, bit for bit, between before and after.
template <typename Element>
int changed_outside(const std::vector<Element>& before, const std::vector<Element>& after, int rows, int cols, int ld) {
  int changed = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    const bool inside = int(i / ld) < rows && int(i % ld) < cols;
    changed += !inside && std::memcmp(&before[i], &after[i], sizeof(Element)) != 0;
  }
  return changed;
}

}  // namespace

std::vector<GemmCase> gemm_cases(int chapter, RungKind kind) {
  const int shapes[][3] = {
      {1, 1, 1},
      {17, 33, 65},
      {64, 64, 64},  // tiny, ragged, one whole small tile
      {31, 33, 9},
      {63, 65, 31},
      {127, 129, 7},
      {129, 127, 17},  // one less / one more than 32, 64, 128 tiles
      {256, 256, 4},   // whole tiles, a single partial k-tile
      {513, 257, 129},
      {1000, 1234, 777},
      {2048, 2048, 2048},
      {2305, 2565, 1031},      // ragged, and 209 tiles of 128 x 256: most persistent CTAs take two
      {kMaxDimension, 3, 5}};  // tall: 2^20 rows overflow gridDim.y (65,535) for tiles of 16 rows or fewer
  std::vector<GemmCase> cases;
  for (const GemmRung& rung : gemm_registry()) {
    if (rung.chapter != chapter || rung.kind != kind) continue;
    const int ld_align = std::max(1, rung.requirements.alignment_bytes / element_bytes(rung.precision()));
    for (const auto& shape : shapes)
      cases.push_back({rung.name, shape[0], shape[1], shape[2], 1.0f, 0.0f, 0, ld_align});
    cases.push_back({rung.name, 17, 33, 65, 1.5f, -0.75f, 0, ld_align});
    cases.push_back({rung.name, 513, 257, 129, -0.5f, 2.0f, 0, ld_align});
    cases.push_back({rung.name, 33, 65, 17, 1.0f, 0.5f, /*pad=*/3, ld_align});
    cases.push_back({rung.name, 127, 129, 7, -0.5f, 2.0f, /*pad=*/5, ld_align});
    // Whole 16 x 16 tiles with scaling and padding: rungs that take only
    // multiples of 16 (WMMA straight from global) get their beta path tested too.
    cases.push_back({rung.name, 64, 48, 32, 1.5f, -0.75f, 0, ld_align});
    cases.push_back({rung.name, 96, 64, 48, -0.5f, 2.0f, /*pad=*/16, ld_align});
    if (rung.launch_b_n_by_k == nullptr) continue;
    // B stored n x k: m, n and k all different, so a swapped dimension shows; edges in every one.
    // The last has more 128 x 256 tiles (180) than an H200 has SMs, so a persistent CTA takes two.
    for (const auto& shape :
         {std::array{17, 33, 65}, std::array{129, 127, 17}, std::array{1000, 1234, 777}, std::array{2304, 2560, 1088}})
      cases.push_back({rung.name, shape[0], shape[1], shape[2], 1.0f, 0.0f, 0, ld_align, /*b_n_by_k=*/true});
    cases.push_back({rung.name, 127, 129, 7, -0.5f, 2.0f, /*pad=*/5, ld_align, /*b_n_by_k=*/true});
  }
  return cases;
}

void PrintTo(const GemmCase& c, std::ostream* out) {
  *out << c.rung << " " << c.m << "x" << c.n << "x" << c.k << " alpha=" << c.alpha << " beta=" << c.beta
       << " pad=" << c.pad << " ld_align=" << c.ld_align << (c.b_n_by_k ? " B n x k" : "");
}

std::string gemm_case_name(const ::testing::TestParamInfo<GemmCase>& info) {
  const GemmCase& c = info.param;
  std::string name = c.rung + "_" + std::to_string(c.m) + "x" + std::to_string(c.n) + "x" + std::to_string(c.k) +
                     "_alpha" + std::to_string(c.alpha) + "_beta" + std::to_string(c.beta) + "_pad" +
                     std::to_string(c.pad) + "_ld" + std::to_string(c.ld_align) + (c.b_n_by_k ? "_B_n_by_k" : "");
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

bool gpu_required() {
  const char* value = std::getenv("LADDER_REQUIRE_GPU");
  return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
}

namespace {

/// check_gemm_case for a rung of this element type: bf16 rungs get
/// bf16-rounded inputs, so the fp64 reference multiplies what they multiply,
/// and the bf16 tolerance.
template <typename Element>
void check_case(const GemmRung& rung, const GemmCase& test_case) {
  const int m = test_case.m, n = test_case.n, k = test_case.k, pad = test_case.pad;
  const auto round_up = [&](int ld) { return (ld + test_case.ld_align - 1) / test_case.ld_align * test_case.ld_align; };
  const int lda = round_up(k + pad), ldb = round_up(n + pad), ldc = round_up(n + pad);
  const std::uint64_t seed = test_seed();
  SCOPED_TRACE("inputs from seed " + std::to_string(seed) + " (rerun with LADDER_TEST_SEED=" + std::to_string(seed) +
               ")");
  constexpr bool bf16 = precision_of<Element>() == Precision::Bf16;
  const auto input = [&](int rows, int cols, std::uint64_t matrix_seed) {
    HostMatrix matrix = random_matrix(rows, cols, matrix_seed);
    return bf16 ? rounded_to_bf16(std::move(matrix)) : matrix;
  };
  const HostMatrix a = input(m, k, seed), b = input(k, n, seed + 1), c0 = input(m, n, seed + 2);

  DeviceBuffer<Element> a_device(padded<Element>(a, lda)), b_device(padded<Element>(b, ldb));
  // B stored n x k: the same matrix transposed in memory, its rows k long (+ pad, rounded up).
  const int ldb_n_by_k = round_up(k + pad);
  DeviceBuffer<Element> b_n_by_k_device(test_case.b_n_by_k ? padded<Element>(transposed(b), ldb_n_by_k)
                                                           : std::vector<Element>());
  // beta == 0: C starts as poison (NaN), which must be overwritten, never read.
  // Reading past the matrices (A's or B's padding or guard rows) puts NaN in C;
  // writing past C changes its padding or guard rows.
  const std::vector<Element> c_before =
      test_case.beta == 0.0f
          ? to_elements<Element>(std::vector<float>(std::size_t(m + kGuardRows) * ldc, poison_value()))
          : padded<Element>(c0, ldc);
  DeviceBuffer<Element> c_device(c_before);
  GemmArgsOf<Element> args{
      m, n, k, test_case.alpha, test_case.beta, a_device.data(), lda, b_device.data(), ldb, c_device.data(), ldc};
  const int compute_capability = query_device().compute_capability;
  if (const auto reason = unsupported_reason(rung, args, compute_capability))
    GTEST_SKIP() << test_case.rung << " does not support this case: " << *reason;

  if constexpr (bf16) {
    if (test_case.b_n_by_k) {  // the requirements asked of B k x n hold for it too: same rounding, same alignment
      args.b = b_n_by_k_device.data();
      args.ldb = ldb_n_by_k;
      rung.launch_b_n_by_k(args, nullptr);
    } else {
      rung.launch(args, nullptr);
    }
  } else {
    rung.launch(args, nullptr);
  }
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess) << "the kernel faulted";
  const std::vector<Element> c_after = c_device.download();
  EXPECT_EQ(changed_outside(c_before, c_after, m, n, ldc), 0)
      << "elements outside C written (padding columns n..ldc-1 or the guard rows after row m-1)";
  const std::vector<float> got = without_row_stride(to_floats(c_after), m, n, ldc);

  const bool small = double(m) * n * k <= kCpuReferenceLimit;
  const std::vector<double> reference = small ? reference_gemm(a, b, &c0, test_case.alpha, test_case.beta)
                                              : cublas_reference_gemm(a, b, &c0, test_case.alpha, test_case.beta);
  const ErrorReport report =
      compare_to_reference(got, reference, gemm_tolerance(precision_of<Element>(), k), row_col_namer(std::size_t(n)));
  EXPECT_TRUE(report.passed()) << test_case.rung << " on " << m << "x" << n << "x" << k << ": " << report.describe()
                               << (small ? " (CPU fp64 reference)" : " (cuBLAS fp64 reference)");
}

}  // namespace

void check_gemm_case(const GemmCase& test_case) {
  LADDER_SKIP_WITHOUT_GPU();
  const auto rung = find_gemm(test_case.rung);
  ASSERT_TRUE(rung.has_value()) << test_case.rung << " is not registered";
  if (rung->kind == RungKind::Exercise && !testing_exercises()) GTEST_SKIP() << kExerciseSkipReason;
  if (rung->precision() == Precision::Bf16)
    check_case<__nv_bfloat16>(*rung, test_case);
  else
    check_case<float>(*rung, test_case);
}

void check_gemm_cases(const std::vector<GemmCase>& cases) {
  for (const GemmCase& test_case : cases) {
    SCOPED_TRACE(test_case.rung + " " + std::to_string(test_case.m) + "x" + std::to_string(test_case.n) + "x" +
                 std::to_string(test_case.k));
    check_gemm_case(test_case);
    if (::testing::Test::HasFatalFailure() || ::testing::Test::IsSkipped()) return;
  }
}

}  // namespace ladder::testing
