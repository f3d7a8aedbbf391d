#include "common/nn/gpu/training.cuh"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/core/cuda_check.cuh"
#include "common/core/cuda_handles.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/energy.hpp"
#include "common/core/metrics.hpp"
#include "common/nn/data_parallel.hpp"
#include "common/nn/gpu/data_parallel.cuh"
#include "common/nn/gpu/launch.cuh"
#include "common/nn/gpu/network.cuh"
#include "common/nn/gpu/optimizer.cuh"
#include "common/nn/replicas.hpp"

namespace ladder::nn::gpu {
namespace {

constexpr int kLatencyRepeats = 50;  // the median of these single-image forward passes

// [cursor]
/// What changes from one training step to the next, kept in device memory: a CUDA graph replays
/// the kernel arguments it captured, so whatever differs between steps must be read, not passed.
struct StepCursor {
  int step;                        // the step's index in the epoch
  int begin;                       // its first position in the epoch's order
  long long global_step;           // its index in the run: the row of the scalars table
  unsigned long long first_image;  // images augmented before this batch
};

/// One thread, at the start of an epoch: the cursor at its first step, and that step's scalars.
__global__ void start_epoch_kernel(StepCursor* cursor, long long first_step, unsigned long long first_image,
                                   const StepScalars* table, StepScalars* scalars) {
  *cursor = StepCursor{0, 0, first_step, first_image};
  *scalars = table[first_step];
}

/// The end of a step: its loss and predictions into the epoch's arrays, then the cursor and the
/// scalars moved on to the next step. Every thread reads the cursor before thread 0 moves it.
__global__ void finish_step_kernel(StepCursor* cursor, int count, int shard_start, int shard_count, bool augmented,
                                   const float* batch_loss, float* losses, const int* batch_predictions,
                                   int* predictions, const StepScalars* table, long long table_rows,
                                   StepScalars* scalars) {
  const StepCursor now = *cursor;
  for (int n = int(threadIdx.x); n < shard_count; n += kThreads)
    predictions[now.begin + shard_start + n] = batch_predictions[n];
  __syncthreads();
  if (threadIdx.x != 0) return;
  losses[now.step] = shard_count > 0 ? *batch_loss : 0.0f;  // an empty shard's loss weighs nothing
  const StepCursor next{now.step + 1, now.begin + count, now.global_step + 1,
                        now.first_image + (augmented ? unsigned(count) : 0u)};
  *cursor = next;
  if (next.global_step < table_rows) *scalars = table[next.global_step];
}
// [cursor]

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
/// One block per image of the batch: its label, and its pixels copied or warped. Inside a
/// training step the batch's place in the epoch comes from the device (`cursor`), so that a
/// CUDA graph of the step serves every step.
__global__ void gather_kernel(const float* images, const int* labels, const int* order, const StepCursor* cursor,
                              int shard_start, std::uint64_t first_image, int side, AffineAugment augment, bool warp,
                              std::uint64_t augment_seed, float* batch_images, int* batch_labels, int* epoch_labels) {
  const int n = int(blockIdx.x), pixels = side * side;
  // A data-parallel replica takes images shard_start .. of the batch: their places in the epoch
  // and in the augmentation stream are those of the whole batch's images.
  const int begin = (cursor != nullptr ? cursor->begin : 0) + shard_start;
  if (cursor != nullptr) first_image = cursor->first_image;
  first_image += std::uint64_t(shard_start);
  const int source_image = order[begin + n];
  const float* source = images + std::size_t(source_image) * pixels;
  float* destination = batch_images + std::size_t(n) * pixels;
  if (threadIdx.x == 0) {
    batch_labels[n] = labels[source_image];
    if (epoch_labels != nullptr) epoch_labels[begin + n] = labels[source_image];  // for the epoch's accuracy
  }
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

/// The mean loss per image of the first `images` images, from the means of their batches of
/// `batch_size` (the last may be smaller).
double mean_loss(const std::vector<float>& batch_losses, int images, int batch_size) {
  double sum = 0;
  for (std::size_t b = 0; b < batch_losses.size(); ++b)
    sum += double(batch_losses[b]) * std::min(batch_size, images - int(b) * batch_size);
  return images == 0 ? 0.0 : sum / images;
}

/// Each global step's learning rate (the schedule) and Adam corrections, computed once.
std::vector<StepScalars> scalars_table(const TrainingRun& run, const DeviceOptimizer& optimizer) {
  std::vector<StepScalars> table;
  for (long step = 0; step < std::max(run.total_steps, 1L); ++step)
    table.push_back(
        optimizer.scalars(scheduled_learning_rate(run.schedule, run.learning_rate, step, run.total_steps), step + 1));
  return table;
}

class GpuEngine : public TrainingEngine {
 public:
  /// Replica `rank` of `clique` (nullptr: the one GPU of a run without --gpus), on GPU `rank`.
  GpuEngine(const TrainingRun& run, int rank = 0, const NcclClique* clique = nullptr)
      : run_(run),
        rank_(rank),
        replicas_(clique != nullptr ? clique->replicas() : 1),
        on_device_(rank),
        device_(query_device()),
        max_batch_(std::max(run.batch_size, kEvaluationBatch)),
        network_(*run.initial, max_batch_, find_kernels(run.precision == "bf16" ? Precision::Bf16 : Precision::Fp32),
                 stream_.get()),
        optimizer_(run.optimizer, run.learning_rate, run.weight_decay, network_.parameters(), stream_.get()),
        train_images_(run.train_set->images.values),
        train_labels_(run.train_set->labels),
        test_images_(run.test_set->images.values),
        test_labels_(run.test_set->labels),
        order_(std::size_t(run.train_set->count())),
        batch_images_(std::size_t(max_batch_) * side() * side()),
        batch_labels_(std::size_t(max_batch_)),
        batch_predictions_(std::size_t(max_batch_)),
        epoch_labels_(std::size_t(run.train_set->count())),
        predictions_(std::size_t(std::max(run.train_set->count(), run.test_set->count()))),
        losses_(std::size_t(std::max(batches(run.train_set->count(), run.batch_size),
                                     batches(run.test_set->count(), kEvaluationBatch)))),
        batch_loss_(1),
        shuffle_random_(std::vector<Random>{Random(run.shuffle_seed)}),
        cursor_(1),
        scalars_(1),
        table_(scalars_table(run, optimizer_)),
        energy_(device_.pci_bus_id) {
    if (run.layer_times) network_.time_sections(&timer_);
    if (!run.cuda_graph) graph_note_ = "off (--no-graph)";
    if (run.cuda_graph && run.layer_times) graph_note_ = "off (--layer-times times each step's layers one by one)";
    if (clique != nullptr && run.cuda_graph)
      graph_note_ = "off (--gpus: each step's all-reduce is launched, not replayed)";
  }

  /// Joins the replicas' all-reduce as rank rank_; blocks until every replica has joined, so each
  /// calls it from its own thread (the one that made it, with its GPU current), once every replica exists (a replica
  /// that failed to start would otherwise leave the others waiting for it).
  void join(const NcclClique& clique) { all_reduce_ = std::make_unique<GradientAllReduce>(clique, rank_); }

  /// The images replica `rank_` takes of a batch of `count`.
  int shard_start(int count) const { return shard_begin(count, replicas_, rank_); }
  int shard_count(int count) const { return shard_size(count, replicas_, rank_); }
  /// The mean loss over this replica's shards of the epoch's first losses.size() batches:
  /// each batch's loss is the mean over its shard, so it weighs as many images as that held.
  double shard_mean_loss(const std::vector<float>& losses, int batch, int total) const {
    double sum = 0;
    int images = 0;
    for (std::size_t step = 0; step < losses.size(); ++step) {
      const int mine = shard_count(std::min(batch, total - int(step) * batch));
      sum += double(losses[step]) * mine;
      images += mine;
    }
    return images == 0 ? 0.0 : sum / images;
  }

  EpochStats train_epoch(long first_step, const ProgressCallback& progress) override {
    const auto start = std::chrono::steady_clock::now();
    const std::optional<double> joules_before = energy_.joules();
    const int total = run_.train_set->count(), batch = run_.batch_size;
    const long steps = batches(total, batch);
    require(first_step >= 0 && first_step + steps <= long(table_.size()),
            "train_epoch: steps " + std::to_string(first_step) + " .. " + std::to_string(first_step + steps - 1) +
                " lie beyond the run's " + std::to_string(table_.size()) + " (TrainingRun::total_steps)");
    shuffle(order_.data(), total, shuffle_random_.data(), stream());
    start_epoch_kernel<<<1, 1, 0, stream()>>>(cursor_.data(), first_step, augmented_images_, table_.data(),
                                              scalars_.data());
    LADDER_CHECK_LAUNCH();
    for (int begin = 0, step = 0; begin < total; begin += batch, ++step) {
      const int count = std::min(batch, total - begin);
      if (count == batch && graph_wanted()) {
        run_graph_step();
      } else {
        launch_step(count);
      }
      // The progress line at each quarter of the epoch, and only there: reading the loss waits for the GPU.
      const int end = begin + count;
      if (progress && (end * 4 / total > begin * 4 / total || end == total))
        progress(end, total, shard_mean_loss(download_first(losses_, std::size_t(step) + 1), batch, total));
    }
    if (run_.augment.enabled()) augmented_images_ += std::uint64_t(total);
    const std::vector<float> losses = download_first(losses_, std::size_t(batches(total, batch)));
    const std::vector<int> labels = download_first(epoch_labels_, std::size_t(total));
    const std::vector<int> predicted = download_first(predictions_, std::size_t(total));
    EpochStats stats;
    stats.seconds = seconds_since(start);
    const std::optional<double> joules_after = energy_.joules();
    if (joules_before && joules_after) stats.joules = *joules_after - *joules_before;
    // This replica's share: its shard of each batch (all of it without --gpus).
    int correct = 0, images = 0;
    for (int begin = 0; begin < total; begin += batch) {
      const int count = std::min(batch, total - begin), start = shard_start(count), mine = shard_count(count);
      for (int n = begin + start; n < begin + start + mine; ++n)
        correct += labels[std::size_t(n)] == predicted[std::size_t(n)];
      images += mine;
    }
    stats.mean_loss = shard_mean_loss(losses, batch, total);
    stats.train_accuracy = images == 0 ? 0.0 : double(correct) / images;
    stats.batch_losses.assign(losses.begin(), losses.end());
    return stats;
  }

  Evaluation evaluate_test() override {
    const Untimed untimed(*this);
    const int total = run_.test_set->count();
    for (int begin = 0, step = 0; begin < total; begin += kEvaluationBatch, ++step) {
      const int count = std::min(kEvaluationBatch, total - begin);
      const float* logits = network_.forward(test_images_.data() + std::size_t(begin) * side() * side(), count);
      network_.loss(test_labels_.data() + begin, losses_.data() + step);
      predict(logits, count, network_.config().classes, predictions_.data() + begin, stream());
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
    sync();
    const auto start = std::chrono::steady_clock::now();
    forward_test_set();
    sync();
    speed.images_per_second = speed.images / seconds_since(start);
    std::vector<double> milliseconds;
    for (int repeat = 0; repeat < kLatencyRepeats; ++repeat) {
      const auto begin = std::chrono::steady_clock::now();
      network_.forward(test_images_.data(), 1);
      sync();
      milliseconds.push_back(1e3 * seconds_since(begin));
    }
    speed.batch1_milliseconds = median(milliseconds);
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
  std::string cuda_graph() const override { return graph_note_.empty() ? "not used yet" : graph_note_; }

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

  // [step]
  /// One training step of `count` images: every launch, none of them with an argument that
  /// changes between steps of the same size (the cursor and the scalars carry those).
  void launch_step(int count) {
    const int start = shard_start(count), mine = shard_count(count);
    mark("gather batch");
    if (mine > 0) {
      gather_kernel<<<unsigned(mine), kThreads, 0, stream()>>>(
          train_images_.data(), train_labels_.data(), order_.data(), cursor_.data(), start, 0, side(), run_.augment,
          run_.augment.enabled(), run_.augment_seed, batch_images_.data(), batch_labels_.data(), epoch_labels_.data());
      LADDER_CHECK_LAUNCH();
      const float* logits = network_.forward(batch_images_.data(), mine);
      network_.loss(batch_labels_.data(), batch_loss_.data(), count);  // divided by the whole batch
      network_.backward();
      mark("predict");
      predict(logits, mine, network_.config().classes, batch_predictions_.data(), stream());
    } else {
      network_.zero_grads();  // a batch smaller than the replica count leaves this one nothing to do
    }
    if (all_reduce_) {
      mark("all-reduce");
      all_reduce_->sum(network_.parameters(), stream());
    }
    mark("optimizer");
    optimizer_.step(scalars_.data());
    finish_step_kernel<<<1, kThreads, 0, stream()>>>(
        cursor_.data(), count, start, mine, run_.augment.enabled(), batch_loss_.data(), losses_.data(),
        batch_predictions_.data(), predictions_.data(), table_.data(), (long long)table_.size(), scalars_.data());
    LADDER_CHECK_LAUNCH();
    if (run_.layer_times) {
      timer_.stop(stream());
      timer_.collect();
    }
  }

  /// A full step through the CUDA graph: launched directly the first time (so that every rung
  /// has made its first-launch choices, outside the capture), captured the second time, then
  /// replayed: one launch instead of about 50.
  void run_graph_step() {
    if (!graph_ && !warmed_up_) {
      warmed_up_ = true;
      launch_step(run_.batch_size);
      return;
    }
    if (!graph_) capture_graph();
    if (graph_) {
      LADDER_CUDA_CHECK(cudaGraphLaunch(graph_.get(), stream()));
    } else {
      launch_step(run_.batch_size);  // capture failed: graph_note_ says why
    }
  }

  // A capture that fails, at any of its three steps, turns the graph off for the run: the
  // steps then launch one by one, which gives the same results.
  void capture_graph() {
    cudaGraph_t graph = nullptr;
    LADDER_CUDA_CHECK(cudaStreamBeginCapture(stream(), cudaStreamCaptureModeThreadLocal));
    std::string failure;
    try {
      launch_step(run_.batch_size);
    } catch (const std::exception& error) {
      failure = error.what();
    }
    const cudaError_t ended = cudaStreamEndCapture(stream(), &graph);  // ends the capture whatever happened
    if (failure.empty() && ended != cudaSuccess)
      failure = std::string("cudaStreamEndCapture: ") + cudaGetErrorString(ended);
    cudaGraphExec_t exec = nullptr;
    if (failure.empty()) {
      const cudaError_t instantiated = cudaGraphInstantiate(&exec, graph, 0);
      if (instantiated != cudaSuccess)
        failure = std::string("cudaGraphInstantiate: ") + cudaGetErrorString(instantiated);
    }
    if (graph != nullptr) LADDER_CUDA_CHECK(cudaGraphDestroy(graph));
    if (!failure.empty()) {
      cudaGetLastError();  // clears the capture's error
      graph_note_ = "off (capture failed: " + failure + ")";
      return;
    }
    graph_.reset(exec);
    graph_note_ = "on: each full training step replays one captured graph";
  }
  // [step]

  bool graph_wanted() const { return run_.cuda_graph && !run_.layer_times && graph_note_.rfind("off", 0) != 0; }
  cudaStream_t stream() const { return stream_.get(); }
  void sync() const { LADDER_CUDA_CHECK(cudaStreamSynchronize(stream_.get())); }
  template <typename T>
  std::vector<T> download_first(const DeviceBuffer<T>& buffer, std::size_t count) const {
    sync();  // the copy below runs on the legacy default stream, which does not wait for ours
    std::vector<T> host(count);
    if (count > 0) LADDER_CUDA_CHECK(cudaMemcpy(host.data(), buffer.data(), count * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }
  void mark(const char* name) {
    if (run_.layer_times) timer_.mark(name, stream());
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
  int rank_, replicas_;
  CurrentDevice on_device_;  // before anything allocates: this replica's GPU becomes the thread's
  CudaStream stream_;        // before the network and the optimizer, which launch on it; graphs are
                             // captured from a stream other than the legacy default one
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
  DeviceBuffer<int> batch_labels_, batch_predictions_;
  DeviceBuffer<int> epoch_labels_, predictions_;  // the epoch's labels in its order, and the predictions
  DeviceBuffer<float> losses_;                    // one mean loss per batch of the epoch
  DeviceBuffer<float> batch_loss_;
  DeviceBuffer<Random> shuffle_random_;
  DeviceBuffer<StepCursor> cursor_;
  DeviceBuffer<StepScalars> scalars_;  // this step's learning rate and corrections
  DeviceBuffer<StepScalars> table_;    // every step's, from scalars_table
  EnergyMeter energy_;
  SectionTimer timer_;                             // the layers of each training step, when run_.layer_times
  CudaGraphExec graph_;                            // one full training step, captured
  std::unique_ptr<GradientAllReduce> all_reduce_;  // --gpus only
  bool warmed_up_ = false;
  std::string graph_note_;
  std::uint64_t augmented_images_ = 0;
};

// [data-parallel]
/// --gpus N: a replica per GPU, replica 0 on the calling thread and the others on their own,
/// each training on its shard of every batch, their gradients summed after each backward pass.
/// Replica 0 evaluates and reports: after every step all replicas hold the same weights.
class DataParallelEngine : public TrainingEngine {
 public:
  explicit DataParallelEngine(const TrainingRun& run)
      : run_(run), clique_(run.gpus), group_(run.gpus), replicas_(std::size_t(run.gpus)) {
    try {
      group_.run([this](int r) { replicas_[std::size_t(r)] = std::make_unique<GpuEngine>(run_, r, &clique_); },
                 ReplicaPhase::kIndependent);
      // Only once all exist: joining waits for every replica, so one that failed to start would strand the rest.
      group_.run([this](int r) { replicas_[std::size_t(r)]->join(clique_); }, ReplicaPhase::kCollective);
    } catch (...) {
      release();  // a throwing constructor runs no destructor
      throw;
    }
  }

  ~DataParallelEngine() override { release(); }

  EpochStats train_epoch(long first_step, const ProgressCallback& progress) override {
    std::vector<EpochStats> stats(replicas_.size());
    group_.run(
        [&](int r) {
          stats[std::size_t(r)] = replicas_[std::size_t(r)]->train_epoch(first_step, r == 0 ? progress : nullptr);
        },
        ReplicaPhase::kCollective);  // every step all-reduces
    return combined(stats);
  }

  Evaluation evaluate_test() override { return replicas_[0]->evaluate_test(); }
  InferenceSpeed measure_inference() override { return replicas_[0]->measure_inference(); }
  void copy_weights_to(LeNet<float>& network) override { replicas_[0]->copy_weights_to(network); }
  std::string device() const override {
    return std::to_string(run_.gpus) + " x " + replicas_[0]->device() + " (data parallel, NCCL)";
  }
  std::vector<std::pair<std::string, std::string>> kernels() const override { return replicas_[0]->kernels(); }
  std::vector<LayerTime> layer_times() const override { return replicas_[0]->layer_times(); }
  std::string cuda_graph() const override { return replicas_[0]->cuda_graph(); }
  std::string energy_unavailable_reason() const override { return replicas_[0]->energy_unavailable_reason(); }

 private:
  /// Frees each replica on its own thread, with its own GPU current.
  void release() {
    group_.run([this](int r) { replicas_[std::size_t(r)].reset(); }, ReplicaPhase::kIndependent);
  }

  /// The epoch of the whole batch from the replicas' shares: each replica's mean loss and
  /// accuracy are over its shards, weighted here by how many images those held.
  EpochStats combined(const std::vector<EpochStats>& stats) const {
    const int total = run_.train_set->count(), batch = run_.batch_size, replicas = run_.gpus;
    EpochStats whole;
    double loss = 0, correct = 0, joules = 0;
    bool energy_known = true;
    for (int r = 0; r < replicas; ++r) {
      int images = 0;
      for (int begin = 0; begin < total; begin += batch)
        images += shard_size(std::min(batch, total - begin), replicas, r);
      const EpochStats& s = stats[std::size_t(r)];
      loss += s.mean_loss * images;
      correct += s.train_accuracy * images;
      whole.seconds = std::max(whole.seconds, s.seconds);
      energy_known = energy_known && s.joules >= 0;
      joules += s.joules;
    }
    whole.mean_loss = total == 0 ? 0.0 : loss / total;
    whole.train_accuracy = total == 0 ? 0.0 : correct / total;
    whole.joules = energy_known ? joules : -1;
    for (std::size_t step = 0; step < stats[0].batch_losses.size(); ++step) {
      const int count = std::min(batch, total - int(step) * batch);
      double sum = 0;
      for (int r = 0; r < replicas; ++r)
        sum += stats[std::size_t(r)].batch_losses[step] * shard_size(count, replicas, r);
      whole.batch_losses.push_back(sum / count);
    }
    return whole;
  }

  TrainingRun run_;
  NcclClique clique_;
  ReplicaGroup group_;  // replica r lives on group_'s thread r
  std::vector<std::unique_ptr<GpuEngine>> replicas_;
};
// [data-parallel]

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
  gather_kernel<<<unsigned(count), kThreads, 0, stream>>>(images, labels, order, nullptr, 0, first_image, side, augment,
                                                          augment.enabled(), augment_seed, batch_images, batch_labels,
                                                          nullptr);
  LADDER_CHECK_LAUNCH();
}

void predict(const float* logits, int batch, int classes, int* predicted, cudaStream_t stream) {
  if (batch < 1 || classes < 1) throw std::invalid_argument("predict: batch and classes must be >= 1");
  predict_kernel<<<unsigned((batch + kThreads - 1) / kThreads), kThreads, 0, stream>>>(logits, batch, classes,
                                                                                       predicted);
  LADDER_CHECK_LAUNCH();
}

std::unique_ptr<TrainingEngine> make_gpu_engine(const TrainingRun& run) {
  if (run.gpus >= 1) return std::make_unique<DataParallelEngine>(run);
  return std::make_unique<GpuEngine>(run);
}

int run_mnist_gpu(const MnistRunOptions& options, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  if (const auto reason = no_device_reason()) {
    err << "ch14_mnist_cnn: the GPU path needs an NVIDIA GPU: " << *reason
        << "; --cpu runs the CPU reference network\n";
    return 1;
  }
  return run_mnist(options, make_gpu_engine, out, err, err_is_terminal);
}

}  // namespace ladder::nn::gpu
