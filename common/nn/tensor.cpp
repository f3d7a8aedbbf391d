#include "common/nn/tensor.hpp"

namespace ladder::nn {

std::string shape_to_string(const std::vector<int>& shape) {
  std::string text;
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i == 0 ? "" : "x") + std::to_string(shape[i]);
  return text.empty() ? "scalar" : text;
}

}  // namespace ladder::nn
