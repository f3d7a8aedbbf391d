/// \file solutions/01_naive_gemm/ex1_grid_stride.cu
/// \brief Solution to chapter 01, exercise 1: a grid-stride loop covers any m × n with a fixed grid.
///
/// Why bother: the grid no longer depends on the problem, so one launch
/// configuration (tuned once, e.g. to the SM count) serves every size, and no
/// size can exceed the grid's dimension limits. The price is a division and a
/// modulo per element, negligible next to a k-long dot product.
///
/// Measured on the H200 at 4096³: 86.3 ms, 3.2× faster than `01 naive`
/// (276.6 ms) but 3.9× slower than exercise 2's 22.1 ms with the same
/// mapping. Not the division, likely; two causes fit (this rung was not
/// profiled). Occupancy: 264 blocks of 256 threads are 16 warps per SM, a
/// quarter of the 64 that `01 naive` keeps resident (Nsight Compute: 63.2
/// achieved, in the kept report benchmarks/results/NVIDIA_H200.ncu.txt), too
/// few to hide the L1 latency that limits chapter 02's kernel. And lost reuse:
/// a block is 256 consecutive columns of one row, so the SM's warps read
/// disjoint 32-column slices of B that no other warp brought into L1. The L1
/// hit rate and L2 throughput would tell them apart (chapter 01's lesson).
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

constexpr int kThreadsPerBlock = 256;
constexpr int kBlocks = 264;  // 2 per SM on a 132-SM H100/H200; any value is correct

__global__ void grid_stride_gemm_kernel(GemmArgs args) {
  const long long elements = (long long)args.m * args.n;
  const int stride = gridDim.x * blockDim.x;
  for (long long e = blockIdx.x * blockDim.x + threadIdx.x; e < elements; e += stride) {
    // Consecutive threads take consecutive columns of one row: their B loads
    // and C stores are neighbours in memory (chapter 02 explains why it matters).
    const int row = int(e / args.n), col = int(e % args.n);
    float acc = 0.0f;
    for (int p = 0; p < args.k; ++p) acc += args.a[row * args.lda + p] * args.b[p * args.ldb + col];
    store_c(args, row, col, acc);
  }
}

void launch_grid_stride_gemm(const GemmArgs& args, cudaStream_t stream) {
  grid_stride_gemm_kernel<<<kBlocks, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_gemm({"01 sol1 grid-stride",
                                       1,
                                       RungKind::Solution,
                                       launch_grid_stride_gemm,
                                       {},
                                       "solution: fixed grid of 264x256 threads, grid-stride loop"});

}  // namespace
}  // namespace ladder
