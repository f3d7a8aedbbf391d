// Chapter 14's training loop on the GPU (common/nn/gpu/training.cuh) against the CPU path: the
// epoch's order, each batch with its augmentation, the predictions, and a whole epoch of the GPU
// engine against the CPU engine from the same weights and seeds. Each test skips, saying why,
// without a GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/metrics.hpp"
#include "common/gemm/testing/rung_test.cuh"
#include "common/nn/gpu/data_parallel.cuh"
#include "common/nn/gpu/training.cuh"
#include "common/nn/tests/gpu_test_runs.hpp"
#include "common/nn/tests/scaled_error.hpp"
#include "common/nn/training.hpp"

namespace ladder::nn::gpu {
namespace {

TEST(GpuTrainingChecks, BadSizesAreRejected) {
  EXPECT_THROW(shuffle(nullptr, 0, nullptr, nullptr), std::invalid_argument);
  EXPECT_THROW(gather_batch(nullptr, nullptr, nullptr, 0, 28, AffineAugment{}, 1, 0, nullptr, nullptr, nullptr),
               std::invalid_argument);
  EXPECT_THROW(predict(nullptr, 0, 10, nullptr, nullptr), std::invalid_argument);
}

// Two epochs in a row: the device-side Random carries on as the CPU's does.
TEST(GpuTraining, ShuffleIsTheCpuShuffle) {
  LADDER_SKIP_WITHOUT_GPU();
  const int count = 1001;
  Random cpu(42);
  DeviceBuffer<Random> random_d(std::vector<Random>{Random(42)});
  DeviceBuffer<int> order_d(count);
  for (int epoch = 0; epoch < 2; ++epoch) {
    shuffle(order_d.data(), count, random_d.data(), nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    EXPECT_EQ(order_d.download(), shuffled_indices(count, cpu)) << "epoch " << epoch;
  }
}

// A batch from the middle of an epoch (the 37th image augmented so far), with and without the
// transform, against gather_batch and augment_batch on the CPU.
TEST(GpuTraining, GatherBatchIsTheCpuBatch) {
  LADDER_SKIP_WITHOUT_GPU();
  const Dataset data = make_dataset(generate_synthetic_mnist(100, 100, 3).train);
  std::vector<int> order(50);
  for (int i = 0; i < 50; ++i) order[std::size_t(i)] = (i * 37 + 11) % 100;
  DeviceBuffer<float> images_d(data.images.values), batch_d(std::vector<float>(50 * 28 * 28, poison_value()));
  DeviceBuffer<int> labels_d(data.labels), order_d(order), batch_labels_d(std::vector<int>(50, -1));
  for (const bool augment : {false, true}) {
    const AffineAugment limits = augment ? AffineAugment{} : AffineAugment{0, 0, 0};
    gather_batch(images_d.data(), labels_d.data(), order_d.data(), 50, 28, limits, 77, 37, batch_d.data(),
                 batch_labels_d.data(), nullptr);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    Dataset expected = gather_batch(data, order);
    Random random = Random::at(77, 37 * kDrawsPerTransform);
    augment_batch(expected.images, random, limits);
    EXPECT_EQ(batch_labels_d.download(), expected.labels);
    const std::vector<float> got = batch_d.download();
    double worst = 0;
    for (std::size_t i = 0; i < got.size(); ++i)
      worst = std::max(worst, std::abs(double(got[i]) - expected.images.values[i]));
    // Copies are exact; a warp may differ in the last bit of its map (sinpi on the GPU).
    EXPECT_LE(worst, augment ? 1e-6 : 0.0) << (augment ? "augmented" : "copied");
  }
}

TEST(GpuTraining, PredictIsPredictedClass) {
  LADDER_SKIP_WITHOUT_GPU();
  const int batch = 300, classes = 10;
  Tensor<float> logits({batch, classes});
  Random random(5);
  for (float& z : logits.values) z = float(int(random.below(5)));  // many ties
  DeviceBuffer<float> logits_d(logits.values);
  DeviceBuffer<int> predicted_d(std::vector<int>(batch, -1));
  predict(logits_d.data(), batch, classes, predicted_d.data(), nullptr);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  const std::vector<int> predicted = predicted_d.download();
  for (int n = 0; n < batch; ++n) EXPECT_EQ(predicted[std::size_t(n)], predicted_class(logits, n)) << n;
}

using test_runs::ShortRun;

// One epoch of each engine from the same weights and seeds, with augmentation, Adam and the
// cosine schedule: the same batches, so the same losses and weights up to fp32 rounding.
// (ShortRun is a well-conditioned run: test_gpu_test_conditioning.cpp.)
TEST(GpuTraining, AnEpochFollowsTheCpuEngine) {
  LADDER_SKIP_WITHOUT_GPU();
  const ShortRun short_run;
  const TrainingRun& run = short_run.run;
  const std::unique_ptr<TrainingEngine> cpu = make_cpu_engine(run), gpu = make_gpu_engine(run);
  const EpochStats cpu_stats = cpu->train_epoch(0, {}), gpu_stats = gpu->train_epoch(0, {});
  EXPECT_NEAR(gpu_stats.mean_loss, cpu_stats.mean_loss, ShortRun::kError * cpu_stats.mean_loss);
  EXPECT_NEAR(gpu_stats.train_accuracy, cpu_stats.train_accuracy, 2.0 / 330);  // a near-tie may flip
  LeNet<float> cpu_weights(LeNetConfig{}, 1), gpu_weights(LeNetConfig{}, 1);
  cpu->copy_weights_to(cpu_weights);
  gpu->copy_weights_to(gpu_weights);
  for (std::size_t i = 0; i < cpu_weights.parameters().size(); ++i) {
    EXPECT_LT(scaled_error(gpu_weights.parameters()[i]->value.values, cpu_weights.parameters()[i]->value.values),
              ShortRun::kError)
        << cpu_weights.parameters()[i]->name;
  }
  const Evaluation cpu_test = cpu->evaluate_test(), gpu_test = gpu->evaluate_test();
  EXPECT_NEAR(gpu_test.mean_loss, cpu_test.mean_loss, ShortRun::kError * cpu_test.mean_loss);
  EXPECT_NEAR(gpu_test.confusion.accuracy(), cpu_test.confusion.accuracy(), 0.02);
  const auto kernels = gpu->kernels();
  EXPECT_TRUE(std::any_of(kernels.begin(), kernels.end(), [](const auto& k) { return k.first == "fc1 forward"; }));
  EXPECT_TRUE(cpu->kernels().empty());
}

std::vector<float> all_weights(TrainingEngine& engine) {
  LeNet<float> network(LeNetConfig{}, 1);
  engine.copy_weights_to(network);
  std::vector<float> values;
  for (const Parameter<float>* p : network.parameters())
    values.insert(values.end(), p->value.values.begin(), p->value.values.end());
  return values;
}

// Two epochs replayed from one captured step against two epochs launched step by step: the
// same kernels on the same data, so the same bits. The second epoch checks that the cursor and
// the scalars carry on across epochs.
TEST(GpuTraining, AGraphedEpochIsTheDirectEpoch) {
  LADDER_SKIP_WITHOUT_GPU();
  ShortRun graphed, direct;
  direct.run.cuda_graph = false;
  const std::unique_ptr<TrainingEngine> with_graph = make_gpu_engine(graphed.run),
                                        without = make_gpu_engine(direct.run);
  for (long epoch = 0; epoch < 2; ++epoch) {
    const EpochStats a = with_graph->train_epoch(epoch * 11, {}), b = without->train_epoch(epoch * 11, {});
    EXPECT_EQ(a.batch_losses, b.batch_losses) << "epoch " << epoch;
    EXPECT_EQ(a.train_accuracy, b.train_accuracy) << "epoch " << epoch;
  }
  const std::vector<float> wa = all_weights(*with_graph), wb = all_weights(*without);
  ASSERT_EQ(wa.size(), wb.size());
  EXPECT_EQ(std::memcmp(wa.data(), wb.data(), wa.size() * sizeof(float)), 0);
  EXPECT_EQ(with_graph->cuda_graph().rfind("on", 0), 0u) << with_graph->cuda_graph();
  EXPECT_EQ(without->cuda_graph().rfind("off", 0), 0u) << without->cuda_graph();
}

// An epoch in bf16 from the same weights on the same batches ends near the fp32 epoch: the same
// training, rounded more coarsely. (The 0.3-point accuracy target is for whole runs on real data,
// which run_gpu.sh's cnn phase records.)
TEST(GpuTraining, ABf16EpochFollowsTheFp32Epoch) {
  LADDER_SKIP_WITHOUT_GPU();
  if (query_device().compute_capability < 80) GTEST_SKIP() << "the bf16 rungs need sm_80 (mma.sync bf16, cp.async)";
  ShortRun fp32, bf16;
  bf16.run.precision = "bf16";
  const std::unique_ptr<TrainingEngine> a = make_gpu_engine(fp32.run), b = make_gpu_engine(bf16.run);
  const EpochStats sa = a->train_epoch(0, {}), sb = b->train_epoch(0, {});
  EXPECT_NEAR(sb.mean_loss, sa.mean_loss, 0.05 * sa.mean_loss);
  EXPECT_NEAR(sb.train_accuracy, sa.train_accuracy, 0.05);
  EXPECT_NE(sa.batch_losses, sb.batch_losses) << "bf16 must round somewhere";
}

// --gpus 1: the data-parallel engine (a shard of the whole batch, the loss divided by the whole
// batch, an NCCL all-reduce over one replica) on one GPU computes what the plain engine does,
// bit for bit: the same code the N-GPU run takes, checked where one GPU is all there is.
TEST(GpuTraining, DataParallelOnOneGpuIsThePlainEngine) {
  LADDER_SKIP_WITHOUT_GPU();
  if (const auto reason = data_parallel_unavailable_reason(1)) GTEST_SKIP() << *reason;
  try {  // NCCL's own start (its bootstrap, its view of the machine), apart from the engine's threads
    const NcclClique clique(1);
    const GradientAllReduce one(clique, 0);
  } catch (const std::runtime_error& error) {
    // Only NCCL's own refusal (check_nccl names the nccl call): anything else is the project's.
    if (std::string(error.what()).rfind("nccl", 0) != 0) throw;
    GTEST_SKIP() << "NCCL cannot start on this machine: " << error.what();
  }
  ShortRun plain, parallel;
  plain.run.cuda_graph = false;  // the data-parallel engine launches each step: compare like with like
  parallel.run.gpus = 1;
  const std::unique_ptr<TrainingEngine> a = make_gpu_engine(plain.run), b = make_gpu_engine(parallel.run);
  for (long epoch = 0; epoch < 2; ++epoch) {
    const EpochStats sa = a->train_epoch(epoch * 11, {}), sb = b->train_epoch(epoch * 11, {});
    EXPECT_EQ(sa.batch_losses, sb.batch_losses) << "epoch " << epoch;
    EXPECT_EQ(sa.train_accuracy, sb.train_accuracy) << "epoch " << epoch;
  }
  const std::vector<float> wa = all_weights(*a), wb = all_weights(*b);
  EXPECT_EQ(std::memcmp(wa.data(), wb.data(), wa.size() * sizeof(float)), 0);
  EXPECT_NE(b->device().find("data parallel"), std::string::npos) << b->device();
}

TEST(GpuTraining, LayerTimesCoverEveryLayer) {
  LADDER_SKIP_WITHOUT_GPU();
  ShortRun short_run;
  short_run.run.layer_times = true;
  const std::unique_ptr<TrainingEngine> engine = make_gpu_engine(short_run.run);
  engine->train_epoch(0, {});
  engine->evaluate_test();  // not a training step: adds nothing
  const std::vector<LayerTime> times = engine->layer_times();
  std::vector<std::string> names;
  for (const LayerTime& t : times) {
    names.push_back(t.name);
    EXPECT_EQ(t.steps, 11) << t.name;
    EXPECT_GT(t.milliseconds_per_step, 0.0) << t.name;
  }
  for (const char* layer : {"gather batch", "conv1 forward", "pool2 forward", "fc3 forward", "loss", "fc3 backward",
                            "conv2 backward", "conv1 backward", "optimizer", "predict"})
    EXPECT_NE(std::find(names.begin(), names.end(), layer), names.end()) << layer;
  EXPECT_EQ(engine->cuda_graph().rfind("off", 0), 0u) << "layer times turn the graph off";
}

}  // namespace
}  // namespace ladder::nn::gpu
