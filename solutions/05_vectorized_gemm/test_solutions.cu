/// \file solutions/05_vectorized_gemm/test_solutions.cu
/// \brief The worked solutions of chapter 05 pass the same tests as the chapter's rungs.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions05, 5, ladder::RungKind::Solution);
