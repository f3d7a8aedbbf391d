#include "common/nn/network.hpp"

#include <stdexcept>

#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

template <typename T>
Parameter<T> make_parameter(const std::string& name, std::vector<int> shape) {
  return Parameter<T>{name, Tensor<T>(shape), Tensor<T>(shape)};
}

}  // namespace

int LeNetConfig::pooled_size() const { return (image_size / 2 - (kLeNetKernel - 1)) / 2; }

int LeNetConfig::flattened_features() const { return conv2_channels * pooled_size() * pooled_size(); }

void LeNetConfig::validate() const {
  if (image_size < 12) throw std::invalid_argument("LeNet: images must be at least 12x12");
  for (int extent : {conv1_channels, conv2_channels, fc1_features, fc2_features}) {
    if (extent < 1) throw std::invalid_argument("LeNet: every layer needs at least one channel or feature");
  }
  if (classes < 2) throw std::invalid_argument("LeNet: at least two classes");
}

std::string LeNetConfig::describe() const {
  return "lenet5 image " + std::to_string(image_size) + " conv1 " + std::to_string(conv1_channels) + " conv2 " +
         std::to_string(conv2_channels) + " fc1 " + std::to_string(fc1_features) + " fc2 " +
         std::to_string(fc2_features) + " classes " + std::to_string(classes);
}

template <typename T>
LeNet<T>::LeNet(const LeNetConfig& config, std::uint64_t seed) : config_(config) {
  config.validate();
  const LeNetConfig& c = config;
  params_ = {make_parameter<T>("conv1.weight", {c.conv1_channels, 1, kLeNetKernel, kLeNetKernel}),
             make_parameter<T>("conv1.bias", {c.conv1_channels}),
             make_parameter<T>("conv2.weight", {c.conv2_channels, c.conv1_channels, kLeNetKernel, kLeNetKernel}),
             make_parameter<T>("conv2.bias", {c.conv2_channels}),
             make_parameter<T>("fc1.weight", {c.fc1_features, c.flattened_features()}),
             make_parameter<T>("fc1.bias", {c.fc1_features}),
             make_parameter<T>("fc2.weight", {c.fc2_features, c.fc1_features}),
             make_parameter<T>("fc2.bias", {c.fc2_features}),
             make_parameter<T>("fc3.weight", {c.classes, c.fc2_features}),
             make_parameter<T>("fc3.bias", {c.classes})};
  Random random(seed);
  for (Index weight : {kConv1W, kConv2W, kFc1W, kFc2W, kFc3W}) {
    Tensor<T>& w = param(weight).value;
    he_normal_init(w, int(w.size() / std::size_t(w.dim(0))), random);  // fan-in: one output's inputs
  }
}

template <typename T>
Tensor<T> LeNet<T>::forward(const Tensor<T>& images) {
  const int side = config_.image_size;
  if (images.shape.size() != 4 || images.dim(1) != 1 || images.dim(2) != side || images.dim(3) != side) {
    throw std::invalid_argument("LeNet::forward: images must be (N, 1, " + std::to_string(side) + ", " +
                                std::to_string(side) + "), got " + shape_to_string(images.shape));
  }
  Activations& a = saved_;
  a.images = images;
  a.conv1 = conv2d_forward(a.images, value(kConv1W), value(kConv1B), kLeNetConv1);  // (N, C1, S, S)
  a.relu1 = relu_forward(a.conv1);
  a.pool1 = max_pool_forward(a.relu1, kLeNetPool);                                 // (N, C1, S/2, S/2)
  a.conv2 = conv2d_forward(a.pool1, value(kConv2W), value(kConv2B), kLeNetConv2);  // (N, C2, S/2-4, S/2-4)
  a.relu2 = relu_forward(a.conv2);
  a.pool2 = max_pool_forward(a.relu2, kLeNetPool);              // (N, C2, P, P), read by fc1 as (N, C2*P*P)
  a.fc1 = linear_forward(a.pool2, value(kFc1W), value(kFc1B));  // (N, F1)
  a.relu3 = relu_forward(a.fc1);
  a.fc2 = linear_forward(a.relu3, value(kFc2W), value(kFc2B));  // (N, F2)
  a.relu4 = relu_forward(a.fc2);
  return linear_forward(a.relu4, value(kFc3W), value(kFc3B));  // (N, classes)
}

template <typename T>
void LeNet<T>::set_grads(Index weight, LayerGradients<T>& grads) {
  param(weight).grad = std::move(grads.weight);
  param(Index(weight + 1)).grad = std::move(grads.bias);  // every bias follows its weight
}

template <typename T>
void LeNet<T>::backward(const Tensor<T>& grad_logits) {
  const Activations& a = saved_;
  LayerGradients<T> fc3 = linear_backward(a.relu4, value(kFc3W), grad_logits);
  LayerGradients<T> fc2 = linear_backward(a.relu3, value(kFc2W), relu_backward(a.fc2, fc3.input));
  LayerGradients<T> fc1 = linear_backward(a.pool2, value(kFc1W), relu_backward(a.fc1, fc2.input));
  const Tensor<T> grad_conv2 = relu_backward(a.conv2, max_pool_backward(a.relu2, fc1.input, kLeNetPool));
  LayerGradients<T> conv2 = conv2d_backward(a.pool1, value(kConv2W), grad_conv2, kLeNetConv2);
  const Tensor<T> grad_conv1 = relu_backward(a.conv1, max_pool_backward(a.relu1, conv2.input, kLeNetPool));
  // The images need no gradient, so conv1 skips its (costly) backward-data pass.
  LayerGradients<T> conv1{{},
                          conv2d_backward_weight(a.images, grad_conv1, value(kConv1W).shape, kLeNetConv1),
                          conv2d_backward_bias(grad_conv1)};
  set_grads(kFc3W, fc3);
  set_grads(kFc2W, fc2);
  set_grads(kFc1W, fc1);
  set_grads(kConv2W, conv2);
  set_grads(kConv1W, conv1);
}

template <typename T>
std::vector<ActivationShape> LeNet<T>::activation_shapes() const {
  const Activations& a = saved_;
  return {{"images", a.images.shape}, {"conv1", a.conv1.shape}, {"relu1", a.relu1.shape}, {"pool1", a.pool1.shape},
          {"conv2", a.conv2.shape},   {"relu2", a.relu2.shape}, {"pool2", a.pool2.shape}, {"fc1", a.fc1.shape},
          {"relu3", a.relu3.shape},   {"fc2", a.fc2.shape},     {"relu4", a.relu4.shape}};
}

template <typename T>
std::vector<Parameter<T>*> LeNet<T>::parameters() {
  std::vector<Parameter<T>*> pointers;
  for (Parameter<T>& p : params_) pointers.push_back(&p);
  return pointers;
}

template <typename T>
std::vector<const Parameter<T>*> LeNet<T>::parameters() const {
  std::vector<const Parameter<T>*> pointers;
  for (const Parameter<T>& p : params_) pointers.push_back(&p);
  return pointers;
}

template class LeNet<float>;
template class LeNet<double>;

}  // namespace ladder::nn
