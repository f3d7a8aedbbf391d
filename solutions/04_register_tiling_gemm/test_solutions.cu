/// \file solutions/04_register_tiling_gemm/test_solutions.cu
/// \brief The worked solutions of chapter 04 pass the same tests as the chapter's rungs.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions04, 4, ladder::RungKind::Solution);
