/// \file test_naive_gemm.cu
/// \brief Chapter 01 on the GPU: the shared rung tests for its kernel and its exercise starters.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter01, 1, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starters are unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter01Exercises, 1, ladder::RungKind::Exercise);
