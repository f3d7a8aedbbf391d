/// \file wmma_gemm.cu
/// \brief Chapter 07: bf16 GEMM on the tensor cores through `nvcuda::wmma`, in three rungs.
///
/// - 07a, one warp per 16 × 16 tile of C, its fragments loaded straight from
///   global memory: the API and nothing else.
/// - 07b, 128 × 128 block tiles staged in padded shared memory by chapter 06's
///   cp.async pipeline, each warp owning 4 × 2 accumulator fragments
///   (the template is in wmma_gemm.cuh).
/// - 07c, 07b with its fragments loaded by a `wmma.load` that names shared
///   memory: one ldmatrix per fragment in the SASS.
///
/// Run it: `build/bin/ch07_wmma_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`);
/// it prints the fp32 ladder so far, then the bf16 table: cuBLAS bf16 and 07a to
/// 07c as % of cuBLAS and of the measured WMMA peak (wmma_peak.cu).
#include "chapters/07_wmma_gemm/wmma_gemm.cuh"

namespace ladder::wmma_gemm {
namespace {

// [one-warp-kernel]
/// 07a: a block is 2 × 2 warps, each computing one 16 × 16 tile of C; its k-loop
/// loads a 16 × 16 tile of A and one of B from global memory into fragments
/// and issues one mma_sync. Neighbouring warps read the same rows of A or
/// columns of B, which L1 may serve twice; nothing else is reused.
constexpr int kTileWarpsM = 2, kTileWarpsN = 2;
constexpr int kTileThreads = kTileWarpsM * kTileWarpsN * 32;

__global__ void __launch_bounds__(kTileThreads) one_warp_per_tile_kernel(Bf16GemmArgs args) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  __shared__ __align__(32) float staging[kTileWarpsM * kTileWarpsN][kStagingFloats];  // per warp, for the epilogue
  const int warp = threadIdx.x / 32;
  const int row0 = (blockIdx.y * kTileWarpsM + warp / kTileWarpsN) * kFragM;
  const int col0 = (blockIdx.x * kTileWarpsN + warp % kTileWarpsN) * kFragN;
  if (row0 >= args.m || col0 >= args.n) return;  // warp-uniform: the edge blocks' spare warps
  AccumulatorFragment acc;
  wmma::fill_fragment(acc, 0.0f);
  for (int k0 = 0; k0 < args.k; k0 += kFragK) {
    AFragment a;
    BFragment b;
    wmma::load_matrix_sync(a, &args.a[row0 * args.lda + k0], args.lda);  // A(row0..+15, k0..+15)
    wmma::load_matrix_sync(b, &args.b[k0 * args.ldb + col0], args.ldb);  // B(k0..+15, col0..+15)
    wmma::mma_sync(acc, a, b, acc);                                      // acc += a · b
  }
  store_fragment(args, acc, staging[warp], row0, col0);
#else
  __trap();  // bf16 WMMA needs sm_80; the registry never launches this kernel on older GPUs
#endif
}
// [one-warp-kernel]

void launch_one_warp_per_tile(const Bf16GemmArgs& args, cudaStream_t stream) {
  static const bool code_checked = (require_sm80_code(reinterpret_cast<const void*>(one_warp_per_tile_kernel)), true);
  (void)code_checked;
  const dim3 grid(ceil_div(args.n, kTileWarpsN * kFragN), ceil_div(args.m, kTileWarpsM * kFragM));
  one_warp_per_tile_kernel<<<grid, kTileThreads, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

// [one-warp-requirements]
/// load_matrix_sync reads whole 16 × 16 tiles, so 07a needs m, n and k to be
/// multiples of 16: it has no way to stop at the edge of a matrix. It also
/// wants every tile's first element 256-bit (32-byte) aligned and the leading
/// dimension a multiple of 16 bytes. A tile at (16 i, 16 j) starts 32 (i ld + j)
/// bytes past the base, so 32-byte aligned pointers align every tile. The
/// registry's one alignment asks the leading dimensions for 32 bytes too: more
/// than WMMA needs, and what lets one number state both rules.
GemmRequirements one_warp_requirements() {
  GemmRequirements need;
  need.min_compute_capability = 80;  // bf16 fragments are sm_80+
  need.m_multiple = need.n_multiple = need.k_multiple = 16;
  need.alignment_bytes = 32;
  return need;
}
// [one-warp-requirements]

// [steps]
const bool registered[] = {
    register_gemm({"07a wmma, one warp per tile", 7, RungKind::Chapter, launch_one_warp_per_tile,
                   one_warp_requirements(),
                   "a warp per 16x16 tile of C, fragments from global memory; "
                   "m, n, k multiples of 16 (whole-tile loads)",
                   "wmma m16n16k16 bf16"}),
    register_gemm({"07b wmma, shared-memory block tiles", 7, RungKind::Chapter, launch_block_tile<BlockTile07b>,
                   block_tile_requirements(),
                   "128x128x32 block tiles in padded shared memory, 3-stage cp.async, 4x2 fragments per warp; "
                   "any m, n, k",
                   "wmma m16n16k16 bf16"}),
    register_gemm({"07c wmma, fragments loaded from .shared", 7, RungKind::Chapter, launch_block_tile<BlockTile07c>,
                   block_tile_requirements(),
                   "07b with each fragment loaded by a wmma.load that names shared memory: one ldmatrix in the "
                   "SASS instead of four generic loads",
                   "wmma m16n16k16 bf16"}),
};
// [steps]

}  // namespace
}  // namespace ladder::wmma_gemm
