/// \file common/core/table.hpp
/// \brief The plain-text result table every executable prints.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ladder {

/// Columns of text, left-aligned first column, the rest right-aligned, e.g.
///
///     rung           ms  TFLOP/s  % of cuBLAS  rel. error  status
///     cuBLAS      2.712   50.68       100.0%     3.1e-07  ok
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  /// Adds a row; it must have one cell per header.
  void add_row(std::vector<std::string> cells);
  /// Writes the header, a rule and the rows.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// `value` with `digits` after the point ("12.35").
std::string fixed(double value, int digits);
/// `value` in scientific notation with `digits` after the point ("3.1e-07").
std::string scientific(double value, int digits);

}  // namespace ladder
