/// \file test_host_matrix.cpp
/// \brief The host matrices the tests build their inputs from: strides, and the transpose the
/// GEMM tests store B n x k with.
#include <gtest/gtest.h>

#include "common/core/host_matrix.hpp"

namespace ladder {
namespace {

TEST(HostMatrix, TransposedSwapsRowsAndColumns) {
  const HostMatrix matrix = random_matrix(3, 5, 7);
  const HostMatrix result = transposed(matrix);
  ASSERT_EQ(result.rows, 5);
  ASSERT_EQ(result.cols, 3);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 5; ++c) EXPECT_EQ(result.at(c, r), matrix.at(r, c)) << r << ", " << c;
  EXPECT_EQ(transposed(result).values, matrix.values);
}

TEST(HostMatrix, RowStrideRoundTripsAndFillsTheRest) {
  const HostMatrix matrix = random_matrix(2, 3, 9);
  const std::vector<float> stored = with_row_stride(matrix, 4, 1, -5.0f);
  ASSERT_EQ(stored.size(), 12u);  // 3 rows (2 + 1 extra) of 4
  EXPECT_EQ(stored[3], -5.0f);    // row 0's padding column
  EXPECT_EQ(stored[4], matrix.at(1, 0));
  for (int i = 8; i < 12; ++i) EXPECT_EQ(stored[i], -5.0f) << "extra row";
  EXPECT_EQ(without_row_stride(stored, 2, 3, 4), matrix.values);
}

}  // namespace
}  // namespace ladder
