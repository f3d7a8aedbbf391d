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

std::string ErrorReport::describe() const {
  std::ostringstream text;
  text.precision(2);
  text << std::scientific << "rel " << relative_frobenius << ", max abs " << max_abs << " (tol " << tolerance << ")";
  if (max_abs > element_bound()) text << ", an element off by more than " << element_bound();
  if (poison_count > 0) text << ", " << poison_count << " of " << count << " never written";
  if (nan_count > 0) text << ", " << nan_count << " NaN";
  if (inf_count > 0) text << ", " << inf_count << " Inf";
  return text.str();
}

ErrorReport compare_to_reference(const std::vector<float>& got, const std::vector<double>& reference,
                                 double tolerance) {
  if (got.size() != reference.size()) throw std::invalid_argument("compare_to_reference: sizes differ");
  ErrorReport report;
  report.count = got.size();
  report.tolerance = tolerance;
  double diff_squared = 0, ref_squared = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const float value = got[i];
    if (is_poison(value)) {
      ++report.poison_count;
    } else if (std::isnan(value)) {
      ++report.nan_count;
    } else if (std::isinf(value)) {
      ++report.inf_count;
    } else {
      const double diff = double(value) - reference[i];
      diff_squared += diff * diff;
      report.max_abs = std::max(report.max_abs, std::abs(diff));
    }
    ref_squared += reference[i] * reference[i];
  }
  // A zero reference (possible only with alpha = 0 and beta = 0) is compared absolutely.
  report.relative_frobenius = std::sqrt(diff_squared) / (ref_squared > 0 ? std::sqrt(ref_squared) : 1.0);
  report.reference_rms = got.empty() ? 0.0 : std::sqrt(ref_squared / double(got.size()));
  return report;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

}  // namespace ladder
