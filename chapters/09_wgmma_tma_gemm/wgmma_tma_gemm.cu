/// \file wgmma_tma_gemm.cu
/// \brief Chapter 09's rungs, 09a to 09e, registered. Their tensor maps and launch are in
/// wgmma_launch.cuh, which the exercise and the solution share.
///
/// Run it: `build/bin/ch09_wgmma_tma_gemm` (4096³). It prints the fp32 ladder so far, then
/// the bf16 table with cuBLAS bf16, chapter 08's rungs and 09a to 09e. On a GPU other than
/// compute capability 9.0, or from a build without sm_90a, they skip and say why.
#include "chapters/09_wgmma_tma_gemm/wgmma_launch.cuh"

namespace ladder::wgmma {
namespace {

// [rungs]
const bool registered[] = {
    register_gemm(wgmma_rung<Tile09a>(
        "09a TMA + wgmma", RungKind::Chapter,
        "TMA copies swizzled tiles into 2 stages, an mbarrier per stage; one warpgroup issues the copies "
        "and wgmma m64n128k16 from shared memory; 128 x 128 x 64, 65 KB")),
    register_gemm(wgmma_rung<Tile09b>(
        "09b warp-specialised", RungKind::Chapter,
        "a producer warpgroup only copies (40 registers), two consumer warpgroups only multiply (232), "
        "full/empty mbarriers around a 4-stage ring; 128 x 256 x 64, m64n256k16, 193 KB")),
    // Also with B stored n x k: what B's layout costs, timed beside it by bench_gemm.
    register_gemm(wgmma_rung_both_layouts<Tile09c>(
        "09c persistent", RungKind::Chapter,
        "09b's CTA made persistent: one per SM walks the tiles in grouped order, the ring runs on into the "
        "next tile; C leaves through shared memory (stmatrix) and TMA stores; 3 stages, 209 KB")),
    register_gemm(wgmma_rung_both_layouts<Tile09d>(  // in a cluster, each CTA's box is half B's n
        "09d clusters + multicast", RungKind::Chapter,
        "09c in clusters of 2 CTAs on vertically adjacent tiles: each loads half of their common B tile "
        "and multicasts it to both; empty barriers count both CTAs' consumers")),
    register_gemm(wgmma_rung<Tile09e>(
        "09e wgmma in flight", RungKind::Chapter,
        "09c whose consumers leave one k-tile of wgmma running while they wait for the next stage, and "
        "release each stage one k-tile later")),
};
// [rungs]

}  // namespace
}  // namespace ladder::wgmma
