/// \file test_wgmma_tma_gemm.cu
/// \brief Chapter 09 on the GPU: the shared rung tests for 09a to 09e, and, without a GPU,
/// what the rungs declare.
///
/// The shared cases keep m, n and k ragged (k = 1, 5, 7, 9, 17, ... included) while rounding
/// the leading dimensions up to 16 bytes: TMA's zero-filled boxes past every edge, the
/// clipped stores (TMA's in 09c when beta = 0, store_pair's otherwise), k-tile counts below
/// the number of stages, persistent CTAs with several tiles each, clusters whose second CTA
/// has no rows of C (an odd number of tile rows), and the 2^20-row case are
/// all exercised. On a GPU of any compute capability but 9.0 they skip, saying why.
///
///     ctest --test-dir build -L ch09
#include <map>
#include <string>

#include "common/core/device_info.cuh"
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter09, 9, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starter is unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter09Exercises, 9, ladder::RungKind::Exercise);

namespace {

constexpr const char* k09a = "09a TMA + wgmma";
constexpr const char* k09b = "09b warp-specialised";
constexpr const char* k09c = "09c persistent";
constexpr const char* k09d = "09d clusters + multicast";
constexpr const char* k09e = "09e wgmma in flight";

// No GPU needed: what the rungs declare.
TEST(Chapter09Requirements, RungsAreRegisteredWithTheirRequirements) {
  int rungs = 0;
  for (const ladder::GemmRung& rung : ladder::gemm_registry()) {
    if (rung.chapter != 9 || rung.kind != ladder::RungKind::Chapter) continue;
    ++rungs;
    EXPECT_EQ(rung.precision(), ladder::Precision::Bf16) << rung.name;
    EXPECT_EQ(rung.requirements.min_compute_capability, 90) << rung.name << ": wgmma and TMA";
    EXPECT_EQ(rung.requirements.max_compute_capability, 90) << rung.name << ": sm_90a code runs on 9.0 only";
    EXPECT_EQ(rung.requirements.alignment_bytes, 16) << rung.name << ": TMA's 16-byte addresses and row strides";
    EXPECT_EQ(rung.requirements.m_multiple, 1) << rung.name << ": any m: TMA zero-fills, the stores clip";
    EXPECT_EQ(rung.requirements.n_multiple, 1) << rung.name;
    EXPECT_EQ(rung.requirements.k_multiple, 1) << rung.name << ": any k: only the row stride must be a multiple of 8";
    const std::string& missing = rung.requirements.missing_from_build;
    if (!missing.empty()) EXPECT_NE(missing.find("sm_90a"), std::string::npos) << missing;
  }
  EXPECT_EQ(rungs, 5) << "09a to 09e";
  for (const char* name : {k09a, k09b, k09c, k09d, k09e}) ASSERT_TRUE(ladder::find_gemm(name).has_value()) << name;
  EXPECT_EQ(ladder::find_gemm(k09a)->instruction, "wgmma m64n128k16 bf16");
  EXPECT_EQ(ladder::find_gemm(k09b)->instruction, "wgmma m64n256k16 bf16");
  EXPECT_EQ(ladder::find_gemm(k09c)->instruction, "wgmma m64n256k16 bf16");
  EXPECT_EQ(ladder::find_gemm(k09d)->instruction, "wgmma m64n256k16 bf16");
  EXPECT_EQ(ladder::find_gemm(k09e)->instruction, "wgmma m64n256k16 bf16");
}

// bench_gemm times 09c and 09d (the cluster form) with B stored n x k too, and the shared rung tests
// check those products.
TEST(Chapter09Requirements, Only09cAnd09dAlsoReadBStoredNByK) {
  for (const char* name : {k09a, k09b, k09c, k09d, k09e})
    EXPECT_EQ(ladder::find_gemm(name)->launch_b_n_by_k != nullptr,
              std::string(name) == k09c || std::string(name) == k09d)
        << name;
  std::map<std::string, int> b_n_by_k_cases;
  for (const ladder::testing::GemmCase& test_case : ladder::testing::gemm_cases(9, ladder::RungKind::Chapter))
    b_n_by_k_cases[test_case.rung] += test_case.b_n_by_k;
  EXPECT_GT(b_n_by_k_cases[k09c], 0);
  EXPECT_GT(b_n_by_k_cases[k09d], 0);
  EXPECT_EQ(b_n_by_k_cases[k09e], 0);
}

TEST(Chapter09Requirements, TheWgmmaPeaksAreRegistered) {
  for (const char* instruction : {"wgmma m64n128k16 bf16", "wgmma m64n256k16 bf16"}) {
    const auto peak = ladder::find_instruction_peak(instruction);
    ASSERT_TRUE(peak.has_value()) << instruction << ": wgmma_peak.cu registers it";
    EXPECT_NE(peak->measure_tflops, nullptr);
    EXPECT_FALSE(peak->summary.empty());
  }
}

// On an H100 or H200: each micro-benchmark runs and gives a plausible rate (above a tenth
// of a TFLOP/s, below 10 PFLOP/s).
TEST(Chapter09Peak, MeasuresAPlausibleRate) {
  LADDER_SKIP_WITHOUT_GPU();
  if (ladder::query_device().compute_capability != 90) GTEST_SKIP() << "wgmma needs compute capability 9.0";
  const auto rung = ladder::find_gemm(k09a);
  ASSERT_TRUE(rung.has_value());
  if (!rung->requirements.missing_from_build.empty() && !ladder::testing::gpu_required())
    GTEST_SKIP() << rung->requirements.missing_from_build;
  for (const char* instruction : {"wgmma m64n128k16 bf16", "wgmma m64n256k16 bf16"}) {
    const double tflops = ladder::find_instruction_peak(instruction)->measure_tflops();
    EXPECT_GT(tflops, 0.1) << instruction;
    EXPECT_LT(tflops, 10000.0) << instruction;
  }
}

TEST(Chapter09Requirements, TurnedAwayOffHopperAndWhenMisaligned) {
  auto rung = ladder::find_gemm(k09a);
  ASSERT_TRUE(rung.has_value());
  rung->requirements.missing_from_build.clear();  // the rules below, whatever this build holds
  alignas(16) static __nv_bfloat16 storage[256];
  ladder::Bf16GemmArgs args{8, 8, 8, 1.0f, 0.0f, storage, 8, storage, 8, storage, 8};
  EXPECT_FALSE(ladder::unsupported_reason(*rung, args, 90).has_value());
  EXPECT_NE(ladder::unsupported_reason(*rung, args, 80).value_or("").find("compute capability 9.0"), std::string::npos);
  EXPECT_NE(ladder::unsupported_reason(*rung, args, 100).value_or("").find("9.0 only"), std::string::npos);
  args.ldb = 12;  // 24-byte rows of B: TMA's row stride must be a multiple of 16 bytes
  EXPECT_NE(ladder::unsupported_reason(*rung, args, 90).value_or("").find("16-byte"), std::string::npos);
}

// On an H100 or H200 under benchmarks/run_gpu.sh (LADDER_REQUIRE_GPU), the rungs must really run:
// a build without sm_90a would skip every case above, and skips count as passes.
TEST(Chapter09OnHopper, TheBuildHasSm90aWhereItCanRun) {
  LADDER_SKIP_WITHOUT_GPU();
  if (ladder::query_device().compute_capability != 90) GTEST_SKIP() << "not a compute capability 9.0 GPU";
  const auto rung = ladder::find_gemm(k09a);
  ASSERT_TRUE(rung.has_value());
  const std::string& missing = rung->requirements.missing_from_build;
  if (!missing.empty() && !ladder::testing::gpu_required()) GTEST_SKIP() << missing;
  EXPECT_EQ(missing, "") << "a GPU run on Hopper must build chapter 09 for sm_90a";
}

}  // namespace
