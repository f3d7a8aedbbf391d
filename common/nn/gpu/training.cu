#include "common/nn/gpu/training.cuh"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/core/cuda_check.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/energy.hpp"
#include "common/nn/gpu/network.cuh"
#include "common/nn/gpu/optimizer.cuh"

namespace ladder::nn::gpu {
namespace {

constexpr int kThreads = 256;
constexpr int kLatencyRepeats = 50;  // the median of these single-image forward passes

// [shuffle]
/// One thread, the CPU path's loop exactly: the same Random gives the same order.
__global__ void shuffle_kernel(int* order, int count, Random* random) {
  Random generator = *random;
  for (int i = 0; i < count; ++i) order[i] = i;
  for (int i = count - 1; i > 0; --i) {
    const int j = int(generator.below(std::uint64_t(i) + 1));
    const int kept = order[i];
    order[i] = order[j];
    order[j] = kept;
  }
  *random = generator;  // the next epoch goes on from here, as the CPU's Random does
}
// [shuffle]

// [gather]
/// One block per image of the batch: its label, and its pixels copied or warped.
__global__ void gather_kernel(const float* images, const int* labels, const int* order, int side, AffineAugment augment,
                              bool warp, std::uint64_t augment_seed, std::uint64_t first_image, float* batch_images,
                              int* batch_labels) {
  const int n = int(blockIdx.x), pixels = side * side;
  const int source_image = order[n];
  const float* source = images + std::size_t(source_image) * pixels;
  float* destination = batch_images + std::size_t(n) * pixels;
  if (threadIdx.x == 0) batch_labels[n] = labels[source_image];
  if (!warp) {
    for (int p = int(threadIdx.x); p < pixels; p += kThreads) destination[p] = source[p];
    return;
  }
  // Every thread draws the image's transform itself: four hashes and a sine and cosine, cheaper
  // than a barrier to share them.
  Random random = Random::at(augment_seed, kDrawsPerTransform * (first_image + std::uint64_t(n)));
  const Affine2D map = affine_map(draw_affine(random, augment), side);
  for (int p = int(threadIdx.x); p < pixels; p += kThreads)
    destination[p] = warped_pixel(source, side, map, p % side, p / side);
}
// [gather]

__global__ void predict_kernel(const float* logits, int batch, int classes, int* predicted) {
  const int row = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (row >= batch) return;
  const float* z = logits + std::size_t(row) * classes;
  int best = 0;
  for (int j = 1; j < classes; ++j)
    if (z[j] > z[best]) best = j;  // strictly greater: the first maximum wins, as std::max_element
  predicted[row] = best;
}

template <typename T>
std::vector<T> download_first(const DeviceBuffer<T>& buffer, std::size_t count) {
  std::vector<T> host(count);
  if (count > 0) LADDER_CUDA_CHECK(cudaMemcpy(host.data(), buffer.data(), count * sizeof(T), cudaMemcpyDeviceToHost));
  return host;
}

/// The mean loss per image of the first `images` images, from the means of their batches of
/// `batch_size` (the last may be smaller).
double mean_loss(const std::vector<float>& batch_losses, int images, int batch_size) {
  double sum = 0;
  for (std::size_t b = 0; b < batch_losses.size(); ++b)
    sum += double(batch_losses[b]) * std::min(batch_size, images - int(b) * batch_size);
  return images == 0 ? 0.0 : sum / images;
}

class GpuEngine : public TrainingEngine {
 public:
  explicit GpuEngine(const TrainingRun& run)
      : run_(run),
        device_(query_device()),
        max_batch_(std::max(run.batch_size, kEvaluationBatch)),
        network_(*run.initial, max_batch_, find_kernels()),
        optimizer_(run.optimizer, run.learning_rate, run.weight_decay, network_.parameters()),
        train_images_(run.train_set->images.values),
        train_labels_(run.train_set->labels),
        test_images_(run.test_set->images.values),
        test_labels_(run.test_set->labels),
        order_(std::size_t(run.train_set->count())),
        batch_images_(std::size_t(max_batch_) * side() * side()),
        epoch_labels_(std::size_t(run.train_set->count())),
        predictions_(std::size_t(std::max(run.train_set->count(), run.test_set->count()))),
        losses_(std::size_t(std::max(batches(run.train_set->count(), run.batch_size),
                                     batches(run.test_set->count(), kEvaluationBatch)))),
        shuffle_random_(std::vector<Random>{Random(run.shuffle_seed)}),
        energy_(device_.pci_bus_id) {
    if (run.layer_times) network_.time_sections(&timer_);
  }

  EpochStats train_epoch(long first_step, const ProgressCallback& progress) override {
    const auto start = std::chrono::steady_clock::now();
    const std::optional<double> joules_before = energy_.joules();
    const int total = run_.train_set->count(), batch = run_.batch_size;
    shuffle(order_.data(), total, shuffle_random_.data(), nullptr);
    for (int begin = 0, step = 0; begin < total; begin += batch, ++step) {
      const int count = std::min(batch, total - begin);
      mark("gather batch");
      gather_batch(train_images_.data(), train_labels_.data(), order_.data() + begin, count, side(), run_.augment,
                   run_.augment_seed, augmented_images_, batch_images_.data(), epoch_labels_.data() + begin, nullptr);
      if (run_.augment.enabled()) augmented_images_ += std::uint64_t(count);
      optimizer_.set_learning_rate(
          scheduled_learning_rate(run_.schedule, run_.learning_rate, first_step + step, run_.total_steps));
      const float* logits = network_.forward(batch_images_.data(), count);
      network_.loss(epoch_labels_.data() + begin, losses_.data() + step);
      network_.backward();
      mark("optimizer");
      optimizer_.step();
      mark("predict");
      predict(logits, count, network_.config().classes, predictions_.data() + begin, nullptr);
      if (run_.layer_times) {
        timer_.stop(nullptr);
        timer_.collect();
      }
      // The progress line at each quarter of the epoch, and only there: reading the loss waits for the GPU.
      const int end = begin + count;
      if (progress && (end * 4 / total > begin * 4 / total || end == total))
        progress(end, total, mean_loss(download_first(losses_, std::size_t(step) + 1), end, batch));
    }
    const std::vector<float> losses = download_first(losses_, std::size_t(batches(total, batch)));
    const std::vector<int> labels = download_first(epoch_labels_, std::size_t(total));
    const std::vector<int> predicted = download_first(predictions_, std::size_t(total));  // waits for the GPU
    EpochStats stats;
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::optional<double> joules_after = energy_.joules();
    if (joules_before && joules_after) stats.joules = *joules_after - *joules_before;
    stats.mean_loss = mean_loss(losses, total, batch);
    stats.batch_losses.assign(losses.begin(), losses.end());
    int correct = 0;
    for (int n = 0; n < total; ++n) correct += labels[std::size_t(n)] == predicted[std::size_t(n)];
    stats.train_accuracy = total == 0 ? 0.0 : double(correct) / total;
    return stats;
  }

  Evaluation evaluate_test() override {
    const Untimed untimed(*this);
    const int total = run_.test_set->count();
    for (int begin = 0, step = 0; begin < total; begin += kEvaluationBatch, ++step) {
      const int count = std::min(kEvaluationBatch, total - begin);
      const float* logits = network_.forward(test_images_.data() + std::size_t(begin) * side() * side(), count);
      network_.loss(test_labels_.data() + begin, losses_.data() + step);
      predict(logits, count, network_.config().classes, predictions_.data() + begin, nullptr);
    }
    Evaluation result{0.0, ConfusionMatrix(network_.config().classes)};
    result.mean_loss =
        mean_loss(download_first(losses_, std::size_t(batches(total, kEvaluationBatch))), total, kEvaluationBatch);
    const std::vector<int> predicted = download_first(predictions_, std::size_t(total));
    for (int n = 0; n < total; ++n)
      result.confusion.add(run_.test_set->labels[std::size_t(n)], predicted[std::size_t(n)]);
    return result;
  }

  InferenceSpeed measure_inference() override {
    const Untimed untimed(*this);
    InferenceSpeed speed;
    speed.images = run_.test_set->count();
    if (speed.images == 0) return speed;
    forward_test_set();  // warm-up: the first launches of each kernel load its code
    LADDER_CUDA_CHECK(cudaStreamSynchronize(nullptr));
    const auto start = std::chrono::steady_clock::now();
    forward_test_set();
    LADDER_CUDA_CHECK(cudaStreamSynchronize(nullptr));
    speed.images_per_second = speed.images / seconds_since(start);
    std::vector<double> milliseconds;
    for (int repeat = 0; repeat < kLatencyRepeats; ++repeat) {
      const auto begin = std::chrono::steady_clock::now();
      network_.forward(test_images_.data(), 1);
      LADDER_CUDA_CHECK(cudaStreamSynchronize(nullptr));
      milliseconds.push_back(1e3 * seconds_since(begin));
    }
    std::sort(milliseconds.begin(), milliseconds.end());
    speed.batch1_milliseconds = milliseconds[milliseconds.size() / 2];
    return speed;
  }

  void copy_weights_to(LeNet<float>& network) override { network_.download(network); }

  std::vector<LayerTime> layer_times() const override {
    std::vector<LayerTime> times;
    for (const SectionTimer::Total& t : timer_.totals())
      times.push_back({t.name, t.count == 0 ? 0.0 : t.milliseconds / double(t.count), t.count});
    return times;
  }

  std::string device() const override { return device_.name; }
  std::vector<std::pair<std::string, std::string>> kernels() const override { return network_.rung_choices(); }
  std::string energy_unavailable_reason() const override { return energy_.unavailable_reason(); }

 private:
  /// Evaluation and inference are not training steps: no sections while one lives.
  class Untimed {
   public:
    explicit Untimed(GpuEngine& engine) : engine_(engine) { engine_.network_.time_sections(nullptr); }
    ~Untimed() {
      if (engine_.run_.layer_times) engine_.network_.time_sections(&engine_.timer_);
    }
    Untimed(const Untimed&) = delete;
    Untimed& operator=(const Untimed&) = delete;

   private:
    GpuEngine& engine_;
  };

  void mark(const char* name) {
    if (run_.layer_times) timer_.mark(name, nullptr);
  }
  static int batches(int count, int batch) { return (count + batch - 1) / batch; }
  static double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  void forward_test_set() {
    for (int begin = 0; begin < run_.test_set->count(); begin += kEvaluationBatch)
      network_.forward(test_images_.data() + std::size_t(begin) * side() * side(),
                       std::min(kEvaluationBatch, run_.test_set->count() - begin));
  }
  int side() const { return network_.config().image_size; }

  TrainingRun run_;
  DeviceInfo device_;
  int max_batch_;
  LeNetGpu network_;
  DeviceOptimizer optimizer_;
  DeviceBuffer<float> train_images_;
  DeviceBuffer<int> train_labels_;
  DeviceBuffer<float> test_images_;
  DeviceBuffer<int> test_labels_;
  DeviceBuffer<int> order_;
  DeviceBuffer<float> batch_images_;
  DeviceBuffer<int> epoch_labels_, predictions_;  // the epoch's labels in its order, and the predictions
  DeviceBuffer<float> losses_;                    // one mean loss per batch of the epoch
  DeviceBuffer<Random> shuffle_random_;
  EnergyMeter energy_;
  SectionTimer timer_;  // the layers of each training step, when run_.layer_times
  std::uint64_t augmented_images_ = 0;
};

}  // namespace

void shuffle(int* order, int count, Random* random, cudaStream_t stream) {
  if (count < 1) throw std::invalid_argument("shuffle: nothing to shuffle");
  shuffle_kernel<<<1, 1, 0, stream>>>(order, count, random);
  LADDER_CHECK_LAUNCH();
}

void gather_batch(const float* images, const int* labels, const int* order, int count, int side,
                  const AffineAugment& augment, std::uint64_t augment_seed, std::uint64_t first_image,
                  float* batch_images, int* batch_labels, cudaStream_t stream) {
  if (count < 1 || side < 1) throw std::invalid_argument("gather_batch: count and side must be >= 1");
  gather_kernel<<<unsigned(count), kThreads, 0, stream>>>(images, labels, order, side, augment, augment.enabled(),
                                                          augment_seed, first_image, batch_images, batch_labels);
  LADDER_CHECK_LAUNCH();
}

void predict(const float* logits, int batch, int classes, int* predicted, cudaStream_t stream) {
  if (batch < 1 || classes < 1) throw std::invalid_argument("predict: batch and classes must be >= 1");
  predict_kernel<<<unsigned((batch + kThreads - 1) / kThreads), kThreads, 0, stream>>>(logits, batch, classes,
                                                                                       predicted);
  LADDER_CHECK_LAUNCH();
}

std::unique_ptr<TrainingEngine> make_gpu_engine(const TrainingRun& run) { return std::make_unique<GpuEngine>(run); }

int run_mnist_gpu(const MnistRunOptions& options, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  if (const auto reason = no_device_reason()) {
    err << "ch14_mnist_cnn: the GPU path needs an NVIDIA GPU: " << *reason
        << "; --cpu runs the CPU reference network\n";
    return 1;
  }
  return run_mnist(options, make_gpu_engine, out, err, err_is_terminal);
}

}  // namespace ladder::nn::gpu
