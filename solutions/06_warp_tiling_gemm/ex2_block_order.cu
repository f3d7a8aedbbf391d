/// \file solutions/06_warp_tiling_gemm/ex2_block_order.cu
/// \brief Solution to chapter 06, exercise 2: 06c with grouped block order, registered as a rung.
///
///     build/bin/sol06_warp_tiling_gemm --m 8192 --n 8192 --k 8192
///     ncu --metrics lts__t_sector_hit_rate.pct,dram__bytes_read.sum -k regex:cp_async_kernel \
///         build/bin/sol06_warp_tiling_gemm --m 8192 --n 8192 --k 8192 --repeat 1 --warmup 0
#include "solutions/06_warp_tiling_gemm/ex2_block_order.cuh"

namespace ladder::warp_tiling::solution2 {
namespace {

const bool registered = register_gemm(warp_tiling_rung<GroupedTiles, Pipeline::kCpAsync>(
    "06 sol2 grouped order 128x128x8", RungKind::Solution,
    "solution: as 06c, blocks launched in bands of 8 block rows for L2 reuse"));

}  // namespace
}  // namespace ladder::warp_tiling::solution2
