/// \file solutions/03_shared_memory_gemm/ex2_tile_16.cu
/// \brief Solution to chapter 03, exercise 2: the shared-memory kernel with 16 × 16 tiles (kTile = 16).
///
/// The chapter's kernel body (smem_gemm.cuh), instantiated with kTile = 16:
/// 256 threads, 16 × 16 tiles of A, B and C, k-steps of 16.
///
/// **Bytes per FLOP (changes).** Per k-tile a block stages 2 · kTile² floats
/// and does 2 · kTile³ FLOPs: 4 · 2 · kTile² / (2 · kTile³) = 4 / kTile bytes per
/// FLOP. 32: 8192 B for 65,536 FLOP = 0.125; 16: 2048 B for 8192 FLOP = 0.25.
/// Each element of A and B is read from global memory by twice as many blocks.
///
/// **Shared wavefronts per FFMA (does not change).** Warp w holds rows 2w and
/// 2w + 1 of the tile (tx = 0..15 in each). Per step p it issues one FFMA and
/// reads `a_tile[ty][p]`: 2 words, 16 words apart, so in banks 16 apart: 1
/// wavefront; and `b_tile[p][tx]`: 16 words, each read by 2 lanes: 1 wavefront.
/// Still 2 wavefronts per FFMA in the source, as with 32 (the compiler merges
/// four `a_tile` steps into one LDS.128 for either size, see the chapter's SASS
/// table, which does not change the ratio between the two). The staging stores
/// are conflict-free too: a warp writes two 16-float rows, 32 consecutive words.
///
/// **Barriers per FLOP (double).** Two `__syncthreads` per k-tile: per thread,
/// 2 barriers per 16 multiply-adds instead of per 32.
///
/// **Occupancy.** 256 threads, 2 KB of shared memory, about 32 registers:
/// 8 blocks (64 warps) per SM on sm_80/sm_90 (thread slots), the same 64 warps
/// as 2 blocks of 1024; on sm_86/sm_89, 6 blocks (48 warps) instead of 1 block
/// (32 warps). `OccupancyModel.Chapter03Tile16` checks these on the CPU.
///
/// *Prediction*: on sm_80/sm_90 slower than `03 shared memory`, since the
/// shared-memory ceiling is the same and global traffic and barriers per FLOP
/// double; on sm_86/sm_89 the extra warps may win some of it back. Measured
/// on the H200 (sm_90) at 4096³: 17.3 ms against 17.1 ms, only 1 % slower
/// (15.6 % of cuBLAS against 15.7 %; 7 to 12 % slower at the other sizes).
/// The direction held, but doubling the global bytes and barriers per FLOP
/// cost little at 4096³, likely because the unchanged shared wavefronts per
/// FFMA set the pace, as the chapter's profile shows for 32 × 32 (shared
/// memory the wall, "MIO throttle" its largest stall in the kept report,
/// benchmarks/results/NVIDIA_H200.ncu.txt). This rung was not profiled.
///
/// The chapter's `static_assert(kChapterTile == 32, ...)` holds the chapter's
/// analysis (a warp stages one 128-byte line); the template's
/// `32 % kTile == 0 || kTile % 32 == 0` is the wider premise of such counts
/// (a warp over whole rows, or inside one). Neither is needed for correct
/// results. 16-row tiles on grid.y reach only m = 1,048,560, so the launcher
/// runs C in row slabs (common/gemm/row_slabs.cuh).
#include "chapters/03_shared_memory_gemm/smem_gemm.cuh"
#include "common/gemm/row_slabs.cuh"

namespace ladder::smem {
namespace {

constexpr int kTile = 16;

__global__ void smem_gemm_tile16_kernel(GemmArgs args) { smem_gemm_block<kTile>(args); }

void launch_smem_gemm_tile16(const GemmArgs& args, cudaStream_t stream) {
  launch_in_row_slabs(args, kTile, [&](const GemmArgs& slab) {
    const dim3 grid(ceil_div(slab.n, kTile), ceil_div(slab.m, kTile));
    smem_gemm_tile16_kernel<<<grid, kTile * kTile, 0, stream>>>(slab);
    LADDER_CHECK_LAUNCH();
  });
}

const bool registered = register_gemm({"03 sol2 tile 16",
                                       3,
                                       RungKind::Solution,
                                       launch_smem_gemm_tile16,
                                       {},
                                       "solution: the shared-memory kernel with 16x16 tiles, 256 threads"});

}  // namespace
}  // namespace ladder::smem
