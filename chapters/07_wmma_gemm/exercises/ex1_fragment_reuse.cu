/// \file ex1_fragment_reuse.cu
/// \brief Exercise 1 (starter): reuse fragments in registers, still without shared memory.
///
/// 07a loads two fragments (one of A, one of B) for every mma_sync. Here each
/// warp owns a 32 × 32 tile of C, 2 × 2 accumulator fragments: per 16-deep
/// k-step it needs only 2 fragments of A (rows row0 and row0 + 16) and 2 of B
/// (columns col0 and col0 + 16), each serving two products. Write that k-step
/// (the TODO below). As given, the loop is 07a's: only acc[0][0] is computed,
/// so three quarters of every warp's tile come out wrong and the test fails.
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter07Exercise
///     build/bin/ch07_wmma_gemm --exercises
///
/// Before measuring, predict: fragment loads per mma_sync (07a: 2), the bytes
/// all warps read through L1 for a 4096³ GEMM (07a: 17.2 GB), the registers
/// per thread, and where this rung lands between 07a and 07b.
#include "chapters/07_wmma_gemm/wmma_gemm.cuh"

namespace ladder::wmma_gemm::exercise1 {
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
  for (int k0 = 0; k0 < args.k; k0 += kFragK) {
    // TODO: load the kFragsM fragments of A (rows row0 + 16 i) and the kFragsN
    // fragments of B (columns col0 + 16 j) of this k-step, each once, then
    // issue all kFragsM × kFragsN mma_sync (loops with #pragma unroll). As
    // given: 07a's step, acc[0][0] only.
    AFragment a;
    BFragment b;
    wmma::load_matrix_sync(a, &args.a[row0 * args.lda + k0], args.lda);
    wmma::load_matrix_sync(b, &args.b[k0 * args.ldb + col0], args.ldb);
    wmma::mma_sync(acc[0][0], a, b, acc[0][0]);
  }
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
    {"07 ex1 wmma 2x2 fragments per warp", 7, RungKind::Exercise, launch_fragment_reuse, fragment_reuse_requirements(),
     "exercise: a warp owns 32x32 of C, reusing each fragment it loads twice", "wmma m16n16k16 bf16"});

}  // namespace
}  // namespace ladder::wmma_gemm::exercise1
