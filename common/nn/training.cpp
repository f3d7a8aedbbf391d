#include "common/nn/training.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

int count_correct(const Tensor<float>& logits, const std::vector<int>& labels) {
  int correct = 0;
  for (int n = 0; n < int(labels.size()); ++n) correct += predicted_class(logits, n) == labels[n];
  return correct;
}

}  // namespace

std::vector<int> shuffled_indices(int count, Random& random) {
  std::vector<int> order(static_cast<std::size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  for (int i = count - 1; i > 0; --i) std::swap(order[i], order[random.below(std::uint64_t(i) + 1)]);
  return order;
}

Dataset make_dataset(const LabelledImages& set) {
  Dataset data;
  data.images = Tensor<float>({set.images.count, 1, set.images.rows, set.images.cols});
  std::transform(set.images.pixels.begin(), set.images.pixels.end(), data.images.values.begin(),
                 [](std::uint8_t pixel) { return float(pixel) / 255.0f; });
  data.labels.assign(set.labels.labels.begin(), set.labels.labels.end());
  return data;
}

Dataset gather_batch(const Dataset& data, const std::vector<int>& indices) {
  std::vector<int> shape = data.images.shape;
  shape[0] = int(indices.size());
  Dataset batch{Tensor<float>(shape), {}};
  const std::size_t image_size = data.images.size() / std::size_t(data.count());
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const float* source = data.images.data() + std::size_t(indices[i]) * image_size;
    std::copy(source, source + image_size, batch.images.data() + i * image_size);
    batch.labels.push_back(data.labels[std::size_t(indices[i])]);
  }
  return batch;
}

int predicted_class(const Tensor<float>& logits, int n) {
  const float* row = logits.data() + std::size_t(n) * logits.dim(1);
  return int(std::max_element(row, row + logits.dim(1)) - row);
}

EpochStats train_epoch(LeNet<float>& network, Optimizer<float>& optimizer, const Dataset& data, int batch_size,
                       Random& shuffle, const ProgressCallback& progress, const StepPlan& plan) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<int> order = shuffled_indices(data.count(), shuffle);
  double loss_sum = 0;
  int correct = 0;
  long step = plan.first_step;
  std::vector<double> batch_losses;
  for (int begin = 0; begin < data.count(); begin += batch_size, ++step) {
    const int end = std::min(data.count(), begin + batch_size);
    Dataset batch = gather_batch(data, std::vector<int>(order.begin() + begin, order.begin() + end));
    if (plan.augment.enabled()) augment_batch(batch.images, *plan.augment_random, plan.augment);
    if (plan.learning_rate) optimizer.set_learning_rate(plan.learning_rate(step));
    const Tensor<float> logits = network.forward(batch.images);
    const SoftmaxCrossEntropy<float> loss = softmax_cross_entropy(logits, batch.labels);
    network.backward(loss.grad_logits);
    optimizer.step(network.parameters());
    loss_sum += loss.loss * (end - begin);
    batch_losses.push_back(loss.loss);
    correct += count_correct(logits, batch.labels);
    if (progress) progress(end, data.count(), loss_sum / end);
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  EpochStats stats{loss_sum / data.count(), double(correct) / data.count(), elapsed.count()};
  stats.batch_losses = std::move(batch_losses);
  return stats;
}

Dataset first_images(const Dataset& data, int count) {
  if (count <= 0 || count >= data.count()) return data;
  std::vector<int> indices(static_cast<std::size_t>(count));
  std::iota(indices.begin(), indices.end(), 0);
  return gather_batch(data, indices);
}

Evaluation evaluate(LeNet<float>& network, const Dataset& data, int batch_size) {
  Evaluation result{0.0, ConfusionMatrix(network.config().classes)};
  double loss_sum = 0;
  for (int begin = 0; begin < data.count(); begin += batch_size) {
    const int end = std::min(data.count(), begin + batch_size);
    std::vector<int> indices(static_cast<std::size_t>(end - begin));
    std::iota(indices.begin(), indices.end(), begin);
    const Dataset batch = gather_batch(data, indices);
    const Tensor<float> logits = network.forward(batch.images);
    loss_sum += softmax_cross_entropy(logits, batch.labels).loss * (end - begin);
    for (int n = 0; n < end - begin; ++n) result.confusion.add(batch.labels[n], predicted_class(logits, n));
  }
  result.mean_loss = data.count() == 0 ? 0.0 : loss_sum / data.count();
  return result;
}

}  // namespace ladder::nn
