/// \file ex1_grid_stride.cu
/// \brief Exercise 1 (starter): a fixed-size grid that still covers any m × n.
///
/// The naive launcher sizes the grid to the matrix: ceil(m/32) × ceil(n/32)
/// blocks. Here the grid is fixed (a few blocks per SM) and each thread must
/// loop over as many elements of C as it takes: a grid-stride loop. Fill in
/// the TODO, then test it with
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter01Exercises
///     build/bin/ch01_naive_gemm --exercises --m 1000 --n 1000 --k 1000
#include "common/gemm/device.cuh"

namespace ladder {
namespace {

constexpr int kThreadsPerBlock = 256;
constexpr int kBlocks = 264;  // a fixed grid: 2 blocks for each of an H100/H200's 132 SMs

__global__ void grid_stride_gemm_kernel(GemmArgs args) {
  const int first = blockIdx.x * blockDim.x + threadIdx.x;  // this thread's first element
  const int stride = gridDim.x * blockDim.x;                // threads in the whole grid
  // TODO: for every element index e = first, first + stride, ... below m * n:
  //   pick its row and column so that consecutive threads get consecutive columns,
  //   compute the dot product of that row of A and column of B,
  //   and store it with store_c(args, row, col, acc).
  (void)first;
  (void)stride;
}

void launch_grid_stride_gemm(const GemmArgs& args, cudaStream_t stream) {
  grid_stride_gemm_kernel<<<kBlocks, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_gemm({"01 ex1 grid-stride",
                                       1,
                                       RungKind::Exercise,
                                       launch_grid_stride_gemm,
                                       {},
                                       "exercise: fixed grid, each thread loops over elements"});

}  // namespace
}  // namespace ladder
