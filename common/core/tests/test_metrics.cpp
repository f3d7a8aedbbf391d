// The comparison must catch every way a kernel can be wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/core/metrics.hpp"

namespace ladder {
namespace {

const std::vector<double> kReference = {1.0, -2.0, 3.0, 0.5};

TEST(Metrics, ExactResultPasses) {
  const ErrorReport report = compare_to_reference({1.0f, -2.0f, 3.0f, 0.5f}, kReference, 1e-6);
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.relative_frobenius, 0.0);
  EXPECT_EQ(report.count, 4u);
}

TEST(Metrics, SmallErrorIsMeasured) {
  const ErrorReport report = compare_to_reference({1.0f, -2.0f, 3.0f, 0.5001f}, kReference, 1e-6);
  EXPECT_NEAR(report.max_abs, 1e-4, 1e-7);
  EXPECT_NEAR(report.relative_frobenius, 1e-4 / std::sqrt(1 + 4 + 9 + 0.25), 1e-7);
  EXPECT_FALSE(report.passed());
}

TEST(Metrics, NaNNeverPasses) {
  const ErrorReport report =
      compare_to_reference({1.0f, std::numeric_limits<float>::quiet_NaN(), 3.0f, 0.5f}, kReference, 1e9);
  EXPECT_EQ(report.nan_count, 1u);
  EXPECT_EQ(report.poison_count, 0u);
  EXPECT_FALSE(report.passed());
}

TEST(Metrics, InfNeverPasses) {
  const ErrorReport report =
      compare_to_reference({1.0f, -std::numeric_limits<float>::infinity(), 3.0f, 0.5f}, kReference, 1e9);
  EXPECT_EQ(report.inf_count, 1u);
  EXPECT_FALSE(report.passed());
}

TEST(Metrics, PoisonIsCountedAsUnwritten) {
  const ErrorReport report = compare_to_reference({poison_value(), -2.0f, poison_value(), 0.5f}, kReference, 1e9);
  EXPECT_EQ(report.poison_count, 2u);
  EXPECT_EQ(report.nan_count, 0u);  // the poison is a NaN, but counted once, as unwritten
  EXPECT_FALSE(report.passed());
  EXPECT_NE(report.describe().find("2 of 4 never written"), std::string::npos);
}

TEST(Metrics, PoisonIsADistinctNaN) {
  EXPECT_TRUE(std::isnan(poison_value()));
  EXPECT_TRUE(is_poison(poison_value()));
  EXPECT_FALSE(is_poison(std::numeric_limits<float>::quiet_NaN()));
  EXPECT_FALSE(is_poison(0.0f));
}

TEST(Metrics, SizeMismatchThrows) {
  EXPECT_THROW(compare_to_reference({1.0f}, kReference, 1e-6), std::invalid_argument);
}

TEST(Metrics, EmptyNeverPasses) { EXPECT_FALSE(compare_to_reference({}, {}, 1.0).passed()); }

}  // namespace
}  // namespace ladder
