/// \file ex3_block_shape.cu
/// \brief Exercise 3 (starter): the naive kernel with other block shapes.
///
/// The kernel reads its tile shape from blockDim, so only the launch changes:
/// `launch_naive_gemm<Rows, Cols>` (naive_gemm.cuh) puts Rows threads along m
/// (threadIdx.x) and Cols along n. Before you run it, predict: with Rows = 16
/// or 8, which rows and columns of C do one warp's 32 threads hold, and how
/// many sectors of A and of B does the warp read per step of the dot product?
/// Then set the shape below, register the other one beside it, and measure:
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter01Exercises
///     build/bin/ch01_naive_gemm --exercises
#include "chapters/01_naive_gemm/naive_gemm.cuh"

namespace ladder::naive {
namespace {

// TODO: 16 x 16, then a second rung at 8 x 32. 32 x 32 is the chapter's own shape.
constexpr int kBlockRows = 32;  // threads along m: one warp holds this many rows (up to 32)
constexpr int kBlockCols = 32;  // threads along n

const bool registered = register_gemm({"01 ex3 block shape",
                                       1,
                                       RungKind::Exercise,
                                       launch_naive_gemm<kBlockRows, kBlockCols>,
                                       {},
                                       "exercise: the naive kernel with another block shape"});

}  // namespace
}  // namespace ladder::naive
