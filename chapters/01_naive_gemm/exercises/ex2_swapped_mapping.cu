/// \file ex2_swapped_mapping.cu
/// \brief Exercise 2 (starter): give threadIdx.x the columns instead of the rows.
///
/// Copy the naive kernel here and swap the roles of threadIdx.x and
/// threadIdx.y (and of the grid's x and y). Before you run it, predict: faster
/// or slower, and by how much? Write down which addresses the 32 threads of one
/// warp read from A and from B in each version. Then measure:
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter01Exercises
///     build/bin/ch01_naive_gemm --exercises
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

constexpr int kTileRows = 32;
constexpr int kTileCols = 32;

__global__ void swapped_mapping_kernel(GemmArgs args) {
  // TODO: row from threadIdx.y, column from threadIdx.x; the rest as in naive_gemm_kernel.
  (void)args;
}

void launch_swapped_mapping(const GemmArgs& args, cudaStream_t stream) {
  // TODO: the grid's x must now count column tiles and y row tiles.
  const dim3 block(kTileCols, kTileRows);
  const dim3 grid(ceil_div(args.m, kTileRows), ceil_div(args.n, kTileCols));
  swapped_mapping_kernel<<<grid, block, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_gemm({"01 ex2 swapped mapping",
                                       1,
                                       RungKind::Exercise,
                                       launch_swapped_mapping,
                                       {},
                                       "exercise: threadIdx.x along columns"});

}  // namespace
}  // namespace ladder
