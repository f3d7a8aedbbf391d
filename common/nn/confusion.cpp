#include "common/nn/confusion.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <stdexcept>

namespace ladder::nn {

ConfusionMatrix::ConfusionMatrix(int classes) : classes_(classes), counts_(std::size_t(classes) * classes, 0) {}

void ConfusionMatrix::add(int actual, int predicted) {
  if (actual < 0 || actual >= classes_ || predicted < 0 || predicted >= classes_) {
    throw std::out_of_range("ConfusionMatrix::add: class out of range");
  }
  ++counts_[std::size_t(actual) * classes_ + predicted];
}

std::int64_t ConfusionMatrix::count(int actual, int predicted) const {
  return counts_[std::size_t(actual) * classes_ + predicted];
}

std::int64_t ConfusionMatrix::total() const { return std::accumulate(counts_.begin(), counts_.end(), std::int64_t(0)); }

double ConfusionMatrix::accuracy() const {
  std::int64_t correct = 0;
  for (int c = 0; c < classes_; ++c) correct += count(c, c);
  return total() == 0 ? 0.0 : double(correct) / double(total());
}

double ConfusionMatrix::precision(int c) const {
  std::int64_t predicted = 0;
  for (int actual = 0; actual < classes_; ++actual) predicted += count(actual, c);
  return predicted == 0 ? 0.0 : double(count(c, c)) / double(predicted);
}

double ConfusionMatrix::recall(int c) const {
  std::int64_t occurred = 0;
  for (int predicted = 0; predicted < classes_; ++predicted) occurred += count(c, predicted);
  return occurred == 0 ? 0.0 : double(count(c, c)) / double(occurred);
}

double ConfusionMatrix::f1(int c) const {
  const double p = precision(c), r = recall(c);
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

std::string format_classification_report(const ConfusionMatrix& confusion, const std::vector<std::string>& names) {
  const bool named = int(names.size()) == confusion.classes();
  std::string report =
      named ? "class  name         precision  recall     f1  support\n" : "class  precision  recall     f1  support\n";
  char line[160];
  for (int c = 0; c < confusion.classes(); ++c) {
    std::int64_t support = 0;
    for (int p = 0; p < confusion.classes(); ++p) support += confusion.count(c, p);
    const std::string name = named ? "  " + names[std::size_t(c)] +
                                         std::string(12 - std::min<std::size_t>(12, names[std::size_t(c)].size()), ' ')
                                   : "";
    std::snprintf(line, sizeof line, "%5d%s  %9.4f  %6.4f  %6.4f  %7lld\n", c, name.c_str(), confusion.precision(c),
                  confusion.recall(c), confusion.f1(c), static_cast<long long>(support));
    report += line;
  }
  report += "\nconfusion matrix (rows: true class, columns: predicted class)\n     ";
  for (int p = 0; p < confusion.classes(); ++p) {
    std::snprintf(line, sizeof line, "%6d", p);
    report += line;
  }
  for (int a = 0; a < confusion.classes(); ++a) {
    std::snprintf(line, sizeof line, "\n%5d", a);
    report += line;
    for (int p = 0; p < confusion.classes(); ++p) {
      std::snprintf(line, sizeof line, "%6lld", static_cast<long long>(confusion.count(a, p)));
      report += line;
    }
  }
  return report + "\n";
}

const std::vector<std::string>& fashion_mnist_class_names() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

}  // namespace ladder::nn
