/// \file test_smem_gemm.cu
/// \brief Chapter 03 on the GPU: the shared rung tests for its kernel and its exercise starters.
///
/// The shared shapes already cover what tiling can get wrong: K below, equal to,
/// a multiple of and not a multiple of the 32-wide k-tile (1, 17, 32, 64, 65,
/// 129, 777), M and N one less and one more than a tile edge (31, 33, 63, 65,
/// 127, 129), and ragged sizes (257, 513, 1000, 1234).
#include "common/gemm/testing/rung_test.cuh"

LADDER_GEMM_RUNG_TESTS(Chapter03, 3, ladder::RungKind::Chapter);
// Skipped unless LADDER_TEST_EXERCISES=1: the starters are unfinished on purpose.
LADDER_GEMM_RUNG_TESTS(Chapter03Exercises, 3, ladder::RungKind::Exercise);
