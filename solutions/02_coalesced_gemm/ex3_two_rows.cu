/// \file solutions/02_coalesced_gemm/ex3_two_rows.cu
/// \brief Solution to chapter 02, exercise 3: kTile = 16, so each warp covers two rows of 16 columns.
///
/// The chapter's kernel, instantiated with kTile = 16 (coalesced_gemm.cuh): a
/// 16 × 16 tile, 256 threads. Warp w of a block holds threads t = 32w..32w+31:
/// rows t / 16 = 2w and 2w + 1 of the tile, columns t % 16 = 0..15 of each.
/// Per step p, with rows of A, B and C that start on a 32-byte sector
/// (leading dimensions that are multiples of 8 floats, e.g. 1024):
///
/// | per warp          | kTile = 32 (chapter)            | kTile = 16                                    |
/// | ----------------- | ------------------------------- | --------------------------------------------- |
/// | A: a[row·lda + p] | 1 address → 1 sector            | 2 rows → 2 addresses → 2 sectors              |
/// | B: b[p·ldb + col] | 32 floats → 4 sectors           | 16 floats (both rows read the same) → 2 sectors |
/// | per step          | **5 sectors**, 2.5 per request  | **4 sectors**, 2 per request                  |
/// | C store           | 32 floats → 4 sectors           | 2 rows × 16 floats → 4 sectors                |
///
/// The 16 columns start at a multiple of 16 floats (64 bytes), so they are
/// exactly 2 sectors. With a leading dimension that is not a multiple of 8
/// (rows not starting on a sector) B costs 3 sectors instead of 2, and 5
/// instead of 4 with kTile = 32.
///
/// So spanning two rows is *not* worse in sectors: the warp pays a second A
/// sector but halves its B sectors, because its two rows read the same 16
/// columns of B. What does get worse is reuse across the block: a 16 × 16 tile
/// reads 16 rows of A and 16 columns of B per 256 outputs, twice the distinct
/// bytes per FLOP of a 32 × 32 tile (chapter 03's 2·(1/BN + 1/BM): 0.25
/// byte/FLOP instead of 0.125) for L1 and L2 to absorb. *Prediction*: within
/// about 10–20 % of `02 coalesced`, either side; the sector counts alone say
/// slightly faster. Measured on the H200 at 4096³: 25.8 ms against 22.2 ms,
/// 16 % slower (10.5 % of cuBLAS against 12.2 %), and slower at every size
/// from 512³ to 8192³. The range held; the sector count's "slightly faster"
/// did not. The likely cause is the block-level reuse above, twice the
/// distinct bytes per FLOP; the rung was not profiled, so the L1 and L2
/// traffic that would show it was not measured.
///
/// To change only the warp's shape and keep 1024 threads, a 64 × 16 tile
/// (exercise 1's kernel) has the same per-warp counts as here.
///
/// The counts are checked on the CPU by `WarpAccessModel.Chapter02TwoRowsPerWarp`
/// (common/core/tests/test_warp_access_model.cpp).
///
/// One launch limit changes: with 16-row tiles on grid.y (at most 65,535
/// blocks), m = 2^20 needs 65,536 row tiles, so this launcher runs C in two
/// row slabs (common/gemm/row_slabs.cuh).
#include "chapters/02_coalesced_gemm/coalesced_gemm.cuh"
#include "common/gemm/row_slabs.cuh"

namespace ladder::coalesced {
namespace {

constexpr int kTile = 16;  // a warp: two rows of 16 columns

void launch_two_rows_per_warp(const GemmArgs& args, cudaStream_t stream) {
  launch_in_row_slabs(args, kTile, [&](const GemmArgs& slab) { launch_coalesced_gemm<kTile>(slab, stream); });
}

const bool registered = register_gemm({"02 sol3 tile 16 (warp over 2 rows)",
                                       2,
                                       RungKind::Solution,
                                       launch_two_rows_per_warp,
                                       {},
                                       "solution: the coalesced kernel with 16x16 tiles, a warp across two rows"});

}  // namespace
}  // namespace ladder::coalesced
