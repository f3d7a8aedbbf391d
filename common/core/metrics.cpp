#include "common/core/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace ladder {

float poison_value() {
  float value;
  std::memcpy(&value, &kPoisonBits, sizeof value);
  return value;
}

bool is_poison(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits == kPoisonBits;
}

double ErrorReport::element_bound() const {
  return kElementTolerances * tolerance * (reference_rms > 0 ? reference_rms : 1.0);
}

bool ErrorReport::passed() const {
  return count > 0 && nan_count == 0 && inf_count == 0 && poison_count == 0 && std::isfinite(relative_frobenius) &&
         relative_frobenius <= tolerance && max_abs <= element_bound();
}

namespace {

std::string describe_miss(const ElementMiss& miss) {
  std::ostringstream text;
  text.precision(6);
  text << miss.where << " (got ";
  if (is_poison(miss.got))
    text << "the poison";
  else
    text << miss.got;
  text << ", want " << miss.want << ")";
  return text.str();
}

}  // namespace

std::string ErrorReport::describe() const {
  std::ostringstream text;
  text.precision(2);
  text << std::scientific << "rel " << relative_frobenius << ", max abs " << max_abs << " (tol " << tolerance << ")";
  if (max_abs > element_bound()) text << ", an element off by more than " << element_bound();
  if (poison_count > 0) text << ", " << poison_count << " of " << count << " never written";
  if (nan_count > 0) text << ", " << nan_count << " NaN";
  if (inf_count > 0) text << ", " << inf_count << " Inf";
  if (passed()) return text.str();
  // Where it went wrong, for a failure read from a log long after the GPU has gone.
  if (wrong_count > 0) text << "; " << wrong_count << " of " << count << " elements wrong";
  if (first_wrong) text << ", the first at " << describe_miss(*first_wrong);
  if (worst) text << (wrong_count > 0 ? ", the worst at " : "; the worst at ") << describe_miss(*worst);
  return text.str();
}

ElementNamer row_col_namer(std::size_t columns) {
  return [columns](std::size_t index) {
    return "row " + std::to_string(index / columns) + ", col " + std::to_string(index % columns);
  };
}

ErrorReport compare_to_reference(const std::vector<float>& got, const std::vector<double>& reference, double tolerance,
                                 const ElementNamer& name_element) {
  if (got.size() != reference.size()) throw std::invalid_argument("compare_to_reference: sizes differ");
  ErrorReport report;
  report.count = got.size();
  report.tolerance = tolerance;
  // First the reference's scale, which sets the per-element bound; then each element against it.
  double ref_squared = 0;
  for (double value : reference) ref_squared += value * value;
  report.reference_rms = got.empty() ? 0.0 : std::sqrt(ref_squared / double(got.size()));
  const double bound = report.element_bound();
  const auto miss = [&](std::size_t i) {
    return ElementMiss{name_element ? name_element(i) : "element " + std::to_string(i), got[i], reference[i]};
  };
  double diff_squared = 0;
  std::size_t worst_index = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const float value = got[i];
    bool wrong = true;
    if (is_poison(value)) {
      ++report.poison_count;
    } else if (std::isnan(value)) {
      ++report.nan_count;
    } else if (std::isinf(value)) {
      ++report.inf_count;
    } else {
      const double diff = std::abs(double(value) - reference[i]);
      diff_squared += diff * diff;
      if (diff > report.max_abs) {
        report.max_abs = diff;
        worst_index = i;
      }
      wrong = diff > bound;
    }
    if (wrong) {
      if (report.wrong_count == 0) report.first_wrong = miss(i);
      ++report.wrong_count;
    }
  }
  if (report.max_abs > 0) report.worst = miss(worst_index);
  // A zero reference (possible only with alpha = 0 and beta = 0) is compared absolutely.
  report.relative_frobenius = std::sqrt(diff_squared) / (ref_squared > 0 ? std::sqrt(ref_squared) : 1.0);
  return report;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

}  // namespace ladder
