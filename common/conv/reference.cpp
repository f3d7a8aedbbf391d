#include "common/conv/reference.hpp"

#include <algorithm>

#include "common/conv/index.hpp"
#include "common/nn/layers.hpp"
#include "common/nn/tensor.hpp"

namespace ladder {
namespace {

// Throws std::invalid_argument, naming the caller, when the problem is not a
// convolution or a vector's length does not match it.
void check_arguments(const char* caller, const ConvProblem& problem, const std::vector<float>* x_nchw,
                     const std::vector<float>* w_kcrs) {
  if (auto reason = invalid_reason(problem)) throw std::invalid_argument(std::string(caller) + ": " + *reason);
  const auto check_length = [&](const std::vector<float>* values, const char* name, std::size_t expected,
                                const char* formula) {
    if (values != nullptr && values->size() != expected)
      throw std::invalid_argument(std::string(caller) + ": " + name + " has " + std::to_string(values->size()) +
                                  " elements, but " + describe(problem) + " needs " + formula + " = " +
                                  std::to_string(expected));
  };
  check_length(x_nchw, "the input", problem.input_elements(), "N*C*H*W");
  check_length(w_kcrs, "the filter", problem.filter_elements(), "K*C*R*S");
}

// The filters as common/nn's weight tensor (K, C, R, S) in double, with the
// zero bias the conv chapters' problem has (it is a plain convolution).
struct DoubleFilters {
  nn::Tensor<double> weight;
  nn::Tensor<double> bias;
};

DoubleFilters to_double_filters(const ConvProblem& problem, const std::vector<float>& w_kcrs) {
  DoubleFilters filters{nn::Tensor<double>({problem.k, problem.c, problem.r, problem.s}),
                        nn::Tensor<double>({problem.k})};
  std::copy(w_kcrs.begin(), w_kcrs.end(), filters.weight.values.begin());
  return filters;
}

// The reference on `images` consecutive images starting at `first_image` of x.
std::vector<double> conv_in_double(const ConvProblem& problem, const std::vector<float>& x_nchw, int first_image,
                                   int images, const DoubleFilters& filters) {
  nn::Tensor<double> input({images, problem.c, problem.h, problem.w});
  const std::size_t image_elements = std::size_t(problem.c) * problem.h * problem.w;
  std::copy_n(x_nchw.begin() + std::ptrdiff_t(first_image * image_elements), input.size(), input.values.begin());
  const nn::Conv2dParams params{problem.stride, problem.padding};
  return nn::conv2d_forward(input, filters.weight, filters.bias, params).values;
}

}  // namespace

std::vector<double> reference_conv_nchw(const ConvProblem& problem, const std::vector<float>& x_nchw,
                                        const std::vector<float>& w_kcrs) {
  check_arguments("reference_conv_nchw", problem, &x_nchw, &w_kcrs);
  return conv_in_double(problem, x_nchw, 0, problem.n, to_double_filters(problem, w_kcrs));
}

std::vector<double> reference_conv_nchw_images(const ConvProblem& problem, const std::vector<float>& x_nchw,
                                               const std::vector<float>& w_kcrs, const std::vector<int>& images) {
  check_arguments("reference_conv_nchw_images", problem, &x_nchw, &w_kcrs);
  for (int image : images) {
    if (image < 0 || image >= problem.n)
      throw std::invalid_argument("reference_conv_nchw_images: image " + std::to_string(image) +
                                  " is outside the batch [0, " + std::to_string(problem.n) + ")");
  }
  // Images are independent (the batch is only an outer loop), so each is its
  // own N = 1 convolution; the filters are converted once for all of them.
  const DoubleFilters filters = to_double_filters(problem, w_kcrs);
  std::vector<double> outputs;
  outputs.reserve(images.size() * std::size_t(problem.k) * problem.p() * problem.q());
  for (int image : images) {
    const std::vector<double> y_image = conv_in_double(problem, x_nchw, image, 1, filters);
    outputs.insert(outputs.end(), y_image.begin(), y_image.end());
  }
  return outputs;
}

std::vector<float> im2col_nchw(const ConvProblem& problem, const std::vector<float>& x_nchw) {
  check_arguments("im2col_nchw", problem, &x_nchw, nullptr);
  const long long rows = problem.gemm_m();
  const int cols = problem.gemm_k();
  std::vector<float> lowered(std::size_t(rows) * cols);  // (gemm_m, gemm_k) = (N·P·Q, C·R·S), row-major
  // One entry at a time, decoded exactly as the GPU kernel's threads decode
  // theirs: the row names the output position, the column the filter tap, and
  // together they name one input element (or the padding).
  for (long long row = 0; row < rows; ++row) {
    const conv::OutputPosition out = conv::output_position(problem, row);
    for (int col = 0; col < cols; ++col) {
      const conv::FilterTap tap = conv::filter_tap_crs(problem, col);
      const int h = conv::input_row(problem, out.p, tap.r);
      const int w = conv::input_col(problem, out.q, tap.s);
      lowered[std::size_t(row) * cols + col] = conv::inside_image(problem, h, w)
                                                   ? x_nchw[std::size_t(conv::nchw_offset(problem, out.n, tap.c, h, w))]
                                                   : 0.0f;
    }
  }
  return lowered;
}

std::size_t im2col_bytes(const ConvProblem& problem, int element_bytes) {
  return std::size_t(problem.gemm_m()) * std::size_t(problem.gemm_k()) * std::size_t(element_bytes);
}

}  // namespace ladder
