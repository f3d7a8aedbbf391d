#include "common/conv/problem.hpp"

#include <climits>
#include <initializer_list>
#include <utility>

namespace ladder {
namespace {

// Whether the product of `factors` exceeds `limit`. Multiplying step by step
// and stopping as soon as the limit is passed keeps every partial product
// below limit · (largest factor) <= 2^62, so long long never overflows even
// when the product itself would (four sizes near 2^31 multiply to 2^124).
bool product_exceeds(std::initializer_list<long long> factors, long long limit) {
  long long product = 1;
  for (long long factor : factors) {
    product *= factor;
    if (product > limit) return true;
  }
  return false;
}

// "(1, 65536, 256, 256)": a tensor's extents, for messages (their product may
// not fit in any integer type, so it is not printed).
std::string extents(std::initializer_list<long long> values) {
  std::string text;
  for (long long value : values) text += (text.empty() ? "(" : ", ") + std::to_string(value);
  return text + ")";
}

// "7x7": a height and a width.
std::string area(long long height, long long width) { return std::to_string(height) + "x" + std::to_string(width); }

}  // namespace

std::optional<std::string> invalid_reason(const ConvProblem& problem) {
  const ConvProblem& pr = problem;
  // Named as in the formula of problem.hpp, so the message points at the right letter.
  const std::pair<const char*, int> sizes[] = {{"N", pr.n}, {"C", pr.c}, {"H", pr.h}, {"W", pr.w},
                                               {"K", pr.k}, {"R", pr.r}, {"S", pr.s}};
  for (const auto& [name, value] : sizes) {
    if (value < 1) return std::string(name) + " is " + std::to_string(value) + ": every size must be at least 1";
  }
  if (pr.stride < 1) return "stride is " + std::to_string(pr.stride) + ": it must be at least 1";
  if (pr.padding < 0) return "padding is " + std::to_string(pr.padding) + ": it must be 0 or more";

  // p() and q() add the padding in int, so the padded extents must fit first.
  const long long padded_h = (long long)pr.h + 2LL * pr.padding;
  const long long padded_w = (long long)pr.w + 2LL * pr.padding;
  if (padded_h > INT_MAX || padded_w > INT_MAX)
    return "the padded input, " + area(padded_h, padded_w) + " (" + area(pr.h, pr.w) + " with pad " +
           std::to_string(pr.padding) + "), has an extent that does not fit in an int";

  // With the filter larger than the padded input not one position fits, and
  // p() or q() would come out 0 or negative.
  if (pr.r > padded_h || pr.s > padded_w)
    return "the " + area(pr.r, pr.s) + " filter is larger than the padded " + area(padded_h, padded_w) + " input (" +
           area(pr.h, pr.w) + " with pad " + std::to_string(pr.padding) + ")";

  // The kernels narrow offsets to int once these bounds hold. One filter's
  // C·R·S (the GEMM view's reduction length) is checked before the filter
  // tensor that contains it, so that its own message can be seen.
  if (product_exceeds({pr.n, pr.c, pr.h, pr.w}, INT_MAX))
    return "the input tensor (N, C, H, W) = " + extents({pr.n, pr.c, pr.h, pr.w}) + " has more than INT32_MAX elements";
  if (product_exceeds({pr.c, pr.r, pr.s}, INT_MAX))
    return "one filter (C, R, S) = " + extents({pr.c, pr.r, pr.s}) +
           " has more than INT32_MAX elements: the GEMM view's reduction length C*R*S overflows int";
  if (product_exceeds({pr.k, pr.c, pr.r, pr.s}, INT_MAX))
    return "the filter tensor (K, C, R, S) = " + extents({pr.k, pr.c, pr.r, pr.s}) +
           " has more than INT32_MAX elements";
  if (product_exceeds({pr.n, pr.k, pr.p(), pr.q()}, INT_MAX))
    return "the output tensor (N, K, P, Q) = " + extents({pr.n, pr.k, pr.p(), pr.q()}) +
           " has more than INT32_MAX elements";
  return std::nullopt;
}

std::string describe(const ConvProblem& problem) {
  const ConvProblem& pr = problem;
  const std::string text = "N" + std::to_string(pr.n) + " C" + std::to_string(pr.c) + " " + area(pr.h, pr.w) + " -> K" +
                           std::to_string(pr.k) + " " + area(pr.r, pr.s) + " stride " + std::to_string(pr.stride) +
                           " pad " + std::to_string(pr.padding);
  // The output extent divides by the stride and adds the padding in int, so
  // it is computed only for a problem that passes the checks. A rejected one
  // is described without it: its message goes on with the reason.
  if (invalid_reason(pr)) return text;
  return text + " (output " + area(pr.p(), pr.q()) + ")";
}

ElementNamer nchw_output_namer(const ConvProblem& problem, std::vector<int> images) {
  const std::size_t q = problem.q(), p = problem.p(), per_image = std::size_t(problem.k) * p * q;
  return [images = std::move(images), q, p, per_image](std::size_t index) {
    const std::size_t slot = index / per_image, in_image = index % per_image;
    const std::size_t image = images.empty() ? slot : std::size_t(images.at(slot));
    return "image " + std::to_string(image) + ", channel " + std::to_string(in_image / (p * q)) + ", row " +
           std::to_string(in_image / q % p) + ", col " + std::to_string(in_image % q);
  };
}

}  // namespace ladder
