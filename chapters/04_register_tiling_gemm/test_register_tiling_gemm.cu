/// \file test_register_tiling_gemm.cu
/// \brief Chapter 04 on the GPU: the shared rung tests for both kernels and the exercise starters.
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter04, 4, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starters are unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter04Exercises, 4, ladder::RungKind::Exercise);
