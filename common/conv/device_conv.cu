#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/conv/device_conv.cuh"
#include "common/conv/reference.hpp"
#include "common/core/cuda_check.cuh"
#include "common/core/host_matrix.hpp"
#include "common/core/metrics.hpp"
#include "common/gemm/elements.cuh"

namespace ladder {

ConvInputs random_conv_inputs(const ConvProblem& problem, std::uint64_t seed, bool bf16) {
  ConvInputs inputs{problem, std::vector<float>(problem.input_elements()),
                    std::vector<float>(problem.filter_elements())};
  fill_random(inputs.x_nchw, seed);
  fill_random(inputs.w_kcrs, seed + 1);
  const float scale = 1.0f / std::sqrt(float(problem.gemm_k()));
  for (float& weight : inputs.w_kcrs) weight *= scale;
  if (bf16) {
    for (float& value : inputs.x_nchw) value = round_to_bf16(value);
    for (float& value : inputs.w_kcrs) value = round_to_bf16(value);
  }
  return inputs;
}

namespace {
constexpr bool is_bf16(const float*) { return false; }
constexpr bool is_bf16(const __nv_bfloat16*) { return true; }

/// `values` as Elements, followed by `guard` NaNs.
template <typename Element>
std::vector<Element> with_nan_guard(std::vector<float> values, std::size_t guard) {
  values.resize(values.size() + guard, std::nanf(""));
  return to_elements<Element>(values);
}
}  // namespace

template <typename Element>
DeviceConv<Element>::DeviceConv(const ConvInputs& inputs, std::size_t workspace_bytes, std::size_t guard_elements)
    : problem_(inputs.problem), y_(inputs.problem.output_elements() + guard_elements), workspace_(workspace_bytes) {
  const ConvProblem& p = problem_;
  if (is_bf16(static_cast<const Element*>(nullptr))) {
    x_ =
        DeviceBuffer<Element>(with_nan_guard<Element>(nchw_to_nhwc(inputs.x_nchw, p.n, p.c, p.h, p.w), guard_elements));
    w_ =
        DeviceBuffer<Element>(with_nan_guard<Element>(kcrs_to_krsc(inputs.w_kcrs, p.k, p.c, p.r, p.s), guard_elements));
  } else {
    x_ = DeviceBuffer<Element>(with_nan_guard<Element>(inputs.x_nchw, guard_elements));
    w_ = DeviceBuffer<Element>(with_nan_guard<Element>(inputs.w_kcrs, guard_elements));
  }
}

template <typename Element>
ConvArgsOf<Element> DeviceConv<Element>::args() {
  return {problem_,         x_.data(), w_.data(), y_.data(), workspace_.size() > 0 ? workspace_.data() : nullptr,
          workspace_.size()};
}

template <typename Element>
void DeviceConv<Element>::poison() {
  y_.upload(to_elements<Element>(std::vector<float>(y_.size(), poison_value())));
  workspace_.fill_with_nan_bytes();
}

template <typename Element>
std::size_t DeviceConv<Element>::writes_past_y() const {
  const std::vector<Element> y = y_.download();
  const Element poison = to_elements<Element>(std::vector<float>{poison_value()}).front();
  return std::size_t(std::count_if(y.begin() + std::ptrdiff_t(problem_.output_elements()), y.end(),
                                   [&](const Element& value) { return std::memcmp(&value, &poison, sizeof value); }));
}

template <typename Element>
std::vector<float> DeviceConv<Element>::output_nchw() const {
  std::vector<float> y = to_floats(y_.download());
  y.resize(problem_.output_elements());  // not the guard
  if (!is_bf16(static_cast<const Element*>(nullptr))) return y;
  const ConvProblem& p = problem_;
  return nhwc_to_nchw(y, p.n, p.k, p.p(), p.q());
}

template <typename Element>
std::vector<float> run_conv_once(const ConvRung& rung, DeviceConv<Element>& tensors) {
  tensors.poison();
  rung.launch(tensors.args(), nullptr);
  LADDER_CUDA_CHECK(cudaDeviceSynchronize());  // surfaces faults inside the kernel
  return tensors.output_nchw();
}

std::vector<int> images_to_check(const ConvProblem& problem, double max_reference_flops) {
  std::vector<int> images;
  if (problem.flops() <= max_reference_flops) {
    for (int image = 0; image < problem.n; ++image) images.push_back(image);
  } else {
    images.push_back(0);
    if (problem.n > 1) images.push_back(problem.n - 1);
  }
  return images;
}

std::vector<float> output_images(const ConvProblem& problem, const std::vector<float>& y_nchw,
                                 const std::vector<int>& images) {
  const std::size_t per_image = std::size_t(problem.k) * problem.p() * problem.q();
  std::vector<float> selected;
  selected.reserve(per_image * images.size());
  for (int image : images)
    selected.insert(selected.end(), y_nchw.begin() + std::ptrdiff_t(per_image * image),
                    y_nchw.begin() + std::ptrdiff_t(per_image * (image + 1)));
  return selected;
}

template class DeviceConv<float>;
template class DeviceConv<__nv_bfloat16>;
template std::vector<float> run_conv_once(const ConvRung&, DeviceConv<float>&);
template std::vector<float> run_conv_once(const ConvRung&, DeviceConv<__nv_bfloat16>&);

}  // namespace ladder
