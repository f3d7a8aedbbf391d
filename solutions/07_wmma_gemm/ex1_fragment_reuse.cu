/// \file solutions/07_wmma_gemm/ex1_fragment_reuse.cu
/// \brief Exercise 1 of chapter 07, solved: a warp owns 2 × 2 fragments loaded straight from global memory.
///
/// The starter's k-step, completed: per 16-deep step the warp loads 2
/// fragments of A and 2 of B, once each, and issues the 4 products. One
/// fragment load per mma_sync instead of 07a's two. Measured on the H200 at
/// 4096³: 2.55 ms, 1.92 times 07a's rate, still 3.7 times 07b's time. See
/// README.md.
///
///     build/bin/sol07_wmma_gemm
///     ctest --test-dir build -R Solutions07
#include "chapters/07_wmma_gemm/wmma_gemm.cuh"

namespace ladder::wmma_gemm::solution1 {
namespace {

constexpr int kFragsM = 2, kFragsN = 2;                                     // accumulator fragments per warp
constexpr int kWarpM = kFragsM * kFragM, kWarpN = kFragsN * kFragN;         // the warp's 32 × 32 tile of C
constexpr int kWarpsM = 2, kWarpsN = 2, kThreads = kWarpsM * kWarpsN * 32;  // a block: 2 × 2 warps, 64 × 64 of C

__global__ void __launch_bounds__(kThreads) fragment_reuse_kernel(Bf16GemmArgs args) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  __shared__ __align__(32) float staging[kWarpsM * kWarpsN][kStagingFloats];  // per warp, for the epilogue
  const int warp = threadIdx.x / 32;
  const int row0 = (blockIdx.y * kWarpsM + warp / kWarpsN) * kWarpM;  // the warp's tile: C(row0.., col0..)
  const int col0 = (blockIdx.x * kWarpsN + warp % kWarpsN) * kWarpN;
  if (row0 >= args.m || col0 >= args.n) return;  // warp-uniform
  // acc[i][j]: C(row0 + 16 i.., col0 + 16 j..). Every loop over fragments is
  // unrolled: an array indexed by a run-time value would live in local memory.
  AccumulatorFragment acc[kFragsM][kFragsN];
#pragma unroll
  for (int i = 0; i < kFragsM; ++i)
#pragma unroll
    for (int j = 0; j < kFragsN; ++j) wmma::fill_fragment(acc[i][j], 0.0f);
  // [sol1-k-step]
  for (int k0 = 0; k0 < args.k; k0 += kFragK) {
    AFragment a[kFragsM];  // A(row0 + 16 i.., k0..): each serves kFragsN products
    BFragment b[kFragsN];  // B(k0.., col0 + 16 j..): each serves kFragsM products
#pragma unroll
    for (int i = 0; i < kFragsM; ++i)
      wmma::load_matrix_sync(a[i], &args.a[(row0 + i * kFragM) * args.lda + k0], args.lda);
#pragma unroll
    for (int j = 0; j < kFragsN; ++j)
      wmma::load_matrix_sync(b[j], &args.b[k0 * args.ldb + col0 + j * kFragN], args.ldb);
#pragma unroll
    for (int i = 0; i < kFragsM; ++i)
#pragma unroll
      for (int j = 0; j < kFragsN; ++j) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
  }
  // [sol1-k-step]
#pragma unroll
  for (int i = 0; i < kFragsM; ++i)
#pragma unroll
    for (int j = 0; j < kFragsN; ++j)
      store_fragment(args, acc[i][j], staging[warp], row0 + i * kFragM, col0 + j * kFragN);
#else
  __trap();
#endif
}

void launch_fragment_reuse(const Bf16GemmArgs& args, cudaStream_t stream) {
  static const bool code_checked = (require_sm80_code(reinterpret_cast<const void*>(fragment_reuse_kernel)), true);
  (void)code_checked;
  const dim3 grid(ceil_div(args.n, kWarpsN * kWarpN), ceil_div(args.m, kWarpsM * kWarpM));
  fragment_reuse_kernel<<<grid, kThreads, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

/// Like 07a, whole fragments straight from global memory: here whole 32 × 32
/// warp tiles, so m and n must be multiples of 32 (k of 16), with 07a's alignment.
GemmRequirements fragment_reuse_requirements() {
  GemmRequirements need;
  need.min_compute_capability = 80;
  need.m_multiple = need.n_multiple = kWarpM;
  need.k_multiple = kFragK;
  need.alignment_bytes = 32;
  return need;
}

const bool registered = register_gemm(
    {"07 sol1 wmma 2x2 fragments per warp", 7, RungKind::Solution, launch_fragment_reuse, fragment_reuse_requirements(),
     "a warp owns 32x32 of C from global memory: each fragment it loads serves 2 mma_sync", "wmma m16n16k16 bf16"});

}  // namespace
}  // namespace ladder::wmma_gemm::solution1
