/// \file naive_gemm.cu
/// \brief Chapter 01, the first rung: one thread per element of C (the kernel: naive_gemm.cuh).
///
/// Run it: `build/bin/ch01_naive_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the device, the work and the least traffic, and the ladder table.
#include "chapters/01_naive_gemm/naive_gemm.cuh"

namespace ladder::naive {
namespace {

const bool registered = register_gemm({"01 naive",
                                       1,
                                       RungKind::Chapter,
                                       launch_naive_gemm<kChapterTileRows, kChapterTileCols>,
                                       {},
                                       "one thread per element of C, threadIdx.x along rows"});

}  // namespace
}  // namespace ladder::naive
