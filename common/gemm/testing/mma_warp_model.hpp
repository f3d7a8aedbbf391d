/// \file common/gemm/testing/mma_warp_model.hpp
/// \brief A host model of one warp's ldmatrix.x4 and mma.sync m16n8k16, for CPU tests of
/// the tensor-core kernels' addressing (chapters 08 and 13, and common/gemm/mma_layout.hpp).
///
/// The ldmatrix model is written from the PTX ISA's description alone; only the mma
/// model reads the fragment tables of mma_layout.hpp. A test stores 16 x 16 operands in
/// shared-memory tiles the way its kernel does, points the lanes where its kernel points
/// them, and compares warp_product() with triple_loop(): if the lane addresses, the
/// layout, the fragment tables or the .trans choice disagree, the product is wrong.
#pragma once

#include <array>
#include <random>
#include <vector>

#include "common/gemm/mma_layout.hpp"

namespace ladder::mma::model {

using Tile16 = std::array<std::array<float, 16>, 16>;
using Registers = std::array<std::array<std::array<float, 2>, 4>, kWarpSize>;  // [lane][register][half]
using Accumulators = std::array<std::array<float, kCElementsPerLane>, kWarpSize>;

/// ldmatrix.sync.aligned.m8n8.x4{.trans}.shared.b16 as the PTX ISA describes it. Lanes
/// 8i..8i+7 give the row addresses of matrix i (element offsets into `smem`, each the
/// start of 8 consecutive elements); register i of lane l receives, from matrix i, row
/// l/4, columns 2*(l%4) and 2*(l%4)+1, or with .trans row 2*(l%4)+half, column l/4.
inline Registers ldmatrix_x4(const std::vector<float>& smem, const std::array<int, kWarpSize>& row_address,
                             bool trans) {
  Registers registers{};
  for (int lane = 0; lane < kWarpSize; ++lane)
    for (int matrix = 0; matrix < 4; ++matrix)
      for (int half = 0; half < 2; ++half) {
        const int* rows = &row_address[8 * matrix];
        registers[lane][matrix][half] =
            trans ? smem[rows[2 * (lane % 4) + half] + lane / 4] : smem[rows[lane / 4] + 2 * (lane % 4) + half];
      }
  return registers;
}

/// mma.sync.aligned.m16n8k16.row.col: the warp's A and B are gathered from the lanes'
/// registers by the fragment tables, and each lane's accumulators are its elements of
/// A * B. B's registers are `b_register` and `b_register + 1`.
inline Accumulators mma_m16n8k16(const Registers& a_registers, const Registers& b_registers, int b_register) {
  float a[kMmaM][kMmaK] = {}, b[kMmaK][kMmaN] = {};
  for (int lane = 0; lane < kWarpSize; ++lane) {
    for (int e = 0; e < kAElementsPerLane; ++e) {
      const RowCol at = a_fragment_element(lane, e);
      a[at.row][at.col] = a_registers[lane][e / 2][e % 2];
    }
    for (int e = 0; e < kBElementsPerLane; ++e) {
      const RowCol at = b_fragment_element(lane, e);
      b[at.row][at.col] = b_registers[lane][b_register + e / 2][e % 2];
    }
  }
  Accumulators d{};
  for (int lane = 0; lane < kWarpSize; ++lane)
    for (int e = 0; e < kCElementsPerLane; ++e) {
      const RowCol at = c_fragment_element(lane, e);
      for (int k = 0; k < kMmaK; ++k) d[lane][e] += a[at.row][k] * b[k][at.col];
    }
  return d;
}

/// D (16 x 16) from one ldmatrix.x4 of A and one of B: one mma.sync per n-half, B's
/// registers 0, 1 for n 0..7 and 2, 3 for n 8..15 (the kernels' load_fragments order),
/// each lane's accumulators scattered to D by the fragment table.
inline Tile16 warp_product(const Registers& a_registers, const Registers& b_registers) {
  Tile16 d{};
  for (int n_half = 0; n_half < 2; ++n_half) {
    const Accumulators acc = mma_m16n8k16(a_registers, b_registers, 2 * n_half);
    for (int lane = 0; lane < kWarpSize; ++lane)
      for (int e = 0; e < kCElementsPerLane; ++e) {
        const RowCol place = c_fragment_element(lane, e);
        d[place.row][kMmaN * n_half + place.col] = acc[lane][e];
      }
  }
  return d;
}

inline Tile16 triple_loop(const Tile16& a, const Tile16& b) {
  Tile16 d{};
  for (int m = 0; m < 16; ++m)
    for (int n = 0; n < 16; ++n)
      for (int k = 0; k < 16; ++k) d[m][n] += a[m][k] * b[k][n];
  return d;
}

/// Small integers: exact in bf16, and every sum of 16 products is exact in float.
inline Tile16 random_tile(std::mt19937& rng) {
  std::uniform_int_distribution<int> value(-8, 8);
  Tile16 tile{};
  for (auto& row : tile)
    for (float& x : row) x = float(value(rng));
  return tile;
}

}  // namespace ladder::mma::model
