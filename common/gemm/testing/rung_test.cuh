/// \file rung_test.cuh
/// \brief The GPU correctness test every GEMM rung gets, instantiated by each chapter's test file.
///
/// A chapter's test file holds one line per kind of rung it adds:
///
///     LADDER_GEMM_RUNG_TESTS(Chapter01, 1, ladder::RungKind::Chapter);
///
/// which runs every rung of that chapter on the shapes of gemm_cases(): tiny,
/// ragged, one less and one more than the usual tiles, k shorter than a
/// k-tile, square, and 2048³; alpha/beta other than 1/0; padded leading
/// dimensions; fresh random inputs; NaN poison in C (when beta = 0), and in the
/// padding columns and 256 guard rows after each of A, B and C, which must be
/// neither read nor written. A rung that can also read B stored n x k
/// (GemmRung::launch_b_n_by_k) runs a few ragged cases that way too.
///
/// Leading dimensions are rounded up to the rung's alignment requirement (a
/// float4 rung gets lda, ldb, ldc that are multiples of 4 floats), so every
/// rung runs every ragged shape; the rejection of misaligned problems is the
/// registry's, tested on the CPU.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/device_info.cuh"
#include "common/gemm/gemm.cuh"

namespace ladder::testing {

/// One test: a rung, a shape, a scaling and extra padding of the leading dimensions.
struct GemmCase {
  std::string rung;
  int m, n, k;
  float alpha = 1.0f, beta = 0.0f;
  int pad = 0;            ///< lda = k + pad, ldb = n + pad, ldc = n + pad, each then rounded up to:
  int ld_align = 1;       ///< a multiple of this many floats (the rung's alignment requirement)
  bool b_n_by_k = false;  ///< B stored n x k, ldb = k + pad rounded up (the rung's launch_b_n_by_k)
};

/// How gtest prints a case: "01 naive 17x33x65 alpha=1.5 beta=-0.75 pad=0 ld_align=1".
void PrintTo(const GemmCase& test_case, std::ostream* out);

/// Every case for the rungs of `chapter` of this kind linked into the test program.
std::vector<GemmCase> gemm_cases(int chapter, RungKind kind);

/// A readable test name: "naive_513x257x129_alpha1_5_beta_0_75".
std::string gemm_case_name(const ::testing::TestParamInfo<GemmCase>& info);

/// Runs one case and reports through gtest: skips (with the reason) without a
/// device or when the rung does not support the case, fails on a wrong result.
void check_gemm_case(const GemmCase& test_case);

/// check_gemm_case on each case in turn, each traced with its rung and shape, up to the first
/// fatal failure or skip: for a test of a few hand-picked cases.
void check_gemm_cases(const std::vector<GemmCase>& cases);

/// True when the environment says a GPU must be there (LADDER_REQUIRE_GPU set,
/// and not to 0). benchmarks/run_gpu.sh sets it: on a GPU machine whose CUDA
/// cannot start (a driver older than the runtime, say), every GPU test would
/// otherwise skip, and CTest counts skips as passes.
bool gpu_required();

}  // namespace ladder::testing

/// First line of every GPU test: skips it with the reason when there is no
/// usable CUDA device, or fails it when gpu_required().
#define LADDER_SKIP_WITHOUT_GPU()                                                                       \
  do {                                                                                                  \
    if (const auto ladder_reason_ = ::ladder::no_device_reason()) {                                     \
      if (::ladder::testing::gpu_required())                                                            \
        FAIL() << "LADDER_REQUIRE_GPU is set, but there is no usable CUDA device: " << *ladder_reason_; \
      GTEST_SKIP() << "needs a CUDA device: " << *ladder_reason_;                                       \
    }                                                                                                   \
  } while (0)

/// Defines the parameterised test `suite` over the rungs of `chapter` of `kind`.
#define LADDER_GEMM_RUNG_TESTS(suite, chapter, kind)                                                        \
  class suite : public ::testing::TestWithParam<::ladder::testing::GemmCase> {};                            \
  TEST_P(suite, MatchesReference) { ::ladder::testing::check_gemm_case(GetParam()); }                       \
  INSTANTIATE_TEST_SUITE_P(Rungs, suite, ::testing::ValuesIn(::ladder::testing::gemm_cases(chapter, kind)), \
                           ::ladder::testing::gemm_case_name)
