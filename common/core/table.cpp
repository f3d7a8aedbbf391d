#include "common/core/table.hpp"

#include <algorithm>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace ladder {

void Table::add_row(std::vector<std::string> cells) {
  if (cells.size() != headers_.size()) throw std::invalid_argument("Table::add_row: wrong number of cells");
  rows_.push_back(std::move(cells));
}

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> widths;
  for (const auto& header : headers_) widths.push_back(header.size());
  for (const auto& row : rows_)
    for (std::size_t column = 0; column < row.size(); ++column)
      widths[column] = std::max(widths[column], row[column].size());

  const auto print_row = [&](const std::vector<std::string>& cells) {
    for (std::size_t column = 0; column < cells.size(); ++column) {
      const bool last = column + 1 == cells.size();
      if (column == 0 || last)
        out << std::left;  // names and status read left to right
      else
        out << std::right;
      out << std::setw(last ? 0 : int(widths[column])) << cells[column] << (last ? "\n" : "  ");
    }
  };
  print_row(headers_);
  std::size_t total = 0;
  for (auto width : widths) total += width + 2;
  out << std::string(total - 2, '-') << "\n";
  for (const auto& row : rows_) print_row(row);
}

std::string fixed(double value, int digits) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(digits) << value;
  return text.str();
}

std::string scientific(double value, int digits) {
  std::ostringstream text;
  text << std::scientific << std::setprecision(digits) << value;
  return text.str();
}

}  // namespace ladder
