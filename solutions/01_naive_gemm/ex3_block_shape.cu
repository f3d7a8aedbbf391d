/// \file solutions/01_naive_gemm/ex3_block_shape.cu
/// \brief Solution to chapter 01, exercise 3: the naive kernel with 16 × 16 and 8 × 32 blocks.
///
/// The kernel is unchanged (it reads its tile shape from blockDim); only the
/// launcher's block shape differs. Block (R, C) has blockDim.x = R threads
/// along m and blockDim.y = C along n. A warp is 32 consecutive values of
/// t = threadIdx.x + threadIdx.y · R, so it holds R consecutive rows of
/// 32 / R consecutive columns (for R ≤ 32). Per step p of the dot product:
///
/// | block (rows × cols) | warp holds           | A: a[row·lda + p]     | B: b[p·ldb + col]            | C store     |
/// | ------------------- | -------------------- | --------------------- | ---------------------------- | ----------- |
/// | 32 × 32 (chapter)   | 32 rows × 1 column   | 32 rows → 32 sectors  | 1 address → 1 sector         | 32 sectors  |
/// | 16 × 16             | 16 rows × 2 columns  | 16 rows → 16 sectors  | 2 neighbours → 1 sector      | 16 sectors  |
/// | 8 × 32              | 8 rows × 4 columns   | 8 rows → 8 sectors    | 4 neighbours → 1 sector      | 8 sectors   |
///
/// Sectors per 64 FLOPs of one warp-step: 33, 17, 9. The B columns of a warp
/// start at a multiple of 2 (16 × 16) or 4 (8 × 32) floats, so with a row of B
/// that starts on a sector they never straddle two sectors (with an ldb
/// that is not a multiple of 2 (16 × 16) or of 4 (8 × 32), some rows do: 2 sectors). Both shapes change the speed, for
/// the same reason: a warp spans fewer rows of A, so each of its A loads touches fewer sectors, and its columns share
/// B's sectors. The chapter's block is the worst of the three (every lane its own row of A); 8 × 32 is the best, and it
/// is still a warp *along m*: chapter 02's warp along n needs 5 (1 + 4).
///
/// *Prediction*, from sectors alone: 16 × 16 about 2×, 8 × 32 about 3×
/// faster than `01 naive`, both below `02 coalesced`. Measured on the H200 at
/// 4096³: 142.4 and 74.5 ms against 276.6 ms, 1.9× and 3.7× faster, and both
/// far below `02 coalesced` (22.2 ms). The sector ratios themselves (33 / 17
/// and 33 / 9) were the better estimate; "about 3×" undersold 8 × 32. The A
/// sectors are re-read from L1 by the next 7 steps, so L1 request throughput,
/// not DRAM, sets the pace; occupancy does not change (256-thread blocks, 8
/// per SM on sm_90: the same 64 warps as 2 blocks of 1024). The counts are
/// checked on the CPU by `WarpAccessModel.Chapter01BlockShapes`
/// (common/core/tests/test_warp_access_model.cpp).
#include "chapters/01_naive_gemm/naive_gemm.cuh"

namespace ladder::naive {
namespace {

const bool registered_16x16 =
    register_gemm({"01 sol3 block 16x16",
                   1,
                   RungKind::Solution,
                   launch_naive_gemm<16, 16>,
                   {},
                   "solution: the naive kernel, 16x16 threads per block (a warp: 16 rows x 2 columns)"});
const bool registered_8x32 =
    register_gemm({"01 sol3 block 8x32",
                   1,
                   RungKind::Solution,
                   launch_naive_gemm<8, 32>,
                   {},
                   "solution: the naive kernel, 8x32 threads per block (a warp: 8 rows x 4 columns)"});

}  // namespace
}  // namespace ladder::naive
