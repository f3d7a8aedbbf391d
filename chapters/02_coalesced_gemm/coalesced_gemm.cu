/// \file coalesced_gemm.cu
/// \brief Chapter 02: the naive dot product, with a warp's threads along the columns of C
/// (the kernel: coalesced_gemm.cuh).
///
/// Run it: `build/bin/ch02_coalesced_gemm` (4096³, or `--m 1000 --n 1000 --k 1000`).
/// It prints the ladder so far: cuBLAS, 01 naive and 02 coalesced.
#include "chapters/02_coalesced_gemm/coalesced_gemm.cuh"

namespace ladder::coalesced {
namespace {

const bool registered = register_gemm({"02 coalesced",
                                       2,
                                       RungKind::Chapter,
                                       launch_coalesced_gemm<kChapterTile>,
                                       {},
                                       "one thread per element of C, a warp along a row of C (coalesced B and C)"});

}  // namespace
}  // namespace ladder::coalesced
