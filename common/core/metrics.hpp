/// \file common/core/metrics.hpp
/// \brief How far a result is from the reference, and whether every element was written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ladder {

/// The bit pattern written into outputs before a kernel runs: a quiet NaN with
/// a recognisable payload. An element that still holds it afterwards was never
/// written; any other NaN was computed.
inline constexpr std::uint32_t kPoisonBits = 0x7fc0dead;

/// kPoisonBits as a float.
float poison_value();

/// True when `value` has exactly the poison bit pattern.
bool is_poison(float value);

/// How many tolerances, in units of the reference's RMS, a single element may be off. The
/// Frobenius norm averages: an error confined to a small part of a large C (one wrong tile,
/// a bad edge path) moves it only by the square root of that part's share, and can hide
/// under the tolerance at 4096^2. Random inputs keep every element within about 6 RMS of
/// zero, and each element's rounding error in proportion, so a correct result stays well
/// inside 16; a wrong tile is off by about 1 RMS, hundreds of tolerances.
inline constexpr double kElementTolerances = 16;

/// Names the element at an index of the compared vectors in the problem's own terms
/// ("row 3, col 17"), so that a failure says where it is: one wrong tile, an edge, a
/// channel. Without one, the report says "element 17".
using ElementNamer = std::function<std::string(std::size_t index)>;

/// One element of a failed comparison: where it is, what was written there, what belongs there.
struct ElementMiss {
  std::string where;
  float got = 0;
  double want = 0;
};

/// What compare_to_reference found.
struct ErrorReport {
  double relative_frobenius = 0;           ///< ||C - C_ref||_F / ||C_ref||_F over the finite elements
  double max_abs = 0;                      ///< max |C - C_ref| over the finite elements
  double reference_rms = 0;                ///< sqrt(mean(C_ref^2)): the scale of one element
  std::size_t nan_count = 0;               ///< computed NaNs (poison not counted)
  std::size_t inf_count = 0;               ///< infinities
  std::size_t poison_count = 0;            ///< elements never written
  std::size_t count = 0;                   ///< elements compared
  double tolerance = 0;                    ///< the relative Frobenius bound that was applied
  std::size_t wrong_count = 0;             ///< elements never written, NaN, Inf, or off by more than element_bound()
  std::optional<ElementMiss> first_wrong;  ///< the lowest-indexed of those
  std::optional<ElementMiss> worst;        ///< a finite element off by max_abs, where max_abs > 0

  /// The bound on max_abs: kElementTolerances tolerances of the reference's RMS (of 1 when
  /// the reference is all zeros, as the relative error then is absolute).
  double element_bound() const;
  /// Passes when every element was written, none is NaN or Inf, the relative error is
  /// within tolerance, and no element is off by more than element_bound(). NaN never passes.
  bool passed() const;
  /// One line: "rel 3.1e-07, max abs 2.4e-06 (tol 1.0e-05)", then, for a result that did not
  /// pass, what went wrong and where: how many elements are wrong, the first, the worst.
  std::string describe() const;
};

/// Compares `got` with a double-precision reference of the same length; `name_element`
/// names the elements the report points at.
ErrorReport compare_to_reference(const std::vector<float>& got, const std::vector<double>& reference, double tolerance,
                                 const ElementNamer& name_element = {});

/// Names element `index` of a row-major matrix with `columns` columns: "row 3, col 17".
ElementNamer row_col_namer(std::size_t columns);

/// Median of the values (by copy): the mean of the middle two for an even count; 0 for none.
double median(std::vector<double> values);

}  // namespace ladder
