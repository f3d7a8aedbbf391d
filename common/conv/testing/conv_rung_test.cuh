/// \file common/conv/testing/conv_rung_test.cuh
/// \brief The GPU correctness test every conv rung gets, instantiated by each conv chapter's test file.
///
/// A chapter's test file holds one line per kind of rung it adds:
///
///     LADDER_CONV_RUNG_TESTS(Chapter10, 10, ladder::RungKind::Chapter);
///
/// which runs every conv rung of that chapter on the ragged problems of
/// conv_cases(): batches of one to nine, odd heights and widths, strides 2 and
/// 3, padding 0, 1 and 2, 1x1, 3x3, 5x5 and 7x7 filters and the non-square 3x5
/// and 7x1, input channel counts from 1 to 64 (1, 2, 3, 4, 5 and 6 among them),
/// output channel counts that no tile divides, and a filter as large as the
/// padded input. Every output, and any workspace, is poisoned first, and the
/// output compared, image by image, with the fp64 CPU reference
/// (common/conv/reference.hpp). Guard elements follow each tensor (DeviceConv):
/// NaN after the input and the filters, so that a read past them that reaches an
/// output fails the comparison, and poison after the output, which must be intact.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/conv/conv.cuh"
#include "common/gemm/testing/rung_test.cuh"  // LADDER_SKIP_WITHOUT_GPU

namespace ladder::testing {

/// One test: a rung and a problem.
struct ConvCase {
  std::string rung;
  ConvProblem problem;
};

/// How gtest prints a case: "10a direct: N1 C3 17x13 -> K5 3x3 stride 1 pad 0 (output 15x11)".
void PrintTo(const ConvCase& test_case, std::ostream* out);

/// The ragged problems every rung runs (those a rung cannot run are skipped with the registry's reason).
std::vector<ConvProblem> ragged_conv_problems();

/// Every case for the conv rungs of `chapter` of this kind linked into the test program.
std::vector<ConvCase> conv_cases(int chapter, RungKind kind);

/// A readable test name: "10a_direct_n1_c3_17x13_k5_r3s3_u1_p0".
std::string conv_case_name(const ::testing::TestParamInfo<ConvCase>& info);

/// Runs one case and reports through gtest: skips (with the reason) without a
/// device or when the rung does not support the problem, fails on a wrong result.
void check_conv_case(const ConvCase& test_case);

/// Runs `rung` (registered or not) on `problem` with its poisoned output, and fails, through
/// gtest, if the result misses the fp64 reference; the caller has checked the device and
/// that the rung takes the problem.
void check_conv_rung(const ConvRung& rung, const ConvProblem& problem);

}  // namespace ladder::testing

/// Defines the parameterised test `suite` over the conv rungs of `chapter` of `kind`.
#define LADDER_CONV_RUNG_TESTS(suite, chapter, kind)                                                        \
  class suite : public ::testing::TestWithParam<::ladder::testing::ConvCase> {};                            \
  TEST_P(suite, MatchesReference) { ::ladder::testing::check_conv_case(GetParam()); }                       \
  INSTANTIATE_TEST_SUITE_P(Rungs, suite, ::testing::ValuesIn(::ladder::testing::conv_cases(chapter, kind)), \
                           ::ladder::testing::conv_case_name)
