/// \file ex1_my_tiles.cu
/// \brief Exercise 1 (starter): registers the configuration of ex1_my_tiles.cuh as a rung.
///
/// Edit ex1_my_tiles.cuh, not this file (the CPU test reads the header too):
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter06Exercise
///     build/bin/ch06_warp_tiling_gemm --exercises
#include <stdexcept>
#include <string>

#include "chapters/06_warp_tiling_gemm/exercises/ex1_my_tiles.cuh"
#include "chapters/06_warp_tiling_gemm/warp_tiling_model.cuh"

namespace ladder::warp_tiling::exercise1 {
namespace {

/// A place() that reaches outside the block tile would make the kernel read
/// past its shared memory and write past C: a fault, not a lesson. So the
/// rung checks the mapping on the host first (the CPU test's own check) and
/// refuses to launch, with the reason, until every element has one owner.
void launch_my_tiles(const GemmArgs& args, cudaStream_t stream) {
  static const std::string mapping_problem = model::coverage_problem<MyTiles>();
  if (!mapping_problem.empty())
    throw std::invalid_argument("06 ex1: not launched, place() does not cover the block tile exactly once: " +
                                mapping_problem);
  launch_warp_tiling<MyTiles, Pipeline::kCpAsync>(args, stream);
}

const bool registered =
    register_gemm({"06 ex1 my warp tile", 6, RungKind::Exercise, launch_my_tiles, requirements(Pipeline::kCpAsync),
                   "exercise: your own warp tile and lane mapping"});

}  // namespace
}  // namespace ladder::warp_tiling::exercise1
