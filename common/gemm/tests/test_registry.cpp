// Registry lookups and requirement checks, on the CPU (no kernel is launched).
#include <gtest/gtest.h>

#include "common/gemm/gemm.cuh"

namespace ladder {
namespace {

void never_launched(const GemmArgs&, cudaStream_t) { FAIL() << "a CPU test launched a rung"; }

const bool registered = [] {
  register_gemm({"test tiled", 7, RungKind::Chapter, never_launched, {80, 64, 64, 16, 16}, "needs tiles"});
  register_gemm({"test solution", 3, RungKind::Solution, never_launched, {}, ""});
  register_gemm({"test plain", 3, RungKind::Chapter, never_launched, {}, ""});
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
  EXPECT_EQ(names, (std::vector<std::string>{"cuBLAS", "test plain", "test solution", "test tiled"}));
}

TEST(Registry, FindsByName) {
  ASSERT_TRUE(find_gemm("test tiled").has_value());
  EXPECT_EQ(find_gemm("test tiled")->chapter, 7);
  EXPECT_FALSE(find_gemm("no such rung").has_value());
}

TEST(Registry, RejectsDuplicatesAndEmptyEntries) {
  EXPECT_THROW(register_gemm({"test plain", 3, RungKind::Chapter, never_launched, {}, ""}), std::logic_error);
  EXPECT_THROW(register_gemm({"", 3, RungKind::Chapter, never_launched, {}, ""}), std::logic_error);
  EXPECT_THROW(register_gemm({"no launcher", 3, RungKind::Chapter, nullptr, {}, ""}), std::logic_error);
}

TEST(Registry, UnsupportedReasons) {
  const GemmRung tiled = *find_gemm("test tiled");
  alignas(16) static float buffer[4];
  GemmArgs args{128, 128, 64, 1, 0, buffer, 64, buffer, 128, buffer, 128};
  EXPECT_FALSE(unsupported_reason(tiled, args, 90).has_value());
  EXPECT_NE(unsupported_reason(tiled, args, 75).value_or("").find("compute capability 8.0"), std::string::npos);
  args.m = 100;
  EXPECT_NE(unsupported_reason(tiled, args, 90).value_or("").find("multiples"), std::string::npos);
  args.m = 128;
  args.lda = 65;  // 260 bytes: not a multiple of 16
  EXPECT_NE(unsupported_reason(tiled, args, 90).value_or("").find("aligned"), std::string::npos);
  args.lda = 64;
  args.a = buffer + 1;  // 4 bytes past a 16-byte boundary
  EXPECT_NE(unsupported_reason(tiled, args, 90).value_or("").find("aligned"), std::string::npos);
}

}  // namespace
}  // namespace ladder
