// Exercise 1's swizzle on the CPU (swizzle_check.hpp): a permutation of each row that keeps
// float4 groups whole and gives every transposing store one wavefront. As shipped, the starter's
// identity fails it (its stores conflict two ways), so the test skips until asked for.
#include <gtest/gtest.h>

#include "chapters/05_vectorized_gemm/exercises/ex1_swizzle.hpp"
#include "chapters/05_vectorized_gemm/swizzle_check.hpp"
#include "common/core/exercise_tests.hpp"

namespace {

TEST(Chapter05SwizzleExercise, SpreadsTheStoresOverTheBanks) {
  LADDER_SKIP_EXERCISE_STARTER();
  EXPECT_EQ(ladder::ch05::swizzle_problem(ladder::ex05::swizzle), "");
}

// The check itself: padding's job undone (the identity) is caught, and so is a swizzle that moves
// bit 0 of m, splitting the float4 groups.
TEST(Chapter05SwizzleCheck, CatchesConflictsAndSplitGroups) {
  const std::string identity = ladder::ch05::swizzle_problem([](int, int m) { return m; });
  EXPECT_NE(identity.find("2 wavefronts"), std::string::npos) << identity;
  const std::string split = ladder::ch05::swizzle_problem([](int k, int m) { return m ^ ((k >> 2) & 1); });
  EXPECT_NE(split.find("splits the aligned group"), std::string::npos) << split;
}

}  // namespace
