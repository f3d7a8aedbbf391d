// The arithmetic of data parallelism (common/nn/data_parallel.hpp) on the CPU reference network:
// shards partition a batch, and their gradients, each divided by the whole batch's size, add up
// to the whole batch's gradient. This is what the GPU replicas' all-reduce relies on.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "common/nn/data_parallel.hpp"
#include "common/nn/network.hpp"
#include "common/nn/random.hpp"

namespace ladder::nn {
namespace {

TEST(DataParallel, ShardsPartitionEveryBatch) {
  for (int replicas = 1; replicas <= 8; ++replicas)
    for (int batch = 0; batch <= 70; ++batch) {
      int covered = 0;
      for (int r = 0; r < replicas; ++r) {
        EXPECT_EQ(shard_begin(batch, replicas, r), covered) << batch << " over " << replicas;
        const int size = shard_size(batch, replicas, r);
        EXPECT_GE(size, batch / replicas);
        EXPECT_LE(size, batch / replicas + 1);
        covered += size;
      }
      EXPECT_EQ(covered, batch);
    }
}

TEST(DataParallel, RingAllReduceSendsAlmostTwiceTheGradient) {
  const double gradient = 61706.0 * 4;  // LeNet's parameters in fp32
  EXPECT_EQ(ring_allreduce_bytes_per_gpu(gradient, 1), 0.0);
  EXPECT_DOUBLE_EQ(ring_allreduce_bytes_per_gpu(gradient, 2), gradient);
  EXPECT_DOUBLE_EQ(ring_allreduce_bytes_per_gpu(gradient, 8), 1.75 * gradient);
  EXPECT_LT(ring_allreduce_bytes_per_gpu(gradient, 1000), 2 * gradient);
}

// In double, so that only the arithmetic is tested: the batch's gradient against the sum of the
// shards' gradients, each shard's loss gradient scaled by shard / batch (the replica divides by
// the batch's size instead of its shard's), for 1 to 4 replicas and a batch that does not split
// evenly.
TEST(DataParallel, ShardGradientsAddUpToTheBatchGradient) {
  const LeNetConfig config{12, 2, 3, 8, 6, 4};
  const int batch = 7;
  Random random(21);
  Tensor<double> images({batch, 1, 12, 12});
  for (double& pixel : images.values) pixel = random.uniform();
  std::vector<int> labels;
  for (int n = 0; n < batch; ++n) labels.push_back(int(random.below(4)));

  LeNet<double> whole(config, 3);
  whole.backward(softmax_cross_entropy(whole.forward(images), labels).grad_logits);
  for (int replicas = 1; replicas <= 4; ++replicas) {
    std::vector<std::vector<double>> summed;
    for (const Parameter<double>* p : whole.parameters()) summed.emplace_back(p->grad.size(), 0.0);
    for (int r = 0; r < replicas; ++r) {
      const int begin = shard_begin(batch, replicas, r), size = shard_size(batch, replicas, r);
      Tensor<double> shard({size, 1, 12, 12});
      std::copy(images.values.begin() + std::ptrdiff_t(begin) * 144,
                images.values.begin() + std::ptrdiff_t(begin + size) * 144, shard.values.begin());
      LeNet<double> replica(config, 3);  // the same weights on every replica
      SoftmaxCrossEntropy<double> loss = softmax_cross_entropy(
          replica.forward(shard), std::vector<int>(labels.begin() + begin, labels.begin() + begin + size));
      for (double& g : loss.grad_logits.values) g *= double(size) / batch;  // divided by the batch, not the shard
      replica.backward(loss.grad_logits);
      for (std::size_t i = 0; i < summed.size(); ++i)
        for (std::size_t j = 0; j < summed[i].size(); ++j) summed[i][j] += replica.parameters()[i]->grad.values[j];
    }
    for (std::size_t i = 0; i < summed.size(); ++i)
      for (std::size_t j = 0; j < summed[i].size(); ++j)
        ASSERT_NEAR(summed[i][j], whole.parameters()[i]->grad.values[j], 1e-12)
            << replicas << " replicas, " << whole.parameters()[i]->name << "[" << j << "]";
  }
}

}  // namespace
}  // namespace ladder::nn
