/// \file smem_gemm.cu
/// \brief Chapter 03: tiles of A and B staged in shared memory, each element read from global memory once per block.
///
/// Run it: `build/bin/ch03_shared_memory_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the ladder so far: cuBLAS and rungs 01 to 03.
#include "common/gemm_device.cuh"

namespace ladder {
namespace {

/// A block computes a kTile × kTile tile of C (BM = BN = kTile) and walks along
/// k in steps of kTile (BK = kTile): one thread per element of C, as in chapter 02.
constexpr int kTile = 32;
constexpr int kThreadsPerBlock = kTile * kTile;
static_assert(kThreadsPerBlock <= 1024, "a block holds at most 1024 threads");
static_assert(kTile == 32, "each warp loads one 32-float row of a tile: one 128-byte line, conflict-free banks");
static_assert(2 * kTile * kTile * sizeof(float) <= 48 * 1024, "static shared memory is limited to 48 KB");

/// Element (r, c) of a rows × cols row-major matrix, or 0 outside it: the zero
/// fill makes a partial tile behave like a full one padded with zeros.
__device__ __forceinline__ float load_or_zero(const float* matrix, int ld, int r, int c, int rows, int cols) {
  return (r < rows && c < cols) ? matrix[r * ld + c] : 0.0f;
}

// [smem-kernel]
__global__ void smem_gemm_kernel(GemmArgs args) {
  __shared__ float a_tile[kTile][kTile];                         // (m, k): rows of A for this block's rows of C
  __shared__ float b_tile[kTile][kTile];                         // (k, n): rows of B for this block's columns of C
  const int ty = threadIdx.x / kTile, tx = threadIdx.x % kTile;  // a warp = one row ty, tx = 0..31
  const int row = blockIdx.y * kTile + ty, col = blockIdx.x * kTile + tx;
  // Whole tiles need no bounds checks; only blocks on the bottom/right edge
  // and the last k-tile take the predicated path (the branch is the same for
  // every thread of the block, so it never diverges).
  const bool rows_inside = (blockIdx.y + 1) * kTile <= args.m, cols_inside = (blockIdx.x + 1) * kTile <= args.n;

  float acc = 0.0f;
  for (int k0 = 0; k0 < args.k; k0 += kTile) {
    const bool k_inside = k0 + kTile <= args.k;
    // Each thread stages one element of each tile; a warp reads 32 consecutive floats.
    a_tile[ty][tx] = rows_inside && k_inside ? args.a[row * args.lda + k0 + tx]
                                             : load_or_zero(args.a, args.lda, row, k0 + tx, args.m, args.k);
    b_tile[ty][tx] = cols_inside && k_inside ? args.b[(k0 + ty) * args.ldb + col]
                                             : load_or_zero(args.b, args.ldb, k0 + ty, col, args.k, args.n);
    __syncthreads();  // the tiles are complete before anyone reads them
    // a_tile[ty][p] is one address per warp (broadcast); b_tile[p][tx] is 32 banks.
    for (int p = 0; p < kTile; ++p) acc += a_tile[ty][p] * b_tile[p][tx];
    __syncthreads();  // everyone is done reading before the next iteration overwrites them
  }
  if (row < args.m && col < args.n) store_c(args, row, col, acc);
}
// [smem-kernel]

// [smem-launch]
void launch_smem_gemm(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kTile), ceil_div(args.m, kTile));
  smem_gemm_kernel<<<grid, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [smem-launch]

const bool registered = register_gemm({"03 shared memory",
                                       3,
                                       RungKind::Chapter,
                                       launch_smem_gemm,
                                       {},
                                       "32x32 tiles of A and B staged in shared memory, one element of C per thread"});

}  // namespace
}  // namespace ladder
