/// \file ex1_double_buffer.cu
/// \brief Exercise 1 (starter): two copies of each tile, one __syncthreads per k-tile instead of two.
///
/// The chapter's kernel waits twice per k-tile: once so the tiles are complete
/// before anyone reads them, once so nobody overwrites them while others still
/// read. With two buffers, the next tile goes into the buffer nobody reads, and
/// the second barrier disappears. Fill in the TODOs, then run
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter03Exercises
///     build/bin/ch03_shared_memory_gemm --exercises
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

constexpr int kTile = 32;
constexpr int kThreadsPerBlock = kTile * kTile;
static_assert(2 * 2 * kTile * kTile * sizeof(float) <= 48 * 1024, "static shared memory is limited to 48 KB");

__device__ __forceinline__ float load_or_zero(const float* matrix, int ld, int r, int c, int rows, int cols) {
  return (r < rows && c < cols) ? matrix[r * ld + c] : 0.0f;
}

__global__ void double_buffer_gemm_kernel(GemmArgs args) {
  __shared__ float a_tile[2][kTile][kTile];  // (buffer, m, k)
  __shared__ float b_tile[2][kTile][kTile];  // (buffer, k, n)
  const int ty = threadIdx.x / kTile, tx = threadIdx.x % kTile;
  const int row = blockIdx.y * kTile + ty, col = blockIdx.x * kTile + tx;
  const auto load = [&](int buffer, int k0) {  // stage k-tile k0 into one buffer, zero-filled at the edges
    a_tile[buffer][ty][tx] = load_or_zero(args.a, args.lda, row, k0 + tx, args.m, args.k);
    b_tile[buffer][ty][tx] = load_or_zero(args.b, args.ldb, k0 + ty, col, args.k, args.n);
  };
  const int k_tiles = ceil_div(args.k, kTile);
  load(0, 0);
  __syncthreads();
  float acc = 0.0f;
  for (int t = 0; t < k_tiles; ++t) {
    // TODO: if there is a tile t + 1, load it into buffer (t + 1) % 2; then multiply-add
    // row ty of a_tile and column tx of b_tile from buffer t % 2 (all kTile values of p;
    // as given, only p = 0). Why is the one barrier below enough?
    acc += a_tile[t % 2][ty][0] * b_tile[t % 2][0][tx];
    __syncthreads();
  }
  if (row < args.m && col < args.n) store_c(args, row, col, acc);
}

void launch_double_buffer_gemm(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kTile), ceil_div(args.m, kTile));
  double_buffer_gemm_kernel<<<grid, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_gemm({"03 ex1 double buffer",
                                       3,
                                       RungKind::Exercise,
                                       launch_double_buffer_gemm,
                                       {},
                                       "exercise: two shared buffers, one barrier per k-tile"});

}  // namespace
}  // namespace ladder
