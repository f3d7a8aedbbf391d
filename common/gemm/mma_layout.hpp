/// \file common/gemm/mma_layout.hpp
/// \brief Where each element of a tensor-core step lives: which lane's register holds it
/// (mma.sync m16n8k16 with bf16 inputs and fp32 accumulators), which row each lane hands
/// to ldmatrix, and where a 16-byte chunk of a shared-memory tile is stored so that
/// ldmatrix reads it without bank conflicts.
///
/// The fragment tables follow the PTX ISA, "Matrix Fragments for mma.m16n8k16 with
/// floating point type"; the ldmatrix rules follow its "ldmatrix" section. The tensor-core
/// kernels (chapter 08, later chapter 13) call these functions on the device; the CPU test
/// common/gemm/tests/test_mma_layout.cpp checks them, with a host model of one warp's
/// ldmatrix + mma.sync step compared against a plain triple loop.
///
/// Words used below: a *chunk* is 16 bytes (8 bf16), the piece one ldmatrix row address
/// names; a *bank group* is the 16 bytes of banks a chunk falls in. Shared memory has 32
/// banks of 4 bytes, so a 128-byte line of banks holds 8 bank groups, and an ldmatrix
/// phase (8 row addresses, 8 chunks) is conflict-free when its chunks hit 8 distinct ones.
#pragma once

#include "common/core/host_device.hpp"

namespace ladder::mma {

inline constexpr int kWarpSize = 32;
inline constexpr int kMmaM = 16;  // mma.sync.m16n8k16: D (16 x 8) += A (16 x 16) * B (16 x 8)
inline constexpr int kMmaN = 8;
inline constexpr int kMmaK = 16;
inline constexpr int kAElementsPerLane = 8;  // 4 .b32 registers, 2 bf16 each
inline constexpr int kBElementsPerLane = 4;  // 2 .b32 registers, 2 bf16 each
inline constexpr int kCElementsPerLane = 4;  // 4 fp32 registers
inline constexpr int kChunkBytes = 16;       // one ldmatrix row: 8 bf16
inline constexpr int kChunkElements = 8;
inline constexpr int kBankGroups = 8;  // 32 banks x 4 B = 128 B = 8 chunks per line of banks

/// A place in a tile: row and column, counted from the tile's top-left corner.
struct RowCol {
  int row, col;
  LADDER_HOST_DEVICE constexpr bool operator==(const RowCol& other) const {
    return row == other.row && col == other.col;
  }
};

// ---------------------------------------------------------------------------
// mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32: who holds what.
// The warp is 8 groups of 4 lanes; a group owns one row of A and C (one column of B),
// and the 4 lanes of a group split that row into pairs of neighbours.
// ---------------------------------------------------------------------------

/// The PTX ISA's groupID: the row of A and C (the column of B) this lane's group owns.
LADDER_HOST_DEVICE constexpr int group_of(int lane) { return lane >> 2; }

/// The PTX ISA's threadID_in_group: which pair of neighbouring elements the lane holds.
LADDER_HOST_DEVICE constexpr int thread_in_group(int lane) { return lane & 3; }

/// Element e (0..7) of a lane's A fragment, in the 16 x 16 A tile (row = m, col = k).
/// Element e is half e%2 of register e/2. Registers 0 and 2 hold row `group`, 1 and 3 row
/// `group + 8` (bit 1 of e); registers 2 and 3 hold the second 8 columns (bit 2 of e).
LADDER_HOST_DEVICE constexpr RowCol a_fragment_element(int lane, int e) {
  return {group_of(lane) + 8 * ((e >> 1) & 1), 2 * thread_in_group(lane) + (e & 1) + 8 * (e >> 2)};
}

/// Element e (0..3) of a lane's B fragment, in the 16 x 8 B tile (row = k, col = n).
/// ".col" B is k-major per lane: the pair in a register is two neighbouring k of one
/// column n, and register 1 holds k 8..15.
LADDER_HOST_DEVICE constexpr RowCol b_fragment_element(int lane, int e) {
  return {2 * thread_in_group(lane) + (e & 1) + 8 * (e >> 1), group_of(lane)};
}

/// Accumulator e (0..3) of a lane, in the 16 x 8 C/D tile. It has the shape of A's
/// registers 0 and 1, which is why a finished C can feed a later mma as A (attention).
LADDER_HOST_DEVICE constexpr RowCol c_fragment_element(int lane, int e) {
  return {group_of(lane) + 8 * (e >> 1), 2 * thread_in_group(lane) + (e & 1)};
}

// ---------------------------------------------------------------------------
// ldmatrix.sync.aligned.m8n8.x4(.trans).shared.b16: lanes 8i..8i+7 give the 8 row
// addresses of matrix i, and matrix i lands in every lane's register i.
// ---------------------------------------------------------------------------

/// Which of the four 8 x 8 matrices a lane addresses, and which of its rows.
LADDER_HOST_DEVICE constexpr int ldmatrix_matrix_of(int lane) { return lane >> 3; }
LADDER_HOST_DEVICE constexpr int ldmatrix_row_of(int lane) { return lane & 7; }

/// The row, and the first column of the 8-column block, that `lane` points ldmatrix.x4 at in
/// a 16 x 16 A tile stored row-major (k contiguous). Matrix i is rows 8*(i%2).., columns
/// 8*(i/2).., so that register i is exactly A fragment register i: lane l receives row l/4,
/// columns 2*(l%4) and +1 of each matrix, as a_fragment_element places them.
/// Equal to {lane % 16, 8 * (lane / 16)}.
LADDER_HOST_DEVICE constexpr RowCol ldmatrix_a_row_col(int lane) {
  const int matrix = ldmatrix_matrix_of(lane);
  return {8 * (matrix & 1) + ldmatrix_row_of(lane), 8 * (matrix >> 1)};
}

/// The k row, and the first n of the 8-column block, that `lane` points ldmatrix.x4.trans at
/// in a 16 (k) x 16 (n) region of B stored row-major (n contiguous). Matrix i is k 8*(i%2)..,
/// n 8*(i/2)..; .trans hands lane l the elements k = 2*(l%4) and +1 at n = l/4, which is
/// register b0b1 (i even) or b2b3 (i odd) of the B fragment for n block i/2. So registers
/// 0, 1 feed the mma for n 0..7 and registers 2, 3 the mma for n 8..15.
/// Equal to {lane % 16, 8 * (lane / 16)}: the same lanes as A, a different meaning.
LADDER_HOST_DEVICE constexpr RowCol ldmatrix_b_trans_row_col(int lane) {
  const int matrix = ldmatrix_matrix_of(lane);
  return {8 * (matrix & 1) + ldmatrix_row_of(lane), 8 * (matrix >> 1)};
}

/// The n row, and the first k of the 8-column block, that `lane` points plain ldmatrix.x4
/// (no .trans) at in a 16 (n) x 16 (k) region of B stored n-major (k contiguous: each row
/// is one column of B, as a KRSC filter bank or a column-major B is). Matrix i is n
/// 8*(i/2).., k 8*(i%2)..; without .trans lane l receives row l/4 = n, columns 2*(l%4) and
/// +1 = k, which is exactly the .col B fragment's pair (b_fragment_element). So, as with
/// ldmatrix_b_trans_row_col, registers 0, 1 feed the mma for n 0..7 (k 0..7, then 8..15)
/// and registers 2, 3 the mma for n 8..15 (chapter 13; its warp-step check is
/// chapters/13_implicit_gemm_conv/test_implicit_gemm_tiles.cpp).
/// Equal to {8 * (lane / 16) + lane % 8, 8 * (lane / 8 % 2)}.
LADDER_HOST_DEVICE constexpr RowCol ldmatrix_b_row_col(int lane) {
  const int matrix = ldmatrix_matrix_of(lane);
  return {8 * (matrix >> 1) + ldmatrix_row_of(lane), 8 * (matrix & 1)};
}

// ---------------------------------------------------------------------------
// Shared-memory layouts of a bf16 tile whose rows are whole chunks.
// ---------------------------------------------------------------------------

/// Bank group (0..7) of a byte offset in shared memory: which 16 bytes of a 128-byte
/// line of banks it falls in. Two chunks in one bank group conflict.
LADDER_HOST_DEVICE constexpr int bank_group(int byte_offset) { return byte_offset / kChunkBytes % kBankGroups; }

/// Tile rows that share one 128-byte line of banks: 2 for 64-byte rows, 1 for wider rows.
LADDER_HOST_DEVICE constexpr int rows_per_bank_line(int chunks_per_row) {
  return chunks_per_row < kBankGroups ? kBankGroups / chunks_per_row : 1;
}

/// Physical chunk, within its row, of logical chunk `chunk` of row `row`, for
/// chunks_per_row in {4, 8, 16, 32} (rows of 64, 128, 256, 512 bytes).
///
/// Why: an ldmatrix phase reads one logical chunk from 8 consecutive rows. Unswizzled,
/// those chunks sit in 2 bank groups (64-byte rows) or 1 (wider rows): a 4- or 8-way
/// conflict. XOR-ing the chunk with a number that changes from one line of banks to the
/// next moves each row's copy to its own bank group. For rows of 128 bytes or more each
/// row is its own line, and row % 8 spreads 8 rows over all 8 groups. For 64-byte rows
/// two rows share a line, their halves already differ, so the term comes from row / 2 and
/// spreads the 4 rows of each half over its 4 groups. The term is below chunks_per_row,
/// so the XOR only permutes chunks within the row.
LADDER_HOST_DEVICE constexpr int swizzled_chunk(int row, int chunk, int chunks_per_row) {
  const int spread = chunks_per_row < kBankGroups ? chunks_per_row : kBankGroups;
  return chunk ^ (row / rows_per_bank_line(chunks_per_row) % spread);
}

/// Element offset (in bf16) of logical (row, col) in a swizzled tile of chunks_per_row
/// chunks per row: the chunk moves, the 8 elements inside it stay in order, so one
/// ldmatrix row address still names 8 consecutive columns.
LADDER_HOST_DEVICE constexpr int swizzled_offset(int row, int col, int chunks_per_row) {
  const int chunk = swizzled_chunk(row, col / kChunkElements, chunks_per_row);
  return (row * chunks_per_row + chunk) * kChunkElements + col % kChunkElements;
}

/// Element offset of (row, col) in an unswizzled tile whose rows are padded to
/// row_elements_with_padding bf16. Rung 1 pads 8 bf16 (one chunk) so that a row is an
/// odd number of chunks long: then 8 consecutive rows start in 8 distinct bank groups.
LADDER_HOST_DEVICE constexpr int padded_offset(int row, int col, int row_elements_with_padding) {
  return row * row_elements_with_padding + col;
}

}  // namespace ladder::mma
