/// \file test_coalesced_gemm.cu
/// \brief Chapter 02 on the GPU: the shared rung tests for its kernel and its exercise starters.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter02, 2, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starters are unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter02Exercises, 2, ladder::RungKind::Exercise);
