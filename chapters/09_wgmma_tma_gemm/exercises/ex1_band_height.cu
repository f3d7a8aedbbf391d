/// \file ex1_band_height.cu
/// \brief Exercise 1 (starter): registers 09c with the bands of ex1_band_height.hpp as a rung.
///
/// Edit ex1_band_height.hpp, not this file (the CPU test reads the header too):
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter09Exercise
///     build/bin/ch09_wgmma_tma_gemm --exercises
#include <string>

#include "chapters/09_wgmma_tma_gemm/exercises/ex1_band_height.hpp"
#include "chapters/09_wgmma_tma_gemm/wgmma_launch.cuh"

namespace ladder::wgmma::exercise1 {

/// 09c, with bands of kMyGroupRows tile rows: the kernel reads Cfg::kGroupRows.
struct MyBands : Tile09c {
  static constexpr int kGroupRows = hopper::exercise1::kMyGroupRows;
};

namespace {

const bool registered = register_gemm(
    wgmma_rung<MyBands>("09 ex1 my band height", RungKind::Exercise,
                        "exercise: 09c with bands of " + std::to_string(MyBands::kGroupRows) + " tile rows (09c: 8)"));

}  // namespace
}  // namespace ladder::wgmma::exercise1
