/// \file solutions/08_mma_sync_gemm/test_solutions.cu
/// \brief The worked solution of chapter 08 passes the same tests as the chapter's rungs.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions08, 8, ladder::RungKind::Solution);
