// The cuDNN baseline rungs: right answers on ragged problems, the algorithm
// they chose named afterwards, and a clear refusal in a build without cuDNN.
#include <gtest/gtest.h>

#include <cmath>
#include <utility>

#include <string>
#include <vector>

#include "common/conv/cudnn.cuh"
#include "common/conv/device_conv.cuh"
#include "common/conv/reference.hpp"
#include "common/conv/testing/conv_rung_test.cuh"
#include "common/core/device_info.cuh"
#include "common/core/metrics.hpp"
#include "common/gemm/precision.hpp"
#include "common/gemm/reference.hpp"

namespace ladder {
namespace {

// The vendor rungs go through exactly the same ragged problems as every chapter's rung.
LADDER_CONV_RUNG_TESTS(CuDnn, 0, RungKind::Vendor);

// ---- Without a GPU ------------------------------------------------------------------

TEST(CudnnRungs, AreVendorRungsThatNeedCudnn) {
  for (const ConvRung& rung : {cudnn_rung(), cudnn_bf16_rung()}) {
    SCOPED_TRACE(rung.name);
    EXPECT_EQ(rung.chapter, 0);
    EXPECT_EQ(rung.kind, RungKind::Vendor);
    EXPECT_TRUE(rung.requirements.needs_cudnn);
    EXPECT_EQ(rung.workspace_bytes, nullptr) << "cuDNN keeps its own workspace";
    EXPECT_FALSE(rung.summary.empty());
    EXPECT_TRUE(find_conv(rung.name).has_value()) << "not in the conv registry";
  }
  EXPECT_EQ(cudnn_rung().precision(), ConvPrecision::Fp32Nchw);
  EXPECT_EQ(cudnn_bf16_rung().precision(), ConvPrecision::Bf16Nhwc);
}

TEST(CudnnRungs, Fp32CudnnAloneGetsTheFastAlgorithmSlack) {
  const ConvProblem problem{2, 64, 14, 14, 64, 3, 3, 1, 1};  // K_gemm = 576
  const double fp32_bound = fp32_gemm_tolerance(problem.gemm_k());
  EXPECT_DOUBLE_EQ(conv_tolerance(cudnn_rung(), problem), 16 * fp32_bound);
  EXPECT_DOUBLE_EQ(conv_tolerance(cudnn_bf16_rung(), problem), bf16_gemm_tolerance(problem.gemm_k()));
  ConvRung ours = cudnn_rung();  // the same launcher, as a chapter's rung: no slack
  ours.chapter = 10;
  ours.kind = RungKind::Chapter;
  EXPECT_DOUBLE_EQ(conv_tolerance(ours, problem), fp32_bound);
}

TEST(CudnnRungs, WithoutCudnnTheLaunchersSaySo) {
  if (cudnn_available()) GTEST_SKIP() << "this build has cuDNN " << cudnn_version();
  const ConvProblem problem{1, 3, 8, 8, 4, 3, 3, 1, 1};
  // Never dereferenced: a stub throws before it looks at the arguments.
  const ConvArgs fp32_args{problem};
  const Bf16ConvArgs bf16_args{problem};
  for (const auto& launch : {ConvLaunch(cudnn_conv), ConvLaunch(cudnn_bf16_conv)}) {
    try {
      if (launch.precision() == ConvPrecision::Bf16Nhwc)
        launch(bf16_args, nullptr);
      else
        launch(fp32_args, nullptr);
      ADD_FAILURE() << "a launcher built without cuDNN returned";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find("without cuDNN"), std::string::npos) << error.what();
    }
  }
  EXPECT_EQ(cudnn_algorithm_note(problem, ConvPrecision::Fp32Nchw), "");
  EXPECT_EQ(cudnn_algorithm_name(problem, ConvPrecision::Fp32Nchw), "");
  const auto reason = unsupported_reason(cudnn_rung(), problem, 90);
  ASSERT_TRUE(reason.has_value()) << "the registry would call a cuDNN rung in a build without cuDNN";
  EXPECT_NE(reason->find("cuDNN"), std::string::npos) << *reason;
}

// ---- On a GPU -----------------------------------------------------------------------

// The shared conv tests' guards: NaN past x and the filters (a read past them that counts in an
// output makes a NaN), the poison pattern past y (a write past it is counted).
TEST(DeviceConvGuards, ShowReadsPastTheInputsAndWritesPastTheOutput) {
  LADDER_SKIP_WITHOUT_GPU();
  const ConvProblem problem{1, 3, 7, 9, 5, 3, 3, 1, 1};
  DeviceConv<__nv_bfloat16> tensors(random_conv_inputs(problem, 7, true), 0, DeviceConv<__nv_bfloat16>::kGuardElements);
  tensors.poison();
  EXPECT_EQ(tensors.writes_past_y(), 0u);
  const ConvArgsOf<__nv_bfloat16> args = tensors.args();
  const __nv_bfloat16 one = __float2bfloat16(1.0f);
  ASSERT_EQ(cudaMemcpy(args.y + problem.output_elements() + 3, &one, sizeof one, cudaMemcpyHostToDevice), cudaSuccess);
  EXPECT_EQ(tensors.writes_past_y(), 1u);
  for (const auto& [tensor, elements] :
       {std::pair{args.x, problem.input_elements()}, std::pair{args.w, problem.filter_elements()}}) {
    __nv_bfloat16 past{};
    ASSERT_EQ(cudaMemcpy(&past, tensor + elements, sizeof past, cudaMemcpyDeviceToHost), cudaSuccess);
    EXPECT_TRUE(std::isnan(__bfloat162float(past)));
  }
}

/// Runs `rung` on `problem` twice, the output poisoned before each run: the
/// first call times the algorithms (cudnnFind) and then convolves, the second
/// reuses the plan. Both must match the fp64 reference, and afterwards the
/// rung must name the algorithm it chose.
template <typename Element>
void check_twice_then_note(const ConvRung& rung, const ConvProblem& problem) {
  SCOPED_TRACE(rung.name + " on " + describe(problem));
  const bool bf16 = rung.precision() == ConvPrecision::Bf16Nhwc;
  // bf16 inputs are rounded to bf16 on the host, so the reference multiplies
  // exactly what cuDNN multiplies and only its accumulation and output rounding differ.
  const ConvInputs inputs = random_conv_inputs(problem, /*seed=*/20240917, bf16);
  const std::vector<double> expected = reference_conv_nchw(problem, inputs.x_nchw, inputs.w_kcrs);
  const double tolerance = conv_tolerance(rung, problem);
  DeviceConv<Element> tensors(inputs, workspace_bytes(rung, problem), DeviceConv<Element>::kGuardElements);
  for (const char* call : {"first call (cudnnFind)", "second call (cached plan)"}) {
    const std::vector<float> got = run_conv_once(rung, tensors);  // poisons y first
    const ErrorReport report = compare_to_reference(got, expected, tolerance, nchw_output_namer(problem));
    EXPECT_TRUE(report.passed()) << call << ": " << report.describe();
  }
  const std::string note = cudnn_algorithm_note(problem, rung.precision());
  EXPECT_FALSE(note.empty()) << "no algorithm recorded after a run";
  EXPECT_NE(note.find("fastest of"), std::string::npos) << note;
  // The table's short name begins the note.
  const std::string name = cudnn_algorithm_name(problem, rung.precision());
  EXPECT_FALSE(name.empty());
  EXPECT_EQ(note.rfind(name + " (", 0), 0u) << name << " | " << note;
}

TEST(CudnnRungs, MatchReferenceTwiceAndNameTheirAlgorithm) {
  LADDER_SKIP_WITHOUT_GPU();
  if (!cudnn_available()) GTEST_SKIP() << "built without cuDNN";
  const int compute_capability = query_device().compute_capability;
  // {n, c, h, w, k, r, s, stride, padding}: odd sizes, one and three input
  // channels, stride 2, a 1x1 filter, K that no tile divides.
  const ConvProblem problems[] = {
      {1, 1, 7, 9, 1, 3, 3, 1, 1},
      {2, 3, 15, 13, 5, 5, 5, 2, 2},
      {3, 8, 9, 11, 33, 1, 1, 1, 0},
  };
  int checked = 0;
  std::string refused;
  for (const ConvRung& rung : {cudnn_rung(), cudnn_bf16_rung()}) {
    for (const ConvProblem& problem : problems) {
      if (const auto reason = unsupported_reason(rung, problem, compute_capability)) {
        refused += rung.name + " on " + describe(problem) + ": " + *reason + "; ";
        continue;
      }
      if (rung.precision() == ConvPrecision::Bf16Nhwc)
        check_twice_then_note<__nv_bfloat16>(rung, problem);
      else
        check_twice_then_note<float>(rung, problem);
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "cuDNN took none of the problems: " << refused;
  if (!refused.empty()) std::cout << "not checked (refused): " << refused << "\n";
}

TEST(CudnnRungs, NoteIsEmptyForAProblemNotRunYet) {
  // No test runs this shape, so no plan exists for it (and with no plan at
  // all, the note does not even ask for a device: this runs without a GPU too).
  const ConvProblem never_run{1, 2, 5, 5, 3, 2, 2, 1, 0};
  EXPECT_EQ(cudnn_algorithm_note(never_run, ConvPrecision::Fp32Nchw), "");
  EXPECT_EQ(cudnn_algorithm_note(never_run, ConvPrecision::Bf16Nhwc), "");
  EXPECT_EQ(cudnn_algorithm_name(never_run, ConvPrecision::Fp32Nchw), "");
}

}  // namespace
}  // namespace ladder
