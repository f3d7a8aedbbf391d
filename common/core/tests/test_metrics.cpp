// The comparison must catch every way a kernel can be wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

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
  EXPECT_EQ(report.wrong_count, 2u);
  ASSERT_TRUE(report.first_wrong.has_value());
  EXPECT_EQ(report.first_wrong->where, "element 0");
  EXPECT_NE(report.describe().find("2 of 4 elements wrong, the first at element 0 (got the poison, want 1)"),
            std::string::npos)
      << report.describe();
}

TEST(Metrics, AFailureSaysWhereInTheNamersTerms) {
  // A 2 x 2 matrix whose last element is off: row 1, col 1.
  const ErrorReport report = compare_to_reference({1.0f, -2.0f, 3.0f, 0.75f}, kReference, 1e-6, row_col_namer(2));
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(report.wrong_count, 1u);
  ASSERT_TRUE(report.first_wrong.has_value() && report.worst.has_value());
  EXPECT_EQ(report.first_wrong->where, "row 1, col 1");
  EXPECT_EQ(report.first_wrong->got, 0.75f);
  EXPECT_EQ(report.first_wrong->want, 0.5);
  EXPECT_NE(report.describe().find("1 of 4 elements wrong, the first at row 1, col 1 (got 0.75, want 0.5), the worst "
                                   "at row 1, col 1"),
            std::string::npos)
      << report.describe();
}

TEST(Metrics, APassingReportNamesNoElement) {
  const ErrorReport report = compare_to_reference({1.0f, -2.0f, 3.0f, 0.5f + 1e-7f}, kReference, 1e-6);
  EXPECT_TRUE(report.passed());
  EXPECT_EQ(report.wrong_count, 0u);
  EXPECT_FALSE(report.first_wrong.has_value());
  EXPECT_EQ(report.describe().find("wrong"), std::string::npos) << report.describe();
  EXPECT_EQ(report.describe().find("worst"), std::string::npos) << report.describe();
}

TEST(Metrics, RowColNamerCountsFromZero) {
  const ElementNamer name = row_col_namer(7);
  EXPECT_EQ(name(0), "row 0, col 0");
  EXPECT_EQ(name(6), "row 0, col 6");
  EXPECT_EQ(name(7), "row 1, col 0");
  EXPECT_EQ(name(7 * 4096 + 3), "row 4096, col 3");
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

/// A reference shaped like a GEMM's: each element a sum of 16 random products.
std::vector<double> random_reference(std::size_t count) {
  std::mt19937 generator(7);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<double> reference(count);
  for (double& value : reference)
    for (int term = 0; term < 16; ++term) value += uniform(generator) * uniform(generator);
  return reference;
}

/// `value` rounded to 8 significant bits, as a bf16 output is.
float rounded_to_8_bits(double value) {
  int exponent = 0;
  const double mantissa = std::frexp(value, &exponent);  // in [0.5, 1): 8 bits are steps of 2^-8
  return float(std::ldexp(std::round(std::ldexp(mantissa, 8)), exponent - 8));
}

constexpr double kBf16Tolerance = 1.0 / 256;  // bf16's output rounding, as bf16_gemm_tolerance

TEST(Metrics, EveryElementRoundedToBf16Passes) {
  const std::vector<double> reference = random_reference(1 << 20);
  std::vector<float> got(reference.size());
  for (std::size_t i = 0; i < got.size(); ++i) got[i] = rounded_to_8_bits(reference[i]);
  const ErrorReport report = compare_to_reference(got, reference, kBf16Tolerance);
  EXPECT_TRUE(report.passed()) << report.describe();
  EXPECT_NEAR(report.reference_rms, std::sqrt(16.0 / 9.0), 0.01);  // 16 products of variance 1/9
  EXPECT_LT(report.max_abs, report.element_bound() / 2);           // well inside, as the rule's comment says
}

TEST(Metrics, AFewWrongElementsHiddenFromTheNormStillFail) {
  // 8 elements off by one RMS in 2^20: the relative Frobenius error is sqrt(8 / 2^20), 2.8e-3,
  // under bf16's tolerance; the element rule catches them.
  const std::vector<double> reference = random_reference(1 << 20);
  std::vector<float> got(reference.begin(), reference.end());
  for (std::size_t i = 1000; i < 1008; ++i) got[i] = float(reference[i] + std::sqrt(16.0 / 9.0));
  const ErrorReport report = compare_to_reference(got, reference, kBf16Tolerance);
  EXPECT_LT(report.relative_frobenius, kBf16Tolerance);
  EXPECT_FALSE(report.passed());
  EXPECT_NE(report.describe().find("an element off by more than"), std::string::npos) << report.describe();
  EXPECT_EQ(report.wrong_count, 8u);
  ASSERT_TRUE(report.first_wrong.has_value());
  EXPECT_EQ(report.first_wrong->where, "element 1000");
}

TEST(Metrics, ADiffuseErrorUnderTheElementBoundStillNamesTheWorst) {
  // Every element 1 % off: no element past 16 tolerances, but the norm fails.
  std::vector<float> got;
  for (double value : kReference) got.push_back(float(value * 1.01));
  const ErrorReport report = compare_to_reference(got, kReference, 1e-3);
  EXPECT_FALSE(report.passed());
  EXPECT_EQ(report.wrong_count, 0u);
  ASSERT_TRUE(report.worst.has_value());
  EXPECT_EQ(report.worst->where, "element 2");  // 3.0, the largest, is off the most
  EXPECT_NE(report.describe().find("; the worst at element 2"), std::string::npos) << report.describe();
}

// With an all-zero reference the scale is 1: the error is absolute (the Frobenius check decides).
TEST(Metrics, AnAllZeroReferenceIsComparedAbsolutely) {
  EXPECT_TRUE(compare_to_reference({0.0f, 1e-7f}, {0.0, 0.0}, 1e-6).passed());
  EXPECT_FALSE(compare_to_reference({0.0f, 1e-4f}, {0.0, 0.0}, 1e-6).passed());
}

}  // namespace
}  // namespace ladder
