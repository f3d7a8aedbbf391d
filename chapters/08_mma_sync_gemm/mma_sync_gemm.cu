/// \file mma_sync_gemm.cu
/// \brief Chapter 08: its rungs, each a configuration of the kernel template registered as a rung.
///
/// The kernel template is in mma_sync_gemm.cuh, its index arithmetic in mma_sync_tiles.hpp.
/// Run it: `build/bin/ch08_mma_sync_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`). It
/// prints the fp32 ladder so far, then the bf16 table: cuBLAS bf16, 08a to 08e, the
/// mma.sync peak and, for scale, cuBLAS fp32 and the best SIMT rung.
#include "chapters/08_mma_sync_gemm/mma_sync_configs.hpp"
#include "chapters/08_mma_sync_gemm/mma_sync_gemm.cuh"

namespace ladder::mma_sync {
namespace {

// [rungs]
// One idea per step, each its own rung. 08a-08c: block 128 x 128, BK 32, 4 warps of 64 x 64.
const bool registered[] = {
    register_gemm(mma_sync_rung<Padded>(
        "08a mma.sync + ldmatrix, padded smem", RungKind::Chapter,
        "mma.sync m16n8k16 fed by ldmatrix; rows padded by 8 bf16; one stage, 2 barriers per k-tile")),
    register_gemm(mma_sync_rung<Swizzled>("08b swizzled smem", RungKind::Chapter,
                                          "as 08a with XOR-swizzled rows: no padding, still no bank conflicts")),
    register_gemm(mma_sync_rung<Pipelined>(
        "08c cp.async 4-stage pipeline", RungKind::Chapter,
        "as 08b with 4 stages: 3 k-tiles in flight during the math, 1 barrier per k-tile, 64 KB (opt-in)")),
    // 08d: the pipeline in grouped block order (bands of 8 block rows), over tile shapes.
    register_gemm(mma_sync_rung<Sweep128x128x32s4>("08d 128x128x32 s4", RungKind::Chapter,
                                                   "08c in grouped block order: 4 warps, 4 stages, 64 KB")),
    register_gemm(mma_sync_rung<Sweep128x128x32s3>("08d 128x128x32 s3", RungKind::Chapter,
                                                   "grouped order, 4 warps, 3 stages, 48 KB")),
    register_gemm(mma_sync_rung<Sweep128x256x32s3>("08d 128x256x32 s3", RungKind::Chapter,
                                                   "grouped order, 8 warps (2 x 4), 3 stages, 72 KB")),
    register_gemm(mma_sync_rung<Sweep256x128x32s3>("08d 256x128x32 s3", RungKind::Chapter,
                                                   "grouped order, 8 warps (4 x 2), 3 stages, 72 KB")),
    register_gemm(mma_sync_rung<Sweep128x256x32s4>("08d 128x256x32 s4", RungKind::Chapter,
                                                   "grouped order, 8 warps (2 x 4), 4 stages, 96 KB")),
    register_gemm(mma_sync_rung<Sweep128x128x64s3>("08d 128x128x64 s3", RungKind::Chapter,
                                                   "grouped order, 4 warps, BK 64, 3 stages, 96 KB")),
    register_gemm(mma_sync_rung<Interleaved128x128x64s3>(
        "08e loads spread over the k-steps", RungKind::Chapter,
        "08d 128x128x64 s3 with each k-step's fragments loaded a step ahead (two register sets) and the next "
        "k-tile's copies issued after the first k-step's loads")),
};
// [rungs]

}  // namespace
}  // namespace ladder::mma_sync
