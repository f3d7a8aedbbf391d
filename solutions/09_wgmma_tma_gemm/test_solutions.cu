/// \file solutions/09_wgmma_tma_gemm/test_solutions.cu
/// \brief The worked solution of chapter 09 passes the same tests as the chapter's rungs.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Solutions09, 9, ladder::RungKind::Solution);
