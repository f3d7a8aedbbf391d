#include <gtest/gtest.h>

#include <sstream>

#include "common/core/table.hpp"

namespace ladder {
namespace {

TEST(Table, AlignsColumns) {
  Table table({"rung", "ms", "status"});
  table.add_row({"cuBLAS", "2.500", "ok"});
  table.add_row({"01 naive", "120.125", "ok"});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(),
            "rung           ms  status\n"
            "-------------------------\n"
            "cuBLAS      2.500  ok\n"
            "01 naive  120.125  ok\n");
}

TEST(Table, RejectsRaggedRows) {
  Table table({"a", "b"});
  EXPECT_THROW(table.add_row({"only one"}), std::invalid_argument);
}

TEST(Table, Formats) {
  EXPECT_EQ(fixed(3.14159, 2), "3.14");
  EXPECT_EQ(scientific(0.000123, 1), "1.2e-04");
}

}  // namespace
}  // namespace ladder
