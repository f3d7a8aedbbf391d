/// \file solutions/01_naive_gemm/test_solutions.cu
/// \brief The worked solutions of chapter 01 pass the same tests as the chapter's rung.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions01, 1, ladder::RungKind::Solution);
