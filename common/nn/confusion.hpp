/// \file common/nn/confusion.hpp
/// \brief Confusion matrix, per-class precision, recall and F1, and their printed report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ladder::nn {

/// Counts of (true class, predicted class) pairs.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int classes);

  /// Records one prediction.
  void add(int actual, int predicted);
  /// How often `actual` was predicted as `predicted`.
  std::int64_t count(int actual, int predicted) const;
  int classes() const { return classes_; }
  std::int64_t total() const;

  /// Fraction of all predictions that were right (0 when empty).
  double accuracy() const;
  /// Of the predictions of class c, the fraction that were right (0 when c was never predicted).
  double precision(int c) const;
  /// Of the examples of class c, the fraction predicted as c (0 when c never occurred).
  double recall(int c) const;
  /// Harmonic mean of precision and recall (0 when both are 0).
  double f1(int c) const;

 private:
  int classes_;
  std::vector<std::int64_t> counts_;  // (actual, predicted)
};

/// A table of precision, recall, F1 and support per class, then the confusion
/// matrix with true classes as rows and predictions as columns. With `names`
/// (one per class), the table also names each class and the matrix keeps the numbers.
std::string format_classification_report(const ConfusionMatrix& confusion, const std::vector<std::string>& names = {});

/// Fashion-MNIST's ten classes, in label order (Zalando's dataset: the same IDX format and
/// sizes as MNIST, harder to classify).
const std::vector<std::string>& fashion_mnist_class_names();

}  // namespace ladder::nn
