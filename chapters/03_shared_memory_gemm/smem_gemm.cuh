/// \file smem_gemm.cuh
/// \brief Chapter 03's kernel and launcher, a template on the tile size.
///
/// The body of the kernel is a device function template on the tile size:
/// smem_gemm.cu wraps it with kTile = 32 in `smem_gemm_kernel`, the chapter's
/// rung; the worked solution to exercise 2
/// (solutions/03_shared_memory_gemm/ex2_tile_16.cu) wraps it with 16.
#pragma once

#include "common/gemm/device.cuh"

namespace ladder::smem {

/// The chapter's rung, registered by smem_gemm.cu: 32 × 32 tiles of A, B and C.
/// (The diagram docs/images/ch03_smem_tiles.svg is drawn from it.)
inline constexpr int kChapterTile = 32;
static_assert(kChapterTile == 32, "each warp loads one 32-float row of a tile: one 128-byte line, conflict-free banks");

/// A block computes a kTile × kTile tile of C (BM = BN = kTile) and walks along
/// k in steps of kTile (BK = kTile): one thread per element of C, as in chapter 02.
template <int kTile>
constexpr bool tile_is_valid() {
  static_assert(kTile * kTile <= 1024, "a block holds at most 1024 threads");
  static_assert(32 % kTile == 0 || kTile % 32 == 0, "a warp covers whole rows of a tile, or a part of one");
  static_assert(2 * kTile * kTile * sizeof(float) <= 48 * 1024, "static shared memory is limited to 48 KB");
  return true;
}

/// Element (r, c) of a rows × cols row-major matrix, or 0 outside it: the zero
/// fill makes a partial tile behave like a full one padded with zeros.
__device__ __forceinline__ float load_or_zero(const float* matrix, int ld, int r, int c, int rows, int cols) {
  return (r < rows && c < cols) ? matrix[r * ld + c] : 0.0f;
}

// [smem-kernel]
template <int kTile>  // one block computes a kTile × kTile tile of C
__device__ __forceinline__ void smem_gemm_block(const GemmArgs& args) {
  static_assert(tile_is_valid<kTile>());
  __shared__ float a_tile[kTile][kTile];                         // (m, k): rows of A for this block's rows of C
  __shared__ float b_tile[kTile][kTile];                         // (k, n): rows of B for this block's columns of C
  const int ty = threadIdx.x / kTile, tx = threadIdx.x % kTile;  // a warp = one row ty, tx = 0..31
  const int row = blockIdx.y * kTile + ty, col = blockIdx.x * kTile + tx;
  // Whole tiles need no bounds checks; only blocks on the bottom/right edge,
  // and the last k-tile when K is not a multiple of kTile, take the predicated
  // path (the branch is the same for every thread of the block, so it never
  // diverges).
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

}  // namespace ladder::smem
