/// \file common/core/outcome.hpp
/// \brief How one rung fared on one problem, whatever it computes: what every table's status column and every
/// program's exit status read.
#pragma once

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "common/core/metrics.hpp"

namespace ladder {

/// Skipped, failed, or ran (and was checked, or not). The GEMM and conv
/// runners' results extend it with the rung and its timings.
struct RungOutcome {
  std::optional<std::string> skip_reason;  ///< set when the rung did not run
  std::optional<std::string> failure;      ///< set when its launch failed or its kernel faulted
  std::optional<ErrorReport> error;        ///< set when it was verified

  /// "ok", "FAIL: <why>", "not checked" or "skipped: <reason>".
  std::string status() const {
    if (skip_reason) return "skipped: " + *skip_reason;
    if (failure) return "FAIL: " + *failure;
    if (!error) return "not checked";
    return error->passed() ? "ok" : "FAIL: " + error->describe();
  }
  /// Ran, and was verified correct (or ran unchecked, with --no-check).
  bool passed() const { return !skip_reason && !failure && (!error || error->passed()); }
};

/// A program's exit status after a run: 0 when every rung that ran was
/// correct, 1 when one was not, or when a rung was skipped and `fail_on_skip`
/// asks for that to count as a failure (said on stderr).
template <typename Result>
int exit_status_of_run(const std::vector<Result>& results, bool fail_on_skip, const char* program) {
  const auto skipped = std::count_if(results.begin(), results.end(), [](const Result& r) { return r.skip_reason; });
  const bool all_ok =
      std::all_of(results.begin(), results.end(), [](const Result& r) { return r.skip_reason || r.passed(); });
  if (fail_on_skip && skipped > 0)
    std::cerr << program << ": " << skipped << " rung(s) skipped, and --fail-on-skip makes that a failure\n";
  return all_ok && !(fail_on_skip && skipped > 0) ? 0 : 1;
}

}  // namespace ladder
