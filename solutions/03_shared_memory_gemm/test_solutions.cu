/// \file solutions/03_shared_memory_gemm/test_solutions.cu
/// \brief The worked solutions of chapter 03 pass the same tests as the chapter's rungs.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions03, 3, ladder::RungKind::Solution);
