/// \file ex1_warp_tile.cu
/// \brief Exercise 1 (starter): registers the configuration of ex1_warp_tile.hpp as a rung.
///
/// Edit ex1_warp_tile.hpp, not this file (the CPU test reads the header too):
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter08Exercise
///     build/bin/ch08_mma_sync_gemm --exercises
#include "chapters/08_mma_sync_gemm/exercises/ex1_warp_tile.hpp"
#include "chapters/08_mma_sync_gemm/mma_sync_gemm.cuh"

namespace ladder::mma_sync::exercise1 {
namespace {

const bool registered = register_gemm(mma_sync_rung<MyWarpTiles>(
    "08 ex1 my warp tiles", RungKind::Exercise, "exercise: 8 warps of 64x32 (or 32x64) and their mapping"));

}  // namespace
}  // namespace ladder::mma_sync::exercise1
