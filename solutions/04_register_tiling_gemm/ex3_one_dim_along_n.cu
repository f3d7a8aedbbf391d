/// \file solutions/04_register_tiling_gemm/ex3_one_dim_along_n.cu
/// \brief Solution to chapter 04, exercise 3: 1-D register tiling the other way, TN = 8 columns of one row per thread.
///
/// Same block tile as the chapter's 1-D rung (64 × 64, BK = 8, 512 threads,
/// one staged element of each tile per thread), but thread t owns row
/// ty = t / 8 and columns tx·8 .. tx·8 + 7 (tx = t % 8). Per step p it loads
/// one value of A and 8 of B, and does 8 multiply-adds: the same 9 loads per
/// 8 FMAs as the chapter. What changes is how the loads of one warp meet the
/// banks. A warp holds 4 rows (ty) × 8 column groups (tx):
///
/// - **a_tile is now the broadcast.** `a_tile[ty][p]` is word 8·ty + p: 4
///   distinct words (banks 8 apart), each read by the 8 lanes of one row:
///   1 wavefront. (In the chapter, a_tile[ty·8 + i][p] is one word per warp.)
/// - **b_tile now conflicts.** `b_tile[p][tx·8 + j]` is word 64·p + 8·tx + j:
///   8 distinct words 8 apart, so lanes with tx and tx + 4 land in the same
///   bank: a **2-way conflict**, 2 wavefronts for each of the 8 loads. (In
///   the chapter, b_tile[p][tx] is 32 consecutive words: 1 wavefront.)
///
/// Per step: 1 + 8 × 2 = 17 wavefronts per 8 warp-FFMAs, against 1 · 8 + 1 = 9
/// for the chapter's scalar loads. With 4 FFMAs issued and 1 wavefront served
/// per clock, the shared-memory ceiling falls from 8 / (4 · 9) ≈ 22 % to
/// 8 / (4 · 17) ≈ 12 % of the FP32 peak, if the loads stay scalar.
/// The compiler does merge them: the build's SASS (nvcc 13.0, sm_90) has 18
/// `LDS.128` per k-tile and no scalar LDS, 16 of B (`b_tile[p][tx·8 .. +3]` and
/// `[+4 .. +7]`) and 2 of A (four steps of `a_tile[ty][p]` at once). Recounted:
/// each B load keeps the tx / tx + 4 clash inside each 8-lane phase and needs 4
/// return-path passes (neighbouring lanes read different columns), and
/// chapter 04's measured B loads (8 wavefronts each, its lesson) say the two
/// multiply: 8 per load, 2 per A load, 132 per 64 FFMAs, a ceiling of
/// 64 / (4 · 132) ≈ 12 %, as the project's model now counts it (its former rule,
/// the larger of the two counts, gave 68 and about 24 %).
/// The stores of C get worse too: per store instruction j a warp writes 32
/// floats 8 apart (4 rows × 8 groups), 32 sectors, against 4 for the chapter.
///
/// *Prediction*: slower than `04 1-D register tiling`. Measured on the H200
/// at 4096³: held, 18.7 ms against 7.87 ms, 2.4 times as long, and slower at
/// every size. It reached 11.0 % of the FP32 peak (7.34 TFLOP/s), just under
/// the 12 % ceiling of the multiplied count, far under the model's 24 %. (The
/// chapter's rung compiled to broadcast `LDS.128`s, not scalar loads, and
/// reached 26.1 %, above the 22 % scalar figure.) This rung was not profiled,
/// so its wavefronts were not measured.
/// The bank counts are checked on the CPU by
/// `WarpAccessModel.Chapter04OneDimensionalAlongN` (common/core/tests/test_warp_access_model.cpp).
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

constexpr int kBM = 64, kBN = 64, kBK = 8;  // block tile of C, and the k-step (as in the chapter's 1-D rung)
constexpr int kTN = 8;                      // columns of C per thread
constexpr int kThreads = kBM * kBN / kTN;   // 512
static_assert(kBN % kTN == 0, "a row of the block tile splits into whole thread tiles");
static_assert(kThreads == kBM * kBK && kThreads == kBK * kBN, "each thread stages one element of each tile");

__global__ void __launch_bounds__(kThreads) register_tiling_1d_along_n_kernel(GemmArgs args) {
  __shared__ float a_tile[kBM][kBK];  // (m, k)
  __shared__ float b_tile[kBK][kBN];  // (k, n)
  const int m0 = blockIdx.y * kBM, n0 = blockIdx.x * kBN;
  const int ty = threadIdx.x / (kBN / kTN), tx = threadIdx.x % (kBN / kTN);  // thread tile: row ty, columns tx*kTN..
  const int ar = threadIdx.x / kBK, ac = threadIdx.x % kBK;                  // the element of a_tile this thread stages
  const int br = threadIdx.x / kBN, bc = threadIdx.x % kBN;                  // and of b_tile

  float acc[kTN] = {};  // (n): registers, every index a compile-time constant
  for (int k0 = 0; k0 < args.k; k0 += kBK) {
    // Zero outside the matrix, so partial tiles need no checks in the loop below.
    const bool a_in = m0 + ar < args.m && k0 + ac < args.k, b_in = k0 + br < args.k && n0 + bc < args.n;
    a_tile[ar][ac] = a_in ? args.a[(m0 + ar) * args.lda + k0 + ac] : 0.0f;
    b_tile[br][bc] = b_in ? args.b[(k0 + br) * args.ldb + n0 + bc] : 0.0f;
    __syncthreads();
    for (int p = 0; p < kBK; ++p) {
      const float a = a_tile[ty][p];  // one shared load, reused kTN times from a register
#pragma unroll
      for (int j = 0; j < kTN; ++j) acc[j] += a * b_tile[p][tx * kTN + j];
    }
    __syncthreads();
  }
#pragma unroll
  for (int j = 0; j < kTN; ++j) {
    const int row = m0 + ty, col = n0 + tx * kTN + j;
    if (row < args.m && col < args.n) store_c(args, row, col, acc[j]);
  }
}

void launch_register_tiling_1d_along_n(const GemmArgs& args, cudaStream_t stream) {
  const dim3 grid(ceil_div(args.n, kBN), ceil_div(args.m, kBM));
  register_tiling_1d_along_n_kernel<<<grid, kThreads, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_gemm({"04 sol3 1-D along n",
                                       4,
                                       RungKind::Solution,
                                       launch_register_tiling_1d_along_n,
                                       {},
                                       "solution: 64x64 block tile, BK 8, each thread 8 columns of one row of C"});

}  // namespace
}  // namespace ladder
