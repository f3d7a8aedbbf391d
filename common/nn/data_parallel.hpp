/// \file common/nn/data_parallel.hpp
/// \brief The arithmetic of data parallelism: how a batch splits across replicas, how their
/// gradients combine into the whole batch's, and what a ring all-reduce of them costs.
///
/// Each of N replicas holds the whole network and takes a shard of every batch. The loss is the
/// mean over the batch, so its gradient is the mean of per-image gradients; a replica that
/// divides its images' gradients by the *batch's* size (not its shard's) holds its share of that
/// mean, and the sum over replicas, which an all-reduce computes, is the batch's gradient
/// exactly (up to the order of the additions). The CPU tests check this on the reference network.
#pragma once

#include "common/core/host_device.hpp"

namespace ladder::nn {

/// The first image of replica `replica`'s shard of a batch of `batch` images split `replicas`
/// ways: replica r takes [shard_begin(r), shard_begin(r + 1)). The shards differ by at most one
/// image, and a replica gets none when the batch is smaller than the replica count.
LADDER_HOST_DEVICE constexpr int shard_begin(int batch, int replicas, int replica) {
  return int((long long)batch * replica / replicas);
}

/// How many images replica `replica` takes.
LADDER_HOST_DEVICE constexpr int shard_size(int batch, int replicas, int replica) {
  return shard_begin(batch, replicas, replica + 1) - shard_begin(batch, replicas, replica);
}

/// The bytes each GPU sends, and receives, in a ring all-reduce of `bytes` over `replicas` GPUs:
/// a reduce-scatter (N - 1 steps of bytes / N) and an all-gather (the same again), so
/// 2 (N - 1) / N · bytes: almost twice the gradient whatever N is, which is why the ring scales.
LADDER_HOST_DEVICE constexpr double ring_allreduce_bytes_per_gpu(double bytes, int replicas) {
  return replicas <= 1 ? 0.0 : 2.0 * (replicas - 1) / replicas * bytes;
}

}  // namespace ladder::nn
