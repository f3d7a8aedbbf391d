// The worked swizzle of exercise 1 passes the exercise's CPU check (swizzle_check.hpp).
#include <gtest/gtest.h>

#include "chapters/05_vectorized_gemm/swizzle_check.hpp"
#include "solutions/05_vectorized_gemm/ex1_swizzle.hpp"

namespace {

TEST(Solutions05Swizzle, SpreadsTheStoresOverTheBanks) {
  EXPECT_EQ(ladder::ch05::swizzle_problem(ladder::sol05::swizzle), "");
}

}  // namespace
