/// \file solutions/06_warp_tiling_gemm/test_solutions.cu
/// \brief The worked solutions of chapter 06 pass the same tests as the chapter's rungs.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions06, 6, ladder::RungKind::Solution);
