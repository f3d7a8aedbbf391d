/// \file ex1_my_tiles.cu
/// \brief Exercise 1 (starter): registers the configuration of ex1_my_tiles.cuh as a rung.
///
/// Edit ex1_my_tiles.cuh, not this file (the CPU test reads the header too):
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter06Exercise
///     build/bin/ch06_warp_tiling_gemm --exercises
#include "chapters/06_warp_tiling_gemm/exercises/ex1_my_tiles.cuh"

namespace ladder::warp_tiling::exercise1 {
namespace {

const bool registered = register_gemm(warp_tiling_rung<MyTiles, Pipeline::kCpAsync>(
    "06 ex1 my warp tile", RungKind::Exercise, "exercise: your own warp tile and lane mapping"));

}  // namespace
}  // namespace ladder::warp_tiling::exercise1
