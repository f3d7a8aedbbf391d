/// \file chapters/11_tiled_conv/exercises/ex1_two_rows.cu
/// \brief Exercise 1 (starter): 11b with two output rows per thread, an outer product of 2 pixels × KB channels.
///
/// The block tile grows to 16 × 32 outputs: thread (tp, tq) owns output rows
/// tp and tp + 8 of column tq, for KB = 8 output channels. The staging, the
/// halo origin of both rows (in0, in1), the accumulators and the stores are
/// written; the inner step accumulates only the first row. Add the second (the
/// TODO): load its input word once per tap and feed it the same KB weights. As
/// given, the outputs of rows 8 to 15 of every tile stay zero and the tests fail.
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter11Exercise
///     build/bin/ch11_tiled_conv --exercises
///
/// Before measuring, predict for the ResNet-50 28x28x128 layer: shared loads
/// and FFMAs per tap per thread (11b: 1 + 2 loads, 8 FFMAs), the halo rows
/// staged per output row (11b: 10 for 8), the blocks launched and how many fit
/// on an SM at once (ptxas -v gives the registers), and so whether this rung is
/// faster than 11b, and by roughly how much.
#include "chapters/11_tiled_conv/tiled_conv.cuh"

namespace ladder::tiled::exercise1 {
namespace {

constexpr int kRowsPerThread = 2;
constexpr int kTileRows = kRowsPerThread * kTileP;  // 16 output rows per block
constexpr int KB = kChannelBlock;
static_assert(shared_bytes(kLargestHalo, kTileRows, KB) <= kSharedBytesWithoutOptIn,
              "the taller halo tile still fits without opting in");

__global__ void __launch_bounds__(kThreadsPerBlock, kMinBlocksPerSm) two_rows_kernel(ConvArgs args) {
  extern __shared__ __align__(16) float shared[];
  const ConvProblem& pr = args.problem;
  const BlockWork work = block_work(pr, static_cast<int>(blockIdx.x), kTileRows, KB);
  const HaloTile halo = halo_tile(pr, work.p0, work.q0, kTileRows);
  const int floats = halo_floats(pr, kTileRows);
  float* w_tile = shared;                                // (r·S + s, KB)
  float* in_tile = w_tile + KB * pr.r * pr.s;            // (halo rows, halo cols), 16 output rows tall
  int* plan = reinterpret_cast<int*>(in_tile + floats);  // (halo rows, halo cols)
  plan_halo_copy(pr, halo, plan);
  const int tp = static_cast<int>(threadIdx.x) / kTileQ, tq = static_cast<int>(threadIdx.x) % kTileQ;
  const float* in0 = in_tile + thread_halo_origin(pr, halo.cols.count, tp, tq);           // output row tp
  const float* in1 = in_tile + thread_halo_origin(pr, halo.cols.count, tp + kTileP, tq);  // output row tp + 8

  float acc[kRowsPerThread][KB] = {};  // (row, k)
  for (int c = 0; c < pr.c; ++c) {
    stage_halo_tile(args.x + conv::nchw_offset(pr, work.n, c, 0, 0), plan, floats, in_tile);
    stage_filter_slice<KB>(pr, args.w, work.k0, c, w_tile);
    __syncthreads();
    for (int r = 0; r < pr.r; ++r) {
      const float4* w_row = reinterpret_cast<const float4*>(w_tile + r * pr.s * KB);
#pragma unroll
      for (int s = 0; s < kMaxFilterExtent; ++s) {
        if (s == pr.s) break;
        const float v0 = in0[r * halo.cols.count + s];
        // TODO: load v1, the input word output row tp + 8 reads at this tap (from in1), and add
        // v1 * wj.x .. v1 * wj.w into acc[1][4 * j + 0 .. 3] beside the four lines of row 0.
        (void)in1;
#pragma unroll
        for (int j = 0; j < KB / 4; ++j) {
          const float4 wj = w_row[s * KB / 4 + j];
          acc[0][4 * j + 0] += v0 * wj.x;
          acc[0][4 * j + 1] += v0 * wj.y;
          acc[0][4 * j + 2] += v0 * wj.z;
          acc[0][4 * j + 3] += v0 * wj.w;
        }
      }
    }
    __syncthreads();
  }
  const int q = work.q0 + tq;
#pragma unroll
  for (int i = 0; i < kRowsPerThread; ++i) {
    const int p = work.p0 + tp + i * kTileP;
    if (p >= pr.p() || q >= pr.q()) continue;
#pragma unroll
    for (int j = 0; j < KB; ++j)
      if (work.k0 + j < pr.k) args.y[conv::nkpq_offset(pr, work.n, work.k0 + j, p, q)] = acc[i][j];
  }
}

void launch_two_rows(const ConvArgs& args, cudaStream_t stream) {
  const std::size_t bytes = launch_shared_bytes(args.problem, kTileRows, KB);
  const auto blocks = static_cast<unsigned>(block_count(args.problem, kTileRows, KB));
  two_rows_kernel<<<blocks, kThreadsPerBlock, bytes, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered =
    register_conv({"11 ex1 tiled, two output rows per thread", 11, RungKind::Exercise, launch_two_rows,
                   tiled_requirements(), "exercise 1: 11b with a 16x32 tile, each thread 2 rows x 8 channels"});

}  // namespace
}  // namespace ladder::tiled::exercise1
