/// \file common/nn/gpu/training.cuh
/// \brief Chapter 14's training loop on the GPU: the whole dataset on the device, the epoch's
/// order and each batch's augmentation made there, and the TrainingEngine of run_mnist_gpu.
///
/// A training step launches kernels and returns: it allocates nothing, copies nothing to or
/// from the host and never waits. The host waits for the GPU only to report: at each quarter of
/// an epoch (the progress line) and at its end (loss, accuracy).
///
/// The GPU takes the same batches, in the same order and with the same transforms, as the CPU
/// path with the same seed: Fisher-Yates with the same Random, and each image's transform from
/// the same draws of the augmentation stream (Random::at finds them without making the ones
/// before). So the two paths differ only by floating-point rounding.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <iosfwd>
#include <memory>

#include "common/nn/augment.hpp"
#include "common/nn/mnist_app.hpp"
#include "common/nn/random.hpp"

namespace ladder::nn::gpu {

/// order = a random permutation of 0 .. count - 1: the CPU path's Fisher-Yates shuffle (training.cpp),
/// drawn from *random, which lives on the device and carries on to the next epoch. One thread:
/// each of its count - 1 swaps depends on the one before (an estimated 10-30 ms for 60,000 images).
void shuffle(int* order, int count, Random* random, cudaStream_t stream);

/// For n < count: batch_labels[n] = labels[order[n]] and batch_images[n] = images[order[n]]
/// (side x side each), warped by a random transform within `augment` when it is enabled: image
/// n's transform comes from draws kDrawsPerTransform * (first_image + n) on of
/// Random(augment_seed), as augment_batch would draw it (first_image counts the images
/// augmented before this batch).
void gather_batch(const float* images, const int* labels, const int* order, int count, int side,
                  const AffineAugment& augment, std::uint64_t augment_seed, std::uint64_t first_image,
                  float* batch_images, int* batch_labels, cudaStream_t stream);

/// predicted[n] = the class of row n's largest logit, the first on ties, as predicted_class.
void predict(const float* logits, int batch, int classes, int* predicted, cudaStream_t stream);

/// The GPU engine of run_mnist: the network on the rungs of find_kernels(), its optimizer, and
/// both datasets on the device. Throws std::runtime_error without a usable GPU.
std::unique_ptr<TrainingEngine> make_gpu_engine(const TrainingRun& run);

/// run_mnist with make_gpu_engine. Without a usable GPU: one line on `err` ("needs an NVIDIA
/// GPU: ..."), and exit status 1.
int run_mnist_gpu(const MnistRunOptions& options, std::ostream& out, std::ostream& err, bool err_is_terminal);

}  // namespace ladder::nn::gpu
