// Registry lookups and requirement checks, on the CPU (no kernel is launched).
#include <gtest/gtest.h>

#include "common/core/build_targets.hpp"
#include "common/gemm/gemm.cuh"

namespace ladder {
namespace {

void never_launched(const GemmArgs&, cudaStream_t) { FAIL() << "a CPU test launched a rung"; }
void never_launched_bf16(const Bf16GemmArgs&, cudaStream_t) { FAIL() << "a CPU test launched a rung"; }
double no_peak() { return 0; }

const bool registered = [] {
  register_gemm({"test tiled", 7, RungKind::Chapter, never_launched, {70, 64, 64, 16, 16}, "needs tiles"});
  register_gemm({"test solution", 3, RungKind::Solution, never_launched, {}, ""});
  register_gemm({"test plain", 3, RungKind::Chapter, never_launched, {}, ""});
  register_gemm({"test bf16", 7, RungKind::Chapter, never_launched_bf16, {70, 1, 1, 8, 16}, "", "test mma"});
  return true;
}();

TEST(Registry, CuBlasIsAlwaysFirst) {
  const auto rungs = gemm_registry();
  ASSERT_FALSE(rungs.empty());
  EXPECT_EQ(rungs.front().name, "cuBLAS");
  EXPECT_EQ(rungs.front().kind, RungKind::Vendor);
}

TEST(Registry, OrderedByChapterThenKind) {
  std::vector<std::string> names;
  for (const auto& rung : gemm_registry()) names.push_back(rung.name);
  EXPECT_EQ(names, (std::vector<std::string>{"cuBLAS", "cuBLAS bf16", "test plain", "test solution", "test tiled",
                                             "test bf16"}));
}

TEST(Registry, FindsByName) {
  ASSERT_TRUE(find_gemm("test tiled").has_value());
  EXPECT_EQ(find_gemm("test tiled")->chapter, 7);
  EXPECT_FALSE(find_gemm("no such rung").has_value());
}

TEST(Registry, RejectsDuplicatesAndEmptyEntries) {
  EXPECT_THROW(register_gemm({"test plain", 3, RungKind::Chapter, never_launched, {}, ""}), std::logic_error);
  EXPECT_THROW(register_gemm({"", 3, RungKind::Chapter, never_launched, {}, ""}), std::logic_error);
  EXPECT_THROW(register_gemm({"no launcher", 3, RungKind::Chapter, GemmLaunch{}, {}, ""}), std::logic_error);
}

TEST(Registry, UnsupportedReasons) {
  const GemmRung tiled = *find_gemm("test tiled");
  alignas(16) static float buffer[4];
  GemmArgs args{128, 128, 64, 1, 0, buffer, 64, buffer, 128, buffer, 128};
  EXPECT_FALSE(unsupported_reason(tiled, args, 90).has_value());
  EXPECT_NE(unsupported_reason(tiled, args, 61).value_or("").find("compute capability 7.0"), std::string::npos);
  args.m = 100;
  EXPECT_NE(unsupported_reason(tiled, args, 90).value_or("").find("multiples"), std::string::npos);
  args.m = 128;
  args.lda = 65;  // 260 bytes: not a multiple of 16
  EXPECT_NE(unsupported_reason(tiled, args, 90).value_or("").find("aligned"), std::string::npos);
  args.lda = 64;
  args.a = buffer + 1;  // 4 bytes past a 16-byte boundary
  EXPECT_NE(unsupported_reason(tiled, args, 90).value_or("").find("aligned"), std::string::npos);
  args.a = buffer;
  // 2^25 rows of 64: A spans 2^31 elements, past a 32-bit index (the command line refuses it
  // too; bench_gemm and chapter 14 call rungs without it). cuBLAS takes it.
  args.m = 1 << 25;
  EXPECT_NE(unsupported_reason(tiled, args, 90).value_or("").find("32-bit"), std::string::npos);
  EXPECT_FALSE(unsupported_reason(*find_gemm("cuBLAS"), args, 90).has_value());
  args.m = (1 << 24) - 64;  // C, the widest (ldc 128), just under
  EXPECT_FALSE(unsupported_reason(tiled, args, 90).has_value());
  // A wide, short problem: B is k = 64 rows of 65536, C 128 rows; nothing near 2^31.
  args = {128, 65536, 64, 1, 0, buffer, 64, buffer, 65536, buffer, 65536};
  EXPECT_FALSE(unsupported_reason(tiled, args, 90).has_value());
}

// Arch-specific code (chapter 09's sm_90a) runs on one compute capability only, and a
// build without that target says so before anything else.
TEST(Registry, ArchSpecificRungsRunOnTheirOwnCapabilityOnly) {
  if (*kMissingSm80 != '\0') GTEST_SKIP() << "this build has no sm_80+ target, so it refuses every such rung first";
  GemmRung hopper{"test sm_90a", 9, RungKind::Chapter, never_launched, {90}, ""};
  hopper.requirements.max_compute_capability = 90;
  alignas(16) static float buffer[4];
  const GemmArgs args{8, 8, 8, 1, 0, buffer, 8, buffer, 8, buffer, 8};
  EXPECT_FALSE(unsupported_reason(hopper, args, 90).has_value());
  EXPECT_NE(unsupported_reason(hopper, args, 80).value_or("").find("needs compute capability 9.0"), std::string::npos);
  const std::string newer = unsupported_reason(hopper, args, 100).value_or("");
  EXPECT_NE(newer.find("compute capability 9.0 only"), std::string::npos) << newer;
  EXPECT_NE(newer.find("device has 10.0"), std::string::npos) << newer;
  hopper.requirements.missing_from_build = "built without sm_90a";
  EXPECT_EQ(unsupported_reason(hopper, args, 90).value_or(""), "built without sm_90a");
}

// cp.async and bf16 tensor-core rungs (min_compute_capability 80 or more) compile to traps in a
// build whose targets are all older than sm_80, and a newer GPU would JIT that PTX and trap; so
// they skip instead. This checks whichever side this build is on (CI builds for 90; a
// CUDAARCHS=75 build of this test checks the other). The vendor library brings its own code.
TEST(Registry, Sm80RungsSkipOnABuildWithoutSm80Code) {
  GemmRung pipelined{"test cp.async", 6, RungKind::Chapter, never_launched, {80}, ""};
  alignas(16) static float buffer[4];
  const GemmArgs args{8, 8, 8, 1, 0, buffer, 8, buffer, 8, buffer, 8};
  const std::optional<std::string> why = unsupported_reason(pipelined, args, 90);
  if (*kMissingSm80 != '\0') {
    EXPECT_EQ(why.value_or(""), kMissingSm80);
  } else {
    EXPECT_FALSE(why.has_value()) << *why;
  }
  EXPECT_TRUE(unsupported_reason(pipelined, args, 75).has_value());
  pipelined.kind = RungKind::Vendor;
  EXPECT_FALSE(unsupported_reason(pipelined, args, 90).has_value());
}

TEST(Registry, PrecisionFollowsTheLauncher) {
  EXPECT_EQ(find_gemm("cuBLAS")->precision(), Precision::Fp32);
  EXPECT_EQ(find_gemm("cuBLAS bf16")->precision(), Precision::Bf16);
  EXPECT_EQ(find_gemm("test bf16")->precision(), Precision::Bf16);
  EXPECT_EQ(find_gemm("test bf16")->instruction, "test mma");
  EXPECT_EQ(element_bytes(Precision::Bf16), 2);
  EXPECT_STREQ(to_string(Precision::Fp32), "fp32");
}

TEST(Registry, ARungRunsOnlyItsOwnPrecision) {
  alignas(16) static float floats[4];
  alignas(16) static __nv_bfloat16 halves[8];
  const GemmArgs fp32_args{8, 8, 8, 1, 0, floats, 8, floats, 8, floats, 8};
  const Bf16GemmArgs bf16_args{8, 8, 8, 1, 0, halves, 8, halves, 8, halves, 8};
  EXPECT_NE(unsupported_reason(*find_gemm("test bf16"), fp32_args, 90).value_or("").find("bf16 rung"),
            std::string::npos);
  EXPECT_NE(unsupported_reason(*find_gemm("test plain"), bf16_args, 90).value_or("").find("fp32 rung"),
            std::string::npos);
  EXPECT_FALSE(unsupported_reason(*find_gemm("test bf16"), bf16_args, 90).has_value());
  // Calling a launcher with the other precision's arguments is a logic error, not a crash.
  EXPECT_THROW(find_gemm("test bf16")->launch(fp32_args, nullptr), std::logic_error);
  EXPECT_THROW(find_gemm("test plain")->launch(bf16_args, nullptr), std::logic_error);
}

TEST(Registry, Bf16AlignmentCountsTwoBytesPerElement) {
  alignas(16) static __nv_bfloat16 halves[8];
  Bf16GemmArgs args{8, 8, 8, 1, 0, halves, 8, halves, 8, halves, 8};  // 16-byte rows
  EXPECT_FALSE(unsupported_reason(*find_gemm("test bf16"), args, 90).has_value());
  args.ldb = 12;  // 24 bytes: not a multiple of 16
  EXPECT_NE(unsupported_reason(*find_gemm("test bf16"), args, 90).value_or("").find("aligned"), std::string::npos);
  args.ldb = 8;
  args.k = 12;  // not a multiple of 8
  EXPECT_NE(unsupported_reason(*find_gemm("test bf16"), args, 90).value_or("").find("multiples"), std::string::npos);
}

TEST(Registry, InstructionPeaksAreFoundByName) {
  EXPECT_FALSE(find_instruction_peak("test peak").has_value());
  EXPECT_TRUE(register_instruction_peak({"test peak", no_peak, "nothing"}));
  EXPECT_TRUE(register_instruction_peak({"test peak", no_peak, "a second chapter links it again"}));
  ASSERT_TRUE(find_instruction_peak("test peak").has_value());
  EXPECT_EQ(find_instruction_peak("test peak")->summary, "nothing");
  EXPECT_THROW(register_instruction_peak({"", no_peak, ""}), std::logic_error);
}

}  // namespace
}  // namespace ladder
