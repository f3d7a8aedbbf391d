/// \file chapters/13_implicit_gemm_conv/implicit_gemm_sweep.cu
/// \brief Chapter 13's later rungs: 13c the tile sweep (13b's kernel at other tile shapes),
/// 13d the tile chosen per layer by timing the sweep once, 13e any C through channels
/// padded to 8 in a workspace, 13f split-K for layers with too few tiles.
///
/// Run them: `build/bin/ch13_implicit_gemm_conv --layer resnet50-3x3-56` (or -7, or
/// lenet-conv1 for 13e); the lines under the table name the tile 13d chose.
#include <stdexcept>
#include <string>

#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_tuning.hpp"

namespace ladder::implicit_gemm {
namespace {

// [sweep]
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

void launch_tuned(const Bf16ConvArgs& args, cudaStream_t stream) {
  launch_fastest(mma_sync_family(), args, false, stream);
}
std::string tuned_choice(const ConvProblem& problem) { return fastest_note(mma_sync_family(), false, problem); }

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
void launch_split_k(const Bf16ConvArgs& args, cudaStream_t stream) {
  launch_fastest(mma_sync_family(), args, true, stream);
}
std::string split_k_choice(const ConvProblem& problem) { return fastest_note(mma_sync_family(), true, problem); }
// [split]

ConvRung sweep_rung(const TileCandidate& candidate) {
  return {std::string("13c ") + candidate.name,
          13,
          RungKind::Chapter,
          candidate.launch,
          requirements(),
          std::string("13b's kernel at the tile shape ") + candidate.name};
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

const TileFamily& mma_sync_family() {
  static const TileFamily family{"mma.sync", kSweep, int(std::size(kSweep))};
  return family;
}

}  // namespace ladder::implicit_gemm
