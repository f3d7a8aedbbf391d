#include <cctype>

#include "common/conv/device_conv.cuh"
#include "common/conv/reference.hpp"
#include "common/conv/testing/conv_rung_test.cuh"
#include "common/core/device_info.cuh"
#include "common/core/exercise_tests.hpp"
#include "common/core/metrics.hpp"

namespace ladder::testing {

void PrintTo(const ConvCase& test_case, std::ostream* out) {
  *out << test_case.rung << ": " << describe(test_case.problem);
}

std::vector<ConvProblem> ragged_conv_problems() {
  // {n, c, h, w, k, r, s, stride, padding}
  return {
      {1, 1, 7, 9, 1, 3, 3, 1, 1},      // one of everything
      {1, 3, 17, 13, 5, 3, 3, 1, 0},    // C = 3 (an RGB image), odd sizes, no padding
      {2, 3, 15, 15, 8, 5, 5, 2, 2},    // stride 2, padding 2
      {1, 1, 28, 28, 6, 5, 5, 1, 2},    // chapter 14's first layer, one image
      {3, 6, 14, 14, 16, 5, 5, 1, 0},   // its second layer
      {2, 8, 9, 11, 33, 1, 1, 1, 0},    // 1x1: a plain GEMM over pixels; K past a 32-wide tile
      {1, 3, 23, 19, 7, 7, 7, 2, 2},    // 7x7 stride 2: a ResNet stem in miniature
      {2, 16, 10, 10, 17, 3, 3, 2, 1},  // stride 2, padding 1, even input
      {1, 32, 7, 7, 64, 3, 3, 1, 1},    // the last ResNet-50 stage's shape, smaller
      {4, 64, 14, 14, 72, 3, 3, 1, 1},  // several images, K not a multiple of 64
      {1, 5, 6, 6, 3, 6, 6, 1, 0},      // the filter covers the whole input: a 1x1 output
      {2, 24, 9, 9, 40, 3, 3, 1, 2},    // padding wider than the filter's reach
      {1, 16, 33, 31, 16, 5, 5, 1, 2},  // an image wider than one output tile, odd both ways
      {9, 3, 11, 13, 5, 3, 3, 1, 1},    // nine images: a batch walked in chunks (12's exercise: 4, 4, 1)
      {2, 8, 11, 9, 5, 3, 5, 1, 1},     // a 3x5 filter: R and S swapped anywhere shows here
      {1, 4, 8, 13, 9, 7, 1, 2, 0},     // a 7x1 filter at stride 2: one output row
      {1, 2, 13, 14, 3, 3, 3, 3, 1},    // stride 3 (chapter 11 takes strides up to 2: skipped there)
  };
}

std::vector<ConvCase> conv_cases(int chapter, RungKind kind) {
  std::vector<ConvCase> cases;
  for (const ConvRung& rung : conv_registry())
    if (rung.chapter == chapter && rung.kind == kind)
      for (const ConvProblem& problem : ragged_conv_problems()) cases.push_back({rung.name, problem});
  return cases;
}

std::string conv_case_name(const ::testing::TestParamInfo<ConvCase>& info) {
  const ConvProblem& p = info.param.problem;
  std::string name;
  for (char ch : info.param.rung) name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  name += "_n" + std::to_string(p.n) + "_c" + std::to_string(p.c) + "_" + std::to_string(p.h) + "x" +
          std::to_string(p.w) + "_k" + std::to_string(p.k) + "_r" + std::to_string(p.r) + "s" + std::to_string(p.s) +
          "_u" + std::to_string(p.stride) + "_p" + std::to_string(p.padding);
  return name;
}

namespace {
template <typename Element>
void check_rung(const ConvRung& rung, const ConvProblem& problem) {
  const bool bf16 = rung.precision() == ConvPrecision::Bf16Nhwc;
  const ConvInputs inputs = random_conv_inputs(problem, 1234, bf16);
  DeviceConv<Element> tensors(inputs, workspace_bytes(rung, problem), DeviceConv<Element>::kGuardElements);
  const std::vector<float> got = run_conv_once(rung, tensors);
  const std::vector<double> expected = reference_conv_nchw(problem, inputs.x_nchw, inputs.w_kcrs);
  const ErrorReport report =
      compare_to_reference(got, expected, conv_tolerance(rung, problem), nchw_output_namer(problem));
  EXPECT_TRUE(report.passed()) << rung.name << " on " << describe(problem) << ": " << report.describe();
  EXPECT_EQ(tensors.writes_past_y(), 0u) << rung.name << " on " << describe(problem) << " wrote past the end of y";
}
}  // namespace

void check_conv_case(const ConvCase& test_case) {
  LADDER_SKIP_WITHOUT_GPU();
  const auto rung = find_conv(test_case.rung);
  ASSERT_TRUE(rung.has_value()) << test_case.rung << " is not registered";
  if (rung->kind == RungKind::Exercise && !testing_exercises()) GTEST_SKIP() << kExerciseSkipReason;
  if (const auto reason = unsupported_reason(*rung, test_case.problem, query_device().compute_capability))
    GTEST_SKIP() << rung->name << " does not support this case: " << *reason;
  check_conv_rung(*rung, test_case.problem);
}

void check_conv_rung(const ConvRung& rung, const ConvProblem& problem) {
  if (rung.precision() == ConvPrecision::Bf16Nhwc)
    check_rung<__nv_bfloat16>(rung, problem);
  else
    check_rung<float>(rung, problem);
}

}  // namespace ladder::testing
