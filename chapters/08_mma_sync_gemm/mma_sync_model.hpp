/// \file mma_sync_model.hpp
/// \brief Chapter 08's kernel on the CPU: the same index functions, run by a host model of
/// cp.async, ldmatrix and mma.sync, so the CPU tests can check what the kernel would do.
///
/// Every address below is computed the way mma_sync_gemm.cuh computes it: the chunk of
/// a thread (a_chunk, b_chunk) plus whole passes of rows, the ldmatrix row of a lane
/// (a_ldmatrix_row_col, b_ldmatrix_row_col) plus whole mma tiles of rows, the accumulator
/// pairs of c_row_col, and the block order of Cfg::block_place. ldmatrix and mma.sync are
/// modelled from the PTX ISA's description (the fragment tables are mma_layout.hpp's,
/// tested against the ISA in common/gemm/tests/test_mma_layout.cpp). What the model cannot
/// say is how fast anything is: its wavefront counts are predictions for Nsight Compute.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "chapters/08_mma_sync_gemm/mma_sync_tiles.hpp"
#include "common/core/warp_access_model.hpp"

namespace ladder::mma_sync::model {

// ---------------------------------------------------------------------------
// Where the kernel's addresses land
// ---------------------------------------------------------------------------

/// The shared-memory offset (elements from the tile's start) where load_stage puts chunk i
/// of thread t: chunk 0's place, then i passes of whole rows.
template <class Cfg>
int a_copy_offset_of(int thread, int i) {
  return a_copy_offset<Cfg>(thread) + i * Cfg::kAPassElements;
}
template <class Cfg>
int b_copy_offset_of(int thread, int i) {
  return b_copy_offset<Cfg>(thread) + i * Cfg::kBPassElements;
}

/// The row address `lane` gives ldmatrix for mma tile mi (A) or n-tile pair `pair` (B) at
/// k-step ks, as load_fragments computes it.
template <class Cfg>
int a_ldmatrix_offset_of(RowCol warp_at, int lane, int mi, int ks) {
  return a_ldmatrix_offset<Cfg>(warp_at, lane, ks) + mi * Cfg::kAMmaTileElements;
}
template <class Cfg>
int b_ldmatrix_offset_of(RowCol warp_at, int lane, int pair, int ks) {
  return b_ldmatrix_offset<Cfg>(warp_at, lane, pair) + ks * Cfg::kBKStepElements;
}

/// "" when the ldmatrix row addresses load_fragments reaches by constant steps are the ones
/// the layout gives for (a_ldmatrix_row_col, b_ldmatrix_row_col) of every mma tile and k-step.
template <class Cfg>
std::string ldmatrix_step_problem() {
  for (int warp = 0; warp < Cfg::kThreads / mma::kWarpSize; ++warp)
    for (int lane = 0; lane < mma::kWarpSize; ++lane)
      for (int ks = 0; ks < Cfg::kKSteps; ++ks) {
        const RowCol warp_at = Cfg::warp_origin(warp);
        for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi) {
          const RowCol at = a_ldmatrix_row_col(warp_at, lane, mi, ks);
          if (a_ldmatrix_offset_of<Cfg>(warp_at, lane, mi, ks) != Cfg::ATile::offset(at.row, at.col))
            return "A: warp " + std::to_string(warp) + " lane " + std::to_string(lane) + " mi " + std::to_string(mi);
        }
        for (int pair = 0; pair < Cfg::kMmaTilesN / 2; ++pair) {
          const RowCol at = b_ldmatrix_row_col(warp_at, lane, pair, ks);
          if (b_ldmatrix_offset_of<Cfg>(warp_at, lane, pair, ks) != Cfg::BTile::offset(at.row, at.col))
            return "B: warp " + std::to_string(warp) + " lane " + std::to_string(lane) + " ks " + std::to_string(ks);
        }
      }
  return "";
}

/// "" when a tile's layout repeats every kRepeatRows rows (offset(row + 8, col) is
/// offset(row, col) plus 8 rows of elements), the fact the kernel's constant steps rely on.
template <class Tile>
std::string repeat_problem() {
  for (int row = 0; row + Tile::kRepeatRows < Tile::kRows; ++row)
    for (int col = 0; col < Tile::kCols; ++col)
      if (Tile::offset(row + Tile::kRepeatRows, col) != Tile::offset(row, col) + Tile::kRepeatRows * Tile::kRowElements)
        return "offset(" + std::to_string(row + Tile::kRepeatRows) + ", " + std::to_string(col) + ") is not offset(" +
               std::to_string(row) + ", " + std::to_string(col) + ") plus whole rows";
  return "";
}

/// "" when the kernel's copies of one stage fill every element of the A and B tiles exactly
/// once, each chunk landing where the layout says its (row, col) lives; else the first problem.
template <class Cfg>
std::string copy_coverage_problem() {
  const auto check = [](const char* name, int rows, int cols, int elements, int chunks_per_thread, auto chunk_of,
                        auto offset_of, auto layout_offset) -> std::string {
    std::vector<int> tile_hits(rows * cols, 0), shared_hits(elements, 0);
    for (int t = 0; t < Cfg::kThreads; ++t)
      for (int i = 0; i < chunks_per_thread; ++i) {
        const RowCol at = chunk_of(t, i);
        const int offset = offset_of(t, i);
        const std::string where = std::string(name) + " thread " + std::to_string(t) + " chunk " + std::to_string(i);
        if (at.row < 0 || at.row >= rows || at.col < 0 || at.col + mma::kChunkElements > cols)
          return where + " lies outside the tile";
        if (offset != layout_offset(at.row, at.col)) return where + " is stored away from where the layout puts it";
        for (int e = 0; e < mma::kChunkElements; ++e) {
          ++tile_hits[at.row * cols + at.col + e];
          if (offset + e < 0 || offset + e >= elements) return where + " is stored outside the tile's memory";
          ++shared_hits[offset + e];
        }
      }
    for (int e = 0; e < rows * cols; ++e)
      if (tile_hits[e] != 1)
        return std::string(name) + " element (" + std::to_string(e / cols) + ", " + std::to_string(e % cols) +
               ") is copied " + std::to_string(tile_hits[e]) + " times";
    for (int e = 0; e < elements; ++e)
      if (shared_hits[e] > 1) return std::string(name) + " shared element " + std::to_string(e) + " is written twice";
    return "";
  };
  using A = typename Cfg::ATile;
  using B = typename Cfg::BTile;
  std::string problem = check("A", Cfg::kBM, Cfg::kBK, A::kElements, Cfg::kAChunksPerThread, a_chunk<Cfg>,
                              a_copy_offset_of<Cfg>, [](int r, int c) { return A::offset(r, c); });
  if (problem.empty())
    problem = check("B", Cfg::kBK, Cfg::kBN, B::kElements, Cfg::kBChunksPerThread, b_chunk<Cfg>, b_copy_offset_of<Cfg>,
                    [](int r, int c) { return B::offset(r, c); });
  return problem;
}

/// "" when the block's warps and lanes hold every element of the BM × BN block tile in
/// exactly one accumulator (warp_origin, c_row_col), else the first problem.
template <class Cfg>
std::string accumulator_coverage_problem() {
  std::vector<int> owners(Cfg::kBM * Cfg::kBN, 0);
  for (int warp = 0; warp < Cfg::kThreads / mma::kWarpSize; ++warp)
    for (int lane = 0; lane < mma::kWarpSize; ++lane)
      for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi)
        for (int ni = 0; ni < Cfg::kMmaTilesN; ++ni)
          for (int e = 0; e < mma::kCElementsPerLane; ++e) {
            const RowCol at = c_row_col(Cfg::warp_origin(warp), lane, mi, ni, e);
            if (at.row < 0 || at.row >= Cfg::kBM || at.col < 0 || at.col >= Cfg::kBN)
              return "warp " + std::to_string(warp) + " lane " + std::to_string(lane) +
                     " holds an element outside the block tile, (" + std::to_string(at.row) + ", " +
                     std::to_string(at.col) + ")";
            ++owners[at.row * Cfg::kBN + at.col];
          }
  for (int e = 0; e < Cfg::kBM * Cfg::kBN; ++e)
    if (owners[e] != 1)
      return "element (" + std::to_string(e / Cfg::kBN) + ", " + std::to_string(e % Cfg::kBN) +
             ") of the block tile has " + std::to_string(owners[e]) + " owners";
  return "";
}

/// "" when block_place maps the grid_m × grid_n blocks of the 1-D grid onto the block
/// tiles one to one, else the first problem.
template <class Cfg>
std::string block_order_problem(int grid_m, int grid_n) {
  std::vector<int> hits(static_cast<std::size_t>(grid_m) * grid_n, 0);
  for (int block = 0; block < grid_m * grid_n; ++block) {
    const BlockPlace place = Cfg::block_place(block, grid_n, grid_m);
    if (place.row < 0 || place.row >= grid_m || place.col < 0 || place.col >= grid_n)
      return "block " + std::to_string(block) + " goes to (" + std::to_string(place.row) + ", " +
             std::to_string(place.col) + "), outside the " + std::to_string(grid_m) + " x " + std::to_string(grid_n) +
             " grid";
    ++hits[static_cast<std::size_t>(place.row) * grid_n + place.col];
  }
  for (std::size_t e = 0; e < hits.size(); ++e)
    if (hits[e] != 1)
      return "tile (" + std::to_string(e / grid_n) + ", " + std::to_string(e % grid_n) + ") is computed by " +
             std::to_string(hits[e]) + " blocks";
  return "";
}

/// A model of L2 reuse, for predictions: blocks run in waves of `slots` consecutive blocks
/// (SMs × blocks per SM); a wave reads one slab of A (BM rows × k) per distinct block row
/// and one slab of B (k × BN columns) per distinct block column among its blocks. Returns
/// the mean number of distinct slabs per wave: fewer slabs, fewer bytes from DRAM.
template <class Cfg>
double slabs_per_wave(int m, int n, int slots) {
  const int grid_m = (m + Cfg::kBM - 1) / Cfg::kBM, grid_n = (n + Cfg::kBN - 1) / Cfg::kBN;
  double slabs = 0;
  int waves = 0;
  for (int first = 0; first < grid_m * grid_n; first += slots, ++waves) {
    std::vector<bool> row_seen(grid_m, false), col_seen(grid_n, false);
    for (int block = first; block < first + slots && block < grid_m * grid_n; ++block) {
      const BlockPlace place = Cfg::block_place(block, grid_n, grid_m);
      slabs += !row_seen[place.row] + !col_seen[place.col];
      row_seen[place.row] = col_seen[place.col] = true;
    }
  }
  return slabs / waves;
}

// ---------------------------------------------------------------------------
// Bank groups
// ---------------------------------------------------------------------------

/// The most chunks that share one bank group among the 8 row addresses of one ldmatrix
/// phase (1: conflict-free; n: the phase takes n wavefronts). Byte offsets from the stage.
inline int phase_conflict_ways(const std::array<int, 8>& bytes) {
  std::array<int, mma::kBankGroups> chunks{};
  int most = 0;
  for (int byte : bytes) {
    const int count = ++chunks[mma::bank_group(byte)];
    most = count > most ? count : most;
  }
  return most;
}

/// The worst ldmatrix phase of the whole block for one stage: every warp, k-step, mma tile
/// (A) or pair of n-tiles (B), and each of the 4 phases (lanes 8p .. 8p + 7) of an x4 load.
template <class Cfg>
int worst_ldmatrix_conflict() {
  constexpr int kBTileStartBytes = Cfg::ATile::kElements * 2;
  int worst = 0;
  for (int warp = 0; warp < Cfg::kThreads / mma::kWarpSize; ++warp)
    for (int ks = 0; ks < Cfg::kKSteps; ++ks)
      for (int phase = 0; phase < 4; ++phase) {
        std::array<int, 8> bytes{};
        for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi) {
          for (int r = 0; r < 8; ++r)
            bytes[r] = 2 * a_ldmatrix_offset_of<Cfg>(Cfg::warp_origin(warp), 8 * phase + r, mi, ks);
          const int ways = phase_conflict_ways(bytes);
          worst = ways > worst ? ways : worst;
        }
        for (int pair = 0; pair < Cfg::kMmaTilesN / 2; ++pair) {
          for (int r = 0; r < 8; ++r)
            bytes[r] =
                kBTileStartBytes + 2 * b_ldmatrix_offset_of<Cfg>(Cfg::warp_origin(warp), 8 * phase + r, pair, ks);
          const int ways = phase_conflict_ways(bytes);
          worst = ways > worst ? ways : worst;
        }
      }
  return worst;
}

/// Predicted wavefronts of one warp's pass of cp.async writes into shared memory (32
/// chunks of 16 bytes; at least 4), if they are served like a 16-byte shared store:
/// common/core/warp_access_model.hpp's count, for the A tile (`a_tile`) or the B tile.
template <class Cfg>
int copy_wavefronts(int warp, int i, bool a_tile) {
  ladder::model::WarpAddresses bytes;
  for (int lane = 0; lane < mma::kWarpSize; ++lane) {
    const int t = warp * mma::kWarpSize + lane;
    bytes[lane] = 2LL * (a_tile ? a_copy_offset_of<Cfg>(t, i) : b_copy_offset_of<Cfg>(t, i));
  }
  return ladder::model::vector_wavefronts(bytes, mma::kChunkBytes);
}

/// Predicted shared-memory wavefronts per mma.sync over one k-tile of a block: every
/// ldmatrix phase (as many wavefronts as its busiest bank group has chunks) plus the
/// cp.async writes of the stage (copy_wavefronts), divided by the block's mma.sync count.
/// An SM's shared memory serves one wavefront (128 bytes) per clock, so 1 / this is the
/// most mma.sync per SM per clock shared memory can feed.
template <class Cfg>
double shared_wavefronts_per_mma() {
  constexpr int kWarps = Cfg::kThreads / mma::kWarpSize;
  long wavefronts = 0;
  for (int warp = 0; warp < kWarps; ++warp) {
    for (int ks = 0; ks < Cfg::kKSteps; ++ks)
      for (int phase = 0; phase < 4; ++phase) {
        std::array<int, 8> bytes{};
        for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi) {
          for (int r = 0; r < 8; ++r)
            bytes[r] = 2 * a_ldmatrix_offset_of<Cfg>(Cfg::warp_origin(warp), 8 * phase + r, mi, ks);
          wavefronts += phase_conflict_ways(bytes);
        }
        for (int pair = 0; pair < Cfg::kMmaTilesN / 2; ++pair) {
          for (int r = 0; r < 8; ++r)
            bytes[r] = 2 * b_ldmatrix_offset_of<Cfg>(Cfg::warp_origin(warp), 8 * phase + r, pair, ks);
          wavefronts += phase_conflict_ways(bytes);
        }
      }
    for (int i = 0; i < Cfg::kAChunksPerThread; ++i) wavefronts += copy_wavefronts<Cfg>(warp, i, true);
    for (int i = 0; i < Cfg::kBChunksPerThread; ++i) wavefronts += copy_wavefronts<Cfg>(warp, i, false);
  }
  const long mmas = long(kWarps) * Cfg::kKSteps * Cfg::kMmaTilesM * Cfg::kMmaTilesN;
  return double(wavefronts) / double(mmas);
}

// ---------------------------------------------------------------------------
// The whole kernel, one block at a time
// ---------------------------------------------------------------------------

/// A row-major matrix with its leading dimension (values outside rows × cols are padding).
struct Matrix {
  int rows = 0, cols = 0, ld = 0;
  std::vector<float> values;  // rows × ld
  float at(int r, int c) const { return values[static_cast<std::size_t>(r) * ld + c]; }
};

/// Registers of one warp after ldmatrix.x4: [lane][register][half].
using Registers = std::array<std::array<std::array<float, 2>, 4>, mma::kWarpSize>;

/// ldmatrix.sync.aligned.m8n8.x4{.trans}.shared.b16 from the PTX ISA: lanes 8i..8i+7 give
/// the row addresses of matrix i; register i of lane l receives from matrix i row l / 4,
/// columns 2(l % 4) and + 1, or with .trans rows 2(l % 4) and + 1 of column l / 4.
inline Registers ldmatrix_x4(const std::vector<float>& shared, int tile_start,
                             const std::array<int, mma::kWarpSize>& row_offset, bool trans) {
  Registers out{};
  for (int lane = 0; lane < mma::kWarpSize; ++lane)
    for (int matrix = 0; matrix < 4; ++matrix)
      for (int half = 0; half < 2; ++half) {
        const int* rows = &row_offset[8 * matrix];
        const int offset = trans ? rows[2 * (lane % 4) + half] + lane / 4 : rows[lane / 4] + 2 * (lane % 4) + half;
        out[lane][matrix][half] = shared[tile_start + offset];
      }
  return out;
}

/// acc[lane][e] += (A · B)[c_fragment_element(lane, e)] for one mma.sync m16n8k16: A from
/// registers a (all four), B from registers b_first and b_first + 1 of b.
inline void mma_m16n8k16(std::array<std::array<float, 4>, mma::kWarpSize>& acc, const Registers& a, const Registers& b,
                         int b_first) {
  float a_tile[mma::kMmaM][mma::kMmaK] = {}, b_tile[mma::kMmaK][mma::kMmaN] = {};
  for (int lane = 0; lane < mma::kWarpSize; ++lane) {
    for (int e = 0; e < mma::kAElementsPerLane; ++e) {
      const RowCol at = mma::a_fragment_element(lane, e);
      a_tile[at.row][at.col] = a[lane][e / 2][e % 2];
    }
    for (int e = 0; e < mma::kBElementsPerLane; ++e) {
      const RowCol at = mma::b_fragment_element(lane, e);
      b_tile[at.row][at.col] = b[lane][b_first + e / 2][e % 2];
    }
  }
  for (int lane = 0; lane < mma::kWarpSize; ++lane)
    for (int e = 0; e < mma::kCElementsPerLane; ++e) {
      const RowCol at = mma::c_fragment_element(lane, e);
      for (int k = 0; k < mma::kMmaK; ++k) acc[lane][e] += a_tile[at.row][k] * b_tile[k][at.col];
    }
}

/// C = alpha · A · B + beta · C, computed block by block as the kernel computes it:
/// load_stage's copies (zero-filled at the edges, every other stage element NaN so a read
/// of something never copied shows), load_fragments' ldmatrix, mma_step, store_tile's
/// pairs. Writes nothing outside C's m × n; `writes` counts the stores per element of C.
template <class Cfg>
void run_kernel(const Matrix& a, const Matrix& b, Matrix& c, float alpha, float beta, std::vector<int>& writes) {
  using AccumulatorTile = std::array<std::array<float, 4>, mma::kWarpSize>;  // [lane][e] of one mma tile
  const int m = a.rows, k = a.cols, n = b.cols;
  const int grid_m = (m + Cfg::kBM - 1) / Cfg::kBM, grid_n = (n + Cfg::kBN - 1) / Cfg::kBN;
  constexpr int kWarps = Cfg::kThreads / mma::kWarpSize;
  writes.assign(static_cast<std::size_t>(m) * n, 0);
  for (int block = 0; block < grid_m * grid_n; ++block) {
    const BlockPlace place = Cfg::block_place(block, grid_n, grid_m);
    const int m0 = place.row * Cfg::kBM, n0 = place.col * Cfg::kBN;
    std::vector<AccumulatorTile> acc(kWarps * Cfg::kMmaTilesM * Cfg::kMmaTilesN, AccumulatorTile{});
    for (int k0 = 0; k0 < k; k0 += Cfg::kBK) {
      std::vector<float> stage(Cfg::kStageElements, std::numeric_limits<float>::quiet_NaN());
      const auto copy = [&](const Matrix& from, int offset, int row, int col) {  // copy_edge_chunk's zero fill
        for (int e = 0; e < mma::kChunkElements; ++e)
          stage[offset + e] = row < from.rows && col + e < from.cols ? from.at(row, col + e) : 0.0f;
      };
      for (int t = 0; t < Cfg::kThreads; ++t) {
        const RowCol a0 = a_chunk<Cfg>(t, 0), b0 = b_chunk<Cfg>(t, 0);
        for (int i = 0; i < Cfg::kAChunksPerThread; ++i)
          copy(a, a_copy_offset_of<Cfg>(t, i), m0 + a0.row + i * Cfg::kARowsPerPass, k0 + a0.col);
        for (int i = 0; i < Cfg::kBChunksPerThread; ++i)
          copy(b, Cfg::ATile::kElements + b_copy_offset_of<Cfg>(t, i), k0 + b0.row + i * Cfg::kBRowsPerPass,
               n0 + b0.col);
      }
      for (int warp = 0; warp < kWarps; ++warp) {
        const RowCol warp_at = Cfg::warp_origin(warp);
        for (int ks = 0; ks < Cfg::kKSteps; ++ks) {
          std::array<int, mma::kWarpSize> rows{};
          std::vector<Registers> a_regs(Cfg::kMmaTilesM), b_regs(Cfg::kMmaTilesN / 2);
          for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi) {
            for (int lane = 0; lane < mma::kWarpSize; ++lane)
              rows[lane] = a_ldmatrix_offset_of<Cfg>(warp_at, lane, mi, ks);
            a_regs[mi] = ldmatrix_x4(stage, 0, rows, false);
          }
          for (int pair = 0; pair < Cfg::kMmaTilesN / 2; ++pair) {
            for (int lane = 0; lane < mma::kWarpSize; ++lane)
              rows[lane] = b_ldmatrix_offset_of<Cfg>(warp_at, lane, pair, ks);
            b_regs[pair] = ldmatrix_x4(stage, Cfg::ATile::kElements, rows, true);
          }
          for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi)
            for (int ni = 0; ni < Cfg::kMmaTilesN; ++ni)
              mma_m16n8k16(acc[(warp * Cfg::kMmaTilesM + mi) * Cfg::kMmaTilesN + ni], a_regs[mi], b_regs[ni / 2],
                           2 * (ni % 2));
        }
      }
    }
    for (int warp = 0; warp < kWarps; ++warp)  // store_tile: pairs (e, e + 1) at c_row_col(e)
      for (int lane = 0; lane < mma::kWarpSize; ++lane)
        for (int mi = 0; mi < Cfg::kMmaTilesM; ++mi)
          for (int ni = 0; ni < Cfg::kMmaTilesN; ++ni)
            for (int e = 0; e < mma::kCElementsPerLane; e += 2) {
              const RowCol at = c_row_col(Cfg::warp_origin(warp), lane, mi, ni, e);
              const auto& values = acc[(warp * Cfg::kMmaTilesM + mi) * Cfg::kMmaTilesN + ni][lane];
              for (int half = 0; half < 2; ++half) {
                const int row = m0 + at.row, col = n0 + at.col + half;
                if (row >= m || col >= n) continue;
                float& out = c.values[static_cast<std::size_t>(row) * c.ld + col];
                out = beta != 0.0f ? alpha * values[e + half] + beta * out : alpha * values[e + half];
                ++writes[static_cast<std::size_t>(row) * n + col];
              }
            }
  }
}

}  // namespace ladder::mma_sync::model
