/// \file solutions/02_coalesced_gemm/test_solutions.cu
/// \brief The worked solutions of chapter 02 pass the same tests as the chapter's rungs.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions02, 2, ladder::RungKind::Solution);
