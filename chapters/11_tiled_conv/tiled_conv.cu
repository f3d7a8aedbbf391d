/// \file chapters/11_tiled_conv/tiled_conv.cu
/// \brief Chapter 11: the tiled convolution, rungs 11a (a shared-memory halo tile per
/// input channel) and 11b (11a with KB = 8 output channels per thread).
///
/// Run it: `build/bin/ch11_tiled_conv` (ResNet-50's 28x28x128 layer at batch
/// 32), or `--layer lenet-conv2`, or any sizes: `--n 8 --c 3 --h 33 --w 31 --k 16 --r 5 --s 5 --pad 2`.
#include "chapters/11_tiled_conv/tiled_conv.cuh"

namespace ladder::tiled {
namespace {

// [tiled-kernel]
/// 11a: a block computes a kTileP × kTileQ tile of one output channel of one
/// image, a thread one output pixel. Per input channel the block stages the
/// tile's halo and the channel's R×S weights in shared memory, then every
/// thread walks the taps with no bounds test. Each FFMA still needs two shared
/// loads: the input word (a warp reads 32 consecutive ones) and the weight
/// (one word for the whole warp, a broadcast).
__global__ void __launch_bounds__(kThreadsPerBlock, kMinBlocksPerSm) tiled_conv_kernel(ConvArgs args) {
  extern __shared__ __align__(16) float shared[];
  const ConvProblem& pr = args.problem;
  const BlockWork work = block_work(pr, static_cast<int>(blockIdx.x), kTileP, 1);
  const HaloTile halo = halo_tile(pr, work.p0, work.q0, kTileP);
  const int floats = halo_floats(pr, kTileP);
  float* w_tile = shared;                                // (r, s): filter k0, input channel c
  float* in_tile = w_tile + pr.r * pr.s;                 // (halo rows, halo cols): input channel c
  int* plan = reinterpret_cast<int*>(in_tile + floats);  // (halo rows, halo cols): where each comes from
  plan_halo_copy(pr, halo, plan);
  const int tp = static_cast<int>(threadIdx.x) / kTileQ, tq = static_cast<int>(threadIdx.x) % kTileQ;
  const float* in = in_tile + thread_halo_origin(pr, halo.cols.count, tp, tq);  // tap (0, 0) of my pixel

  float sum = 0.0f;
  for (int c = 0; c < pr.c; ++c) {
    stage_halo_tile(args.x + conv::nchw_offset(pr, work.n, c, 0, 0), plan, floats, in_tile);
    stage_filter_slice<1>(pr, args.w, work.k0, c, w_tile);
    __syncthreads();
    for (int r = 0; r < pr.r; ++r) {
      const float* in_row = in + r * halo.cols.count;
      const float* w_row = w_tile + r * pr.s;
#pragma unroll  // at most kMaxFilterExtent taps: constant offsets, and no loop counter
      for (int s = 0; s < kMaxFilterExtent; ++s) {
        if (s == pr.s) break;  // S is the same for every thread: a uniform branch
        sum += in_row[s] * w_row[s];
      }
    }
    __syncthreads();  // before the next channel overwrites the tiles
  }
  const int p = work.p0 + tp, q = work.q0 + tq;
  if (p < pr.p() && q < pr.q()) args.y[conv::nkpq_offset(pr, work.n, work.k0, p, q)] = sum;
}
// [tiled-kernel]

// [blocked-kernel]
/// 11b: 11a, but a thread computes its pixel for KB output channels. The
/// input word it loads from shared memory now feeds KB FFMAs, and the KB
/// weights of a tap come in KB/4 float4 loads, all lanes of a warp reading the
/// same address (a broadcast). Per tap: 1 + KB/4 shared loads for KB FFMAs.
template <int KB>
__global__ void __launch_bounds__(kThreadsPerBlock, kMinBlocksPerSm) tiled_channel_blocked_kernel(ConvArgs args) {
  static_assert(KB % 4 == 0, "a tap's KB weights are read as KB/4 float4s");
  extern __shared__ __align__(16) float shared[];
  const ConvProblem& pr = args.problem;
  const BlockWork work = block_work(pr, static_cast<int>(blockIdx.x), kTileP, KB);
  const HaloTile halo = halo_tile(pr, work.p0, work.q0, kTileP);
  const int floats = halo_floats(pr, kTileP);
  float* w_tile = shared;                                // (r·S + s, KB): filters k0 .. k0 + KB − 1, channel c
  float* in_tile = w_tile + KB * pr.r * pr.s;            // (halo rows, halo cols): input channel c
  int* plan = reinterpret_cast<int*>(in_tile + floats);  // (halo rows, halo cols)
  plan_halo_copy(pr, halo, plan);
  const int tp = static_cast<int>(threadIdx.x) / kTileQ, tq = static_cast<int>(threadIdx.x) % kTileQ;
  const float* in = in_tile + thread_halo_origin(pr, halo.cols.count, tp, tq);

  float acc[KB] = {};  // (k): registers, since every index is a compile-time constant
  for (int c = 0; c < pr.c; ++c) {
    stage_halo_tile(args.x + conv::nchw_offset(pr, work.n, c, 0, 0), plan, floats, in_tile);
    stage_filter_slice<KB>(pr, args.w, work.k0, c, w_tile);
    __syncthreads();
    for (int r = 0; r < pr.r; ++r) {
      const float* in_row = in + r * halo.cols.count;
      const float4* w_row = reinterpret_cast<const float4*>(w_tile + r * pr.s * KB);  // (s, KB / 4)
#pragma unroll  // at most kMaxFilterExtent taps: constant offsets, and no loop counter
      for (int s = 0; s < kMaxFilterExtent; ++s) {
        if (s == pr.s) break;       // S is the same for every thread: a uniform branch
        const float v = in_row[s];  // one shared load, reused KB times
#pragma unroll
        for (int j = 0; j < KB / 4; ++j) {
          const float4 wj = w_row[s * KB / 4 + j];  // all lanes, one address: a broadcast
          acc[4 * j + 0] += v * wj.x;
          acc[4 * j + 1] += v * wj.y;
          acc[4 * j + 2] += v * wj.z;
          acc[4 * j + 3] += v * wj.w;
        }
      }
    }
    __syncthreads();
  }
  const int p = work.p0 + tp, q = work.q0 + tq;
  if (p >= pr.p() || q >= pr.q()) return;
#pragma unroll
  for (int j = 0; j < KB; ++j)
    if (work.k0 + j < pr.k) args.y[conv::nkpq_offset(pr, work.n, work.k0 + j, p, q)] = acc[j];
}
// [blocked-kernel]

// [launch]
/// The block count and the shared-memory size both come from the problem;
/// launch_shared_bytes() refuses, with the reason, a problem past the requirements.
void launch_tiled(const ConvArgs& args, cudaStream_t stream) {
  const std::size_t bytes = launch_shared_bytes(args.problem, kTileP, 1);
  const auto blocks = static_cast<unsigned>(block_count(args.problem, kTileP, 1));
  tiled_conv_kernel<<<blocks, kThreadsPerBlock, bytes, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

void launch_tiled_channel_blocked(const ConvArgs& args, cudaStream_t stream) {
  const std::size_t bytes = launch_shared_bytes(args.problem, kTileP, kChannelBlock);
  const auto blocks = static_cast<unsigned>(block_count(args.problem, kTileP, kChannelBlock));
  tiled_channel_blocked_kernel<kChannelBlock><<<blocks, kThreadsPerBlock, bytes, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [launch]

const bool registered_tiled =
    register_conv({"11a tiled, shared-memory input tile", 11, RungKind::Chapter, launch_tiled, tiled_requirements(),
                   "an 8x32 output tile per block; its input halo and filter slice staged in shared memory"});

const bool registered_blocked =
    register_conv({"11b tiled + output-channel blocking", 11, RungKind::Chapter, launch_tiled_channel_blocked,
                   tiled_requirements(), "11a with 8 output channels per thread: a shared input load feeds 8 FFMAs"});

}  // namespace
}  // namespace ladder::tiled
