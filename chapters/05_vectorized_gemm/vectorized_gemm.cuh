/// \file vectorized_gemm.cuh
/// \brief Chapter 05's kernel body, a template on the k-step BK.
///
/// vectorized_gemm.cu wraps it with BK = 8 in `vectorized_gemm_kernel`, the
/// chapter's rung; the worked solution to exercise 3
/// (solutions/05_vectorized_gemm/ex3_bk16.cu) wraps it with BK = 16.
/// Requires 16-byte aligned pointers and leading dimensions that are multiples
/// of 4 floats; m, n and k may be anything.
#pragma once

#include "common/gemm/device.cuh"

namespace ladder::vectorized {

inline constexpr int kBM = 128, kBN = 128;                  // block tile of C
inline constexpr int kTM = 8, kTN = 8;                      // thread tile: 2 × 2 sub-tiles of 4 × 4
inline constexpr int kThreads = (kBM / kTM) * (kBN / kTN);  // 16 × 16 = 256
inline constexpr int kPad = 4;                              // extra floats per a_tile row, see the transposed store
static_assert(kTM == 8 && kTN == 8 && (kBM / kTM) * 4 == kBM / 2 && (kBN / kTN) * 4 == kBN / 2,
              "a thread's two 4-wide sub-tiles lie half a block tile apart");
static_assert(kThreads == 2 * kBM, "two threads stage each row of A: columns 0..3 and 4..7 of every 8");
static_assert(kThreads * 4 == 8 * kBN, "a pass of the block stages 8 rows of B, one float4 per thread");
static_assert((kBM + kPad) % 4 == 0, "padded a_tile rows keep float4 reads 16-byte aligned");
static_assert((kBM + kPad) % 32 == 4, "row k+1 of a_tile starts 4 banks after row k: see the transposed store");

// [vectorized-requirements]
/// float4 accesses need 16-byte aligned addresses: aligned pointers and leading
/// dimensions that are multiples of 4 floats. The registry rejects other problems.
inline GemmRequirements vectorized_requirements() {
  GemmRequirements need;
  need.alignment_bytes = 16;
  return need;
}
// [vectorized-requirements]

// [vectorized-kernel]
template <int kBK>  // the k-step: 8 in this chapter (one float4 of A and of B per thread and k-tile)
__device__ __forceinline__ void vectorized_gemm_block(const GemmArgs& args) {
  static_assert(kBK % 8 == 0, "a k-tile is staged in passes of 8 columns of A and 8 rows of B");
  constexpr int kPasses = kBK / 8;
  // (k, m): transposed, so the 4 rows of A a thread needs at step p are one float4;
  // padded, so the transposing stores of one warp hit 32 different banks.
  __shared__ __align__(16) float a_tile[kBK][kBM + kPad];
  __shared__ __align__(16) float b_tile[kBK][kBN];  // (k, n)
  const int m0 = blockIdx.y * kBM, n0 = blockIdx.x * kBN;
  const int ty = threadIdx.x / (kBN / kTN), tx = threadIdx.x % (kBN / kTN);  // 16 × 16 threads
  const int ar = threadIdx.x / 2, ac = threadIdx.x % 2 * 4;                  // staged: A(ar, ac + 8s .. +3)
  const int br = threadIdx.x / (kBN / 4), bc = threadIdx.x % (kBN / 4) * 4;  // staged: B(br + 8s, bc .. +3)
  const bool rows_inside = m0 + kBM <= args.m, cols_inside = n0 + kBN <= args.n;

  float acc[kTM][kTN] = {};  // (m, n): rows ty*4+{0..3}, kBM/2+ty*4+{0..3}; columns likewise with tx
  for (int k0 = 0; k0 < args.k; k0 += kBK) {
    const bool k_inside = k0 + kBK <= args.k;
#pragma unroll
    for (int s = 0; s < kPasses; ++s) {
      const int a_col = k0 + ac + 8 * s, b_row = k0 + br + 8 * s;
      // Interior tiles: one 128-bit load each. Edge tiles: element-wise, zero-filled.
      const float4 a4 = rows_inside && k_inside ? load4(&args.a[(m0 + ar) * args.lda + a_col])
                                                : load4_or_zero(args.a, args.lda, m0 + ar, a_col, args.m, args.k);
      const float4 b4 = cols_inside && k_inside ? load4(&args.b[b_row * args.ldb + n0 + bc])
                                                : load4_or_zero(args.b, args.ldb, b_row, n0 + bc, args.k, args.n);
      a_tile[ac + 8 * s + 0][ar] = a4.x;  // transpose on the way in: 4 scalar stores
      a_tile[ac + 8 * s + 1][ar] = a4.y;
      a_tile[ac + 8 * s + 2][ar] = a4.z;
      a_tile[ac + 8 * s + 3][ar] = a4.w;
      *reinterpret_cast<float4*>(&b_tile[br + 8 * s][bc]) = b4;
    }
    __syncthreads();
#pragma unroll
    for (int p = 0; p < kBK; ++p) {  // 4 × 128-bit shared loads feed 64 multiply-adds
      const float4 a_lo = load4(&a_tile[p][ty * 4]), a_hi = load4(&a_tile[p][kBM / 2 + ty * 4]);
      const float4 b_lo = load4(&b_tile[p][tx * 4]), b_hi = load4(&b_tile[p][kBN / 2 + tx * 4]);
      const float a[kTM] = {a_lo.x, a_lo.y, a_lo.z, a_lo.w, a_hi.x, a_hi.y, a_hi.z, a_hi.w};
      const float b[kTN] = {b_lo.x, b_lo.y, b_lo.z, b_lo.w, b_hi.x, b_hi.y, b_hi.z, b_hi.w};
#pragma unroll
      for (int i = 0; i < kTM; ++i)
#pragma unroll
        for (int j = 0; j < kTN; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < kTM; ++i) {
    const int row = m0 + (i < 4 ? ty * 4 + i : kBM / 2 + ty * 4 + i - 4);
    const bool inside = rows_inside && cols_inside;
    store_c4(args, row, n0 + tx * 4, {acc[i][0], acc[i][1], acc[i][2], acc[i][3]}, inside);
    store_c4(args, row, n0 + kBN / 2 + tx * 4, {acc[i][4], acc[i][5], acc[i][6], acc[i][7]}, inside);
  }
}
// [vectorized-kernel]

}  // namespace ladder::vectorized
