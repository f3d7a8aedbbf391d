// The CPU oracle against an independent, deliberately plain triple loop.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/core/host_matrix.hpp"
#include "common/gemm/reference.hpp"

namespace ladder {
namespace {

// j-p order and explicit indexing: a different loop order from reference_gemm.
double plain_element(const HostMatrix& a, const HostMatrix& b, const HostMatrix& c0, float alpha, float beta, int i,
                     int j) {
  long double sum = 0;
  for (int p = 0; p < a.cols; ++p) sum += (long double)a.values[i * a.cols + p] * b.values[p * b.cols + j];
  return double(alpha * sum + (long double)beta * c0.values[i * c0.cols + j]);
}

class ReferenceGemm : public ::testing::TestWithParam<std::tuple<int, int, int>> {};

TEST_P(ReferenceGemm, MatchesTripleLoop) {
  const auto [m, n, k] = GetParam();
  const HostMatrix a = random_matrix(m, k, 11), b = random_matrix(k, n, 12), c0 = random_matrix(m, n, 13);
  const float alpha = 1.25f, beta = -0.5f;
  const std::vector<double> c = reference_gemm(a, b, &c0, alpha, beta);
  ASSERT_EQ(c.size(), std::size_t(m) * n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j)
      EXPECT_NEAR(c[std::size_t(i) * n + j], plain_element(a, b, c0, alpha, beta, i, j), 1e-12 * (1 + k))
          << "element (" << i << ", " << j << ")";
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReferenceGemm,
                         ::testing::Values(std::make_tuple(1, 1, 1), std::make_tuple(3, 5, 7),
                                           std::make_tuple(17, 33, 65), std::make_tuple(64, 1, 300)));

TEST(ReferenceGemm, BetaZeroIgnoresC) {
  const HostMatrix a = random_matrix(4, 3, 1), b = random_matrix(3, 2, 2);
  HostMatrix c0(4, 2);
  for (float& value : c0.values) value = std::numeric_limits<float>::quiet_NaN();
  for (double value : reference_gemm(a, b, &c0, 1.0f, 0.0f)) EXPECT_FALSE(std::isnan(value));
}

TEST(ReferenceGemm, KnownSmallProduct) {
  HostMatrix a(2, 2), b(2, 2);
  a.values = {1, 2, 3, 4};
  b.values = {5, 6, 7, 8};
  EXPECT_EQ(reference_gemm(a, b, nullptr, 1.0f, 0.0f), (std::vector<double>{19, 22, 43, 50}));
}

TEST(ReferenceGemm, RejectsMismatchedShapes) {
  EXPECT_THROW(reference_gemm(HostMatrix(2, 3), HostMatrix(4, 2), nullptr, 1, 0), std::invalid_argument);
  EXPECT_THROW(reference_gemm(HostMatrix(2, 3), HostMatrix(3, 2), nullptr, 1, 1), std::invalid_argument);
}

TEST(RandomMatrix, SeededNonZeroAndInRange) {
  const HostMatrix x = random_matrix(50, 40, 7), y = random_matrix(50, 40, 7), z = random_matrix(50, 40, 8);
  EXPECT_EQ(x.values, y.values);
  EXPECT_NE(x.values, z.values);
  for (float value : x.values) {
    EXPECT_NE(value, 0.0f);
    EXPECT_GE(value, -1.0f);
    EXPECT_LT(value, 1.0f);
  }
}

}  // namespace
}  // namespace ladder

TEST(ReferenceGemm, ToleranceGrowsWithKAndStaysTight) {
  EXPECT_LT(ladder::fp32_gemm_tolerance(1), ladder::fp32_gemm_tolerance(4096));
  EXPECT_LT(ladder::fp32_gemm_tolerance(4096), 2e-5);  // fp32: well under 1e-4 even at large k
  EXPECT_GT(ladder::fp32_gemm_tolerance(1), 1e-7);     // but above fp32 rounding of a single product
}
