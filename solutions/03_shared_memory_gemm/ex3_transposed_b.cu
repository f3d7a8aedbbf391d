/// \file solutions/03_shared_memory_gemm/ex3_transposed_b.cu
/// \brief Solution to chapter 03, exercise 3: b_tile stored transposed makes a 32-way bank conflict; a 33-float row
/// removes it.
///
/// Shared memory has 32 banks of 4 bytes: word w lives in bank w % 32. A warp
/// is one row ty of the thread block, tx = 0..31.
///
/// **Transposed, rows of 32 floats.** The staging store `b_tile[tx][ty]` puts
/// lane tx at word 32·tx + ty: bank ty for every lane, 32 different words, so
/// a **32-way conflict**: 32 wavefronts instead of 1. The read `b_tile[tx][p]`
/// is word 32·tx + p: bank p for every lane, 32-way again, at every step p. Per
/// FFMA: 1 wavefront for `a_tile[ty][p]` (broadcast) + 32 for `b_tile` = 33,
/// against the chapter's 2, counting the loads as the source writes them, one
/// per step: the shared-memory ceiling falls from 1/8 to about 1/132 of the
/// FP32 peak (4 warp FFMAs per clock, 1 wavefront per clock). (The compiled
/// chapter kernel, its shared loads widened by the compiler, measured 1.5 per
/// FFMA on the H200: the base the measured paragraph below uses.)
///
/// **Padded to 33 floats.** Word 33·tx + ty is in bank (tx + ty) % 32 and word
/// 33·tx + p in bank (tx + p) % 32: 32 lanes, 32 different banks, 1 wavefront
/// each. Padding costs 32 floats (128 bytes) of shared memory per tile.
///
/// These counts are checked on the CPU by `WarpAccessModel.Chapter03TransposedB`
/// (common/core/tests/test_warp_access_model.cpp). The hardware counters that
/// measure them are `l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_st.sum`
/// and `..._op_ld.sum` in Nsight Compute. The compiler may read four steps of
/// the unpadded row at once (LDS.128, the row is 16-byte aligned), which splits
/// into 8-lane phases that still conflict 8 ways, 32 wavefronts for 4 steps:
/// see the SASS with `cuobjdump -sass` on this object. *Prediction*: the
/// unpadded rung several times slower than `03 shared memory`, the padded one
/// about as fast.
///
/// Measured on the H200 at 4096³: unpadded 80.1 ms, 4.7× the chapter's
/// 17.1 ms. Several times, as predicted, but far from the 22× that a 32-way
/// conflict at every step would cost (32.5 wavefronts per FFMA against the
/// chapter's 1.5); 4.7× is near the `LDS.128` case above (32 wavefronts per 4
/// steps, 8.5 per FFMA: 5.7×), and the build's SASS confirms the LDS.128s (16
/// per 32-step tile, no scalar LDS; nvcc 13.0, sm_90). Padded: 15.6 ms, 9 % *faster* than the chapter's
/// kernel, not just as fast. Neither rung was profiled, so their wavefronts
/// and the reason the padded layout wins were not measured.
#include "chapters/03_shared_memory_gemm/smem_gemm.cuh"

namespace ladder::smem {
namespace {

constexpr int kTile = 32;
constexpr int kThreadsPerBlock = kTile * kTile;

/// kPad = 0: the conflicting layout; kPad = 1: the fix.
template <int kPad>
__global__ void transposed_b_kernel(GemmArgs args) {
  __shared__ float a_tile[kTile][kTile];         // (m, k)
  __shared__ float b_tile[kTile][kTile + kPad];  // (n, k): B transposed, so a thread's column of B is a row here
  const int ty = threadIdx.x / kTile, tx = threadIdx.x % kTile;  // a warp = one row ty, tx = 0..31
  const int row = blockIdx.y * kTile + ty, col = blockIdx.x * kTile + tx;
  float acc = 0.0f;
  for (int k0 = 0; k0 < args.k; k0 += kTile) {
    a_tile[ty][tx] = load_or_zero(args.a, args.lda, row, k0 + tx, args.m, args.k);
    b_tile[tx][ty] = load_or_zero(args.b, args.ldb, k0 + ty, col, args.k, args.n);  // lane tx: word tx·(32+kPad) + ty
    __syncthreads();
    for (int p = 0; p < kTile; ++p) acc += a_tile[ty][p] * b_tile[tx][p];  // lane tx: word tx·(32+kPad) + p
    __syncthreads();
  }
  if (row < args.m && col < args.n) store_c(args, row, col, acc);
}

template <int kPad>
void launch_transposed_b(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kTile), ceil_div(args.m, kTile));
  transposed_b_kernel<kPad><<<grid, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered_conflict =
    register_gemm({"03 sol3 B transposed (32-way conflict)",
                   3,
                   RungKind::Solution,
                   launch_transposed_b<0>,
                   {},
                   "solution: b_tile stored transposed, rows of 32 floats: every access in one bank"});
const bool registered_padded =
    register_gemm({"03 sol3 B transposed, padded to 33",
                   3,
                   RungKind::Solution,
                   launch_transposed_b<1>,
                   {},
                   "solution: b_tile stored transposed, rows padded to 33 floats: conflict-free"});

}  // namespace
}  // namespace ladder::smem
