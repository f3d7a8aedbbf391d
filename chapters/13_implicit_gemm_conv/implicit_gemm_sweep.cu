/// \file chapters/13_implicit_gemm_conv/implicit_gemm_sweep.cu
/// \brief Chapter 13's later rungs: 13c the tile sweep (13b's kernel at other tile shapes),
/// 13d the tile chosen per layer by timing the sweep once, 13e any C through channels
/// padded to 8 in a workspace, 13f split-K for layers with too few tiles.
///
/// Run them: `build/bin/ch13_implicit_gemm_conv --layer resnet50-3x3-56` (or -7, or
/// lenet-conv1 for 13e); the lines under the table name the tile 13d chose.
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>

#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"
#include "common/core/timing.cuh"

namespace ladder::implicit_gemm {
namespace {

// [sweep]
/// A tile shape of the sweep: its name, 13b's launcher at that shape, the same with the
/// k-tiles split (13f), the k-tile's depth (which bounds the splits) and the tile's width.
struct TileCandidate {
  const char* name;
  Bf16ConvLauncher launch;
  void (*launch_split)(const Bf16ConvArgs& args, int splits, cudaStream_t stream);
  int bk, bn;
};

template <class Cfg>
constexpr TileCandidate candidate(const char* name) {
  return {name, launch_implicit_gemm<Cfg, HoistedGather>, launch_implicit_gemm_split<Cfg, HoistedGather>, Cfg::kBK,
          Cfg::kBN};
}

const TileCandidate kSweep[] = {
    candidate<Mma128x128x32s4>("128x128x32 s4"), candidate<Mma128x64x32s4>("128x64x32 s4"),
    candidate<Mma64x128x32s4>("64x128x32 s4"),   candidate<Mma64x64x32s4>("64x64x32 s4"),
    candidate<Mma256x128x32s3>("256x128x32 s3"), candidate<Mma128x128x64s3>("128x128x64 s3"),
    candidate<Mma64x64x64s3>("64x64x64 s3"),
};
// [sweep]

// [tuned]
/// The sweep's fastest shape (and split count, for 13f) for one problem on one device,
/// found on the first launch.
struct Choice {
  int candidate = -1;
  int splits = 1;
  double median_ms = 0;
};
/// 13d or 13f, the device, then the problem.
using ChoiceKey = std::tuple<bool, int, int, int, int, int, int, int, int, int, int>;

ChoiceKey key_of(bool split_k, int device, const ConvProblem& p) {
  return {split_k, device, p.n, p.c, p.h, p.w, p.k, p.r, p.s, p.stride, p.padding};
}
std::mutex& choices_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<ChoiceKey, Choice>& choices() {
  static std::map<ChoiceKey, Choice> chosen;
  return chosen;
}

/// Times every shape of the sweep on these tensors (2 untimed runs, the median of 5, L2
/// flushed; the output is overwritten by each) and keeps the fastest, as cuDNN's Find and
/// our cuBLASLt baseline do. With split_k, each shape runs at every split count from 1 to
/// split_limit: which count fills the SMs best depends on how many blocks of the shape fit
/// on one, and a rule that guessed it missed on the H200 (the lesson). The first launch for
/// a problem pays for it; the runner's untimed verification run is that launch.
Choice choose_tile(const Bf16ConvArgs& args, bool split_k, cudaStream_t stream) {
  Choice best;
  for (int i = 0; i < int(std::size(kSweep)); ++i) {
    if (n_tiles(args.problem, kSweep[i].bn) > kMaxGridY) continue;  // the grid's y holds the column tiles
    const int most = split_k ? split_limit(args.problem, k_tiles(args.problem, kSweep[i].bk)) : 1;
    for (int splits = 1; splits <= most; ++splits) {
      const TimingConfig config{2, 5, true};  // L2 flushed, as the runner and bench_conv time
      const auto run = [&](cudaStream_t s) { kSweep[i].launch_split(args, splits, s); };
      const double ms = time_on_gpu(run, config, stream).median_ms;
      if (best.candidate < 0 || ms < best.median_ms) best = {i, splits, ms};
    }
  }
  if (best.candidate < 0)
    throw std::invalid_argument("implicit GEMM: " + std::to_string(args.problem.gemm_n()) +
                                " output channels: every sweep shape has more column tiles than a grid holds");
  return best;
}

void launch_choice(const Bf16ConvArgs& args, bool split_k, cudaStream_t stream) {
  int device = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  const ChoiceKey key = key_of(split_k, device, args.problem);
  std::optional<Choice> choice;
  {
    std::lock_guard<std::mutex> lock(choices_mutex());
    if (const auto found = choices().find(key); found != choices().end()) choice = found->second;
  }
  if (!choice) {
    // Timed without the lock: timing waits for the stream's earlier work, which in chapter 14's
    // data-parallel run can wait on another GPU's all-reduce, whose thread may be waiting here.
    const Choice timed = choose_tile(args, split_k, stream);
    std::lock_guard<std::mutex> lock(choices_mutex());
    choice = choices().emplace(key, timed).first->second;  // a thread that timed it first wins
  }
  kSweep[choice->candidate].launch_split(args, choice->splits, stream);
}

void launch_tuned(const Bf16ConvArgs& args, cudaStream_t stream) { launch_choice(args, false, stream); }

std::string choice_note(bool split_k, const ConvProblem& problem) {
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) return "";
  std::lock_guard<std::mutex> lock(choices_mutex());
  const auto found = choices().find(key_of(split_k, device, problem));
  if (found == choices().end()) return "";
  std::ostringstream note;
  note << kSweep[found->second.candidate].name;
  if (split_k) note << ", k split " << found->second.splits << " ways";
  note << ", the fastest of the " << std::size(kSweep) << " sweep shapes, timed once for this layer ("
       << found->second.median_ms << " ms)";
  return note.str();
}
std::string tuned_choice(const ConvProblem& problem) { return choice_note(false, problem); }
// [tuned]

// [padded]
/// Copies `pixels` pixels (or filter taps) of `channels` channels into `padded_channels`,
/// the extra channels zero. One thread per output element, so the writes are coalesced.
__global__ void pad_channels_kernel(const bf16* __restrict__ in, bf16* __restrict__ out, long long elements,
                                    int channels, int padded_channels) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < elements;
       i += static_cast<long long>(gridDim.x) * blockDim.x) {
    const long long source = padded_channel_source(i, channels, padded_channels);
    out[i] = source < 0 ? __float2bfloat16_rn(0.0f) : in[source];
  }
}

void pad_channels(const bf16* in, bf16* out, std::size_t pixels, int channels, cudaStream_t stream) {
  const long long elements = static_cast<long long>(pixels) * padded_channels(channels);
  const int threads = 256;
  const long long blocks = std::min<long long>((elements + threads - 1) / threads, 65535);
  pad_channels_kernel<<<static_cast<unsigned>(blocks), threads, 0, stream>>>(in, out, elements, channels,
                                                                             padded_channels(channels));
  LADDER_CHECK_LAUNCH();
}

/// 13e: C a multiple of 8 runs as 13d; any other C is padded into the workspace first
/// (x and w, every launch: the time includes the copies), then 13d runs on the padded problem.
void launch_padded(const Bf16ConvArgs& args, cudaStream_t stream) {
  const ConvProblem& pr = args.problem;
  if (channels_fill_chunks(pr)) return launch_tuned(args, stream);
  const ConvProblem padded = channel_padded(pr);
  if (auto reason = invalid_reason(padded))
    throw std::invalid_argument("implicit GEMM: with the channels padded to " + std::to_string(padded.c) + ", " +
                                *reason);
  if (args.workspace == nullptr || args.workspace_bytes < channel_padding_workspace_bytes(pr))
    throw std::invalid_argument("implicit GEMM: the padded channels need a workspace of " +
                                std::to_string(channel_padding_workspace_bytes(pr)) + " bytes");
  auto* x_padded = static_cast<bf16*>(args.workspace);
  auto* w_padded = reinterpret_cast<bf16*>(static_cast<char*>(args.workspace) + padded_filter_offset_bytes(pr));
  pad_channels(args.x, x_padded, std::size_t(pr.n) * pr.h * pr.w, pr.c, stream);
  pad_channels(args.w, w_padded, std::size_t(pr.k) * pr.r * pr.s, pr.c, stream);
  Bf16ConvArgs on_padded = args;
  on_padded.problem = padded;
  on_padded.x = x_padded;
  on_padded.w = w_padded;
  launch_tuned(on_padded, stream);
}

std::string padded_choice(const ConvProblem& problem) { return tuned_choice(channel_padded(problem)); }
// [padded]

// [split]
/// 13f: 13d's sweep, each shape with its k-tiles split 1 to split_limit ways, the fastest kept.
void launch_split_k(const Bf16ConvArgs& args, cudaStream_t stream) { launch_choice(args, true, stream); }
std::string split_k_choice(const ConvProblem& problem) { return choice_note(true, problem); }
// [split]

ConvRung sweep_rung(const TileCandidate& candidate) {
  return {std::string("13c ") + candidate.name,
          13,
          RungKind::Chapter,
          candidate.launch,
          requirements(),
          std::string("13b's kernel at the tile shape ") + candidate.name};
}

const TileCandidate& sweep_shape(int shape) {
  if (shape < 0 || shape >= int(std::size(kSweep)))
    throw std::invalid_argument("implicit GEMM: no sweep shape " + std::to_string(shape));
  return kSweep[shape];
}

// [rungs]
const bool registered[] = {
    register_conv(mma_sync_rung(sweep_rung(kSweep[1]))),
    register_conv(mma_sync_rung(sweep_rung(kSweep[2]))),
    register_conv(mma_sync_rung(sweep_rung(kSweep[3]))),
    register_conv(mma_sync_rung(sweep_rung(kSweep[4]))),
    register_conv(mma_sync_rung(sweep_rung(kSweep[5]))),
    register_conv(mma_sync_rung(sweep_rung(kSweep[6]))),
    register_conv(mma_sync_rung({"13d tile tuned per layer", 13, RungKind::Chapter, launch_tuned, requirements(),
                                 "13b's kernel at the fastest of the 13c shapes (and 13b's), timed on the first launch",
                                 nullptr, tuned_choice})),
    register_conv(
        mma_sync_rung({"13e any C: channels padded to 8", 13, RungKind::Chapter, launch_padded, ConvRequirements{80},
                       "pad x and w to a multiple of 8 channels in a workspace (zeros add nothing), then 13d",
                       channel_padding_workspace_bytes, padded_choice})),
    register_conv(
        mma_sync_rung({"13f split-K", 13, RungKind::Chapter, launch_split_k, requirements(),
                       "13d with the k-tiles split across blocks, each shape timed at 1 to 4 splits on the first "
                       "launch; fp32 partial sums, then a deterministic reduction",
                       split_k_workspace_bytes, split_k_choice})),
};
// [rungs]

}  // namespace

int sweep_shapes() { return int(std::size(kSweep)); }
int sweep_shape_bk(int shape) { return sweep_shape(shape).bk; }
void launch_sweep_shape_split(const Bf16ConvArgs& args, int shape, int splits, cudaStream_t stream) {
  sweep_shape(shape).launch_split(args, splits, stream);
}

}  // namespace ladder::implicit_gemm
