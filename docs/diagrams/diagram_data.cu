/// \file docs/diagrams/diagram_data.cu
/// \brief Prints, as JSON, the thread, tile, warp and fragment mappings that the lessons'
/// diagrams show, computed from the chapters' own constants and index functions.
///
/// A host program (nvcc compiles it so that it can include the kernels' headers; it runs no
/// kernel and needs no GPU). docs/diagrams/draw.py turns its output into the SVG files of
/// docs/images/, and the CTest test diagrams_are_current fails when those differ from what
/// the current sources give:
///
///     cmake --build build --target diagrams     # regenerate docs/images/ch*.svg
///     ctest --test-dir build -R diagrams_are_current
///
/// Where each mapping comes from:
///   ch01, ch02  the chapters' block shapes (naive_gemm.cuh, coalesced_gemm.cuh) and the
///               thread maps and sector counts of common/core/warp_access_model.hpp, the
///               host model that the CPU tests check the lessons' sector counts with
///   ch03        smem_gemm.cuh's tile; the loop over k0 is the kernel's
///   ch04        register_tiling_tiles.hpp's tile sizes; the index expressions are the
///               kernels' (register_tiling_gemm.cu), quoted beside each line below
///   ch05        vectorized_gemm.cuh's tile sizes; the index expressions are the kernel's,
///               the wavefront count is warp_access_model.hpp's
///   ch06        warp_tiling_configs.cuh's OneStage, through TileConfig::place, thread_row and
///               thread_col: the functions the kernels call
///   ch07        wmma_gemm.cuh's BlockTile07b: warp_place and the fragment counts the
///               block-tile kernel loops over
///   ch08        common/gemm/mma_layout.hpp's fragment tables, which the kernels call; the
///               shared tiles' offset() of mma_sync_configs.hpp's Padded and Swizzled, with
///               mma::bank_group and the model's phase_conflict_ways
///   ch09        hopper_layout.hpp's swizzle_128b, the map TMA and wgmma share; 09b's ring
///               from wgmma_tma_gemm.cuh's Tile09b: its stages, warpgroups, barrier counts
///               and register split, and the stage and parity of each k-tile, by the
///               expressions warp_specialized_kernel uses
///   ch10        direct_conv.cuh's output_element, with index.hpp's input_row, input_col,
///               nchw_offset and kcrs_offset, and the sector count of warp_access_model.hpp
///   ch11        tiled_conv.cuh's block_work, halo_tile, halo_source and
///               thread_halo_origin on a small problem with ragged tiles
///   ch12        im2col_conv.cuh's lowered_value, the kernel's element function, on a small
///               problem, with common/conv/index.hpp's output_position, filter_tap_crs,
///               input_row, input_col, inside_image and nchw_offset
///   ch13        implicit_gemm_map.hpp's a_chunk_source, the chunk map 13a's kernel calls
///               (checked against 13b's row_gather and tap_cursor), with index.hpp's
///               output_position, filter_tap_rsc and nhwc_offset
///   ch14        the LeNet of common/nn/network.hpp: one image through forward(), its
///               parameters and its layer hyper-parameters
///
/// Usage: diagram_data [--out FILE]   (JSON on stdout without --out)
#include <algorithm>
#include <array>
#include <iostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "chapters/01_naive_gemm/naive_gemm.cuh"
#include "chapters/02_coalesced_gemm/coalesced_gemm.cuh"
#include "chapters/03_shared_memory_gemm/smem_gemm.cuh"
#include "chapters/04_register_tiling_gemm/register_tiling_tiles.hpp"
#include "chapters/05_vectorized_gemm/vectorized_gemm.cuh"
#include "chapters/06_warp_tiling_gemm/warp_tiling_configs.cuh"
#include "chapters/07_wmma_gemm/wmma_gemm.cuh"
#include "chapters/08_mma_sync_gemm/mma_sync_configs.hpp"
#include "chapters/08_mma_sync_gemm/mma_sync_model.hpp"
#include "chapters/09_wgmma_tma_gemm/hopper_layout.hpp"
#include "chapters/09_wgmma_tma_gemm/wgmma_tma_gemm.cuh"
#include "chapters/10_direct_conv/direct_conv.cuh"
#include "chapters/11_tiled_conv/tiled_conv.cuh"
#include "chapters/12_im2col_conv/im2col_conv.cuh"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_map.hpp"
#include "common/conv/index.hpp"
#include "common/conv/problem.hpp"
#include "common/core/atomic_file.hpp"
#include "common/core/cli.hpp"
#include "common/core/cli_parse.hpp"
#include "common/core/warp_access_model.hpp"
#include "common/gemm/mma_layout.hpp"
#include "common/nn/network.hpp"

namespace {

using Json = nlohmann::ordered_json;  // keys in the order written: a stable, readable file
using Grid = std::vector<std::vector<int>>;

constexpr int kWarp = 32;
// Leading dimension (floats) of the example problem whose addresses the ch01/ch02 panels
// show: a multiple of 8, so every row starts on a 32-byte sector (as at 4096³).
constexpr int kExampleLd = 4096;

Grid grid(int rows, int cols, int fill = -1) {
  return Grid(std::size_t(rows), std::vector<int>(std::size_t(cols), fill));
}

Json cell(int row, int col) { return Json::array({row, col}); }

/// The 32-byte sector that byte `byte` of a row-major matrix with `ld` floats per row falls
/// in: its row and first column.
Json sector_of(long long byte, int ld) {
  const long long first = byte / ladder::model::kSectorBytes * ladder::model::kSectorBytes / ladder::model::kFloatBytes;
  return Json::array({int(first / ld), int(first % ld), ladder::model::kSectorBytes / ladder::model::kFloatBytes});
}

// ---- chapters 01 and 02: one element of C per thread, and what warp 0 reads at step p ----

/// `cell_of(t)`: thread t's element of its block's tile (warp_access_model.hpp's maps).
template <class CellOf>
Json warp_map(const char* title, const char* mapping, int tile_rows, int tile_cols, CellOf cell_of) {
  namespace model = ladder::model;
  const int threads = tile_rows * tile_cols, p = 0;
  Grid thread_of = grid(tile_rows, tile_cols);
  for (int t = 0; t < threads; ++t) thread_of[cell_of(t).row][cell_of(t).col] = t;
  Json a_reads = Json::array(), b_reads = Json::array(), a_sectors = Json::array(), b_sectors = Json::array();
  for (int lane = 0; lane < kWarp; ++lane) {  // warp 0: threads 0..31
    const model::Cell c = cell_of(lane);
    a_reads.push_back(cell(c.row, p));  // a[row * lda + p]
    b_reads.push_back(cell(p, c.col));  // b[p * ldb + col]
    const Json a_sector = sector_of((long long)(c.row * kExampleLd + p) * model::kFloatBytes, kExampleLd);
    const Json b_sector = sector_of((long long)(p * kExampleLd + c.col) * model::kFloatBytes, kExampleLd);
    if (std::find(a_sectors.begin(), a_sectors.end(), a_sector) == a_sectors.end()) a_sectors.push_back(a_sector);
    if (std::find(b_sectors.begin(), b_sectors.end(), b_sector) == b_sectors.end()) b_sectors.push_back(b_sector);
  }
  const model::DotStepSectors counts = model::dot_step_sectors(0, cell_of, kExampleLd, kExampleLd, kExampleLd, p);
  return {{"kind", "warp_map"},     {"title", title},
          {"mapping", mapping},     {"tile_rows", tile_rows},
          {"tile_cols", tile_cols}, {"warp_size", kWarp},
          {"thread_of", thread_of}, {"step", p},
          {"ld", kExampleLd},       {"a_reads", a_reads},
          {"b_reads", b_reads},     {"a_sectors", a_sectors},
          {"b_sectors", b_sectors}, {"sectors", {{"a", counts.a}, {"b", counts.b}, {"c", counts.c}}}};
}

Json chapter01() {
  constexpr int rows = ladder::naive::kChapterTileRows, cols = ladder::naive::kChapterTileCols;
  return warp_map("Chapter 01: one thread per element of C, threadIdx.x down the rows",
                  "row = blockIdx.x * blockDim.x + threadIdx.x, col = blockIdx.y * blockDim.y + threadIdx.y", rows,
                  cols, [](int t) { return ladder::model::rows_fastest(t, rows); });
}

Json chapter02() {
  constexpr int tile = ladder::coalesced::kChapterTile;
  return warp_map("Chapter 02: the same work, a warp along a row of C",
                  "row = blockIdx.y * kTile + threadIdx.x / kTile, col = blockIdx.x * kTile + threadIdx.x % kTile",
                  tile, tile, [](int t) { return ladder::model::cols_fastest(t, tile); });
}

// ---- chapter 03: tiles of A and B staged in shared memory, sliding along k ----

Json chapter03() {
  constexpr int tile = ladder::smem::kChapterTile;
  const int m = 4 * tile, n = 4 * tile, k = 4 * tile;  // an example problem of 4 x 4 x 4 tiles
  const int block_row = 1, block_col = 2;              // blockIdx.y, blockIdx.x of the block shown
  Json k0s = Json::array();
  for (int k0 = 0; k0 < k; k0 += tile) k0s.push_back(k0);  // smem_gemm_block's loop over k-tiles
  return {{"kind", "smem_tiles"},
          {"title", "Chapter 03: one block stages a tile of A and a tile of B, k-tile by k-tile"},
          {"tile", tile},
          {"m", m},
          {"n", n},
          {"k", k},
          {"block_row", block_row},
          {"block_col", block_col},
          {"k0", k0s},
          {"current", 1},
          {"threads", tile * tile},
          {"shared_bytes", 2 * tile * tile * int(sizeof(float))}};
}

// ---- chapter 04: thread tiles inside the block tile ----

/// The owner map of a block tile and one thread's elements. `elements(t)` lists thread t's
/// elements of C in the block tile.
template <class ElementsOf>
Json thread_tiles(int rows, int cols, int threads, int highlight, ElementsOf elements) {
  Grid thread_of = grid(rows, cols);
  for (int t = 0; t < threads; ++t)
    for (const auto& e : elements(t)) thread_of[e.row][e.col] = t;
  Json mine = Json::array();
  for (const auto& e : elements(highlight)) mine.push_back(cell(e.row, e.col));
  return {{"rows", rows},           {"cols", cols},        {"threads", threads}, {"warp_size", kWarp},
          {"thread_of", thread_of}, {"thread", highlight}, {"elements", mine}};
}

Json chapter04() {
  using namespace ladder::register_tiling;
  using ladder::model::Cell;
  // 1-D kernel: ty = threadIdx.x / kBN1, tx = threadIdx.x % kBN1; rows ty*kTM1 + i, column tx.
  const auto one_d = [](int t) {
    std::vector<Cell> cells;
    const int ty = t / kBN1, tx = t % kBN1;
    for (int i = 0; i < kTM1; ++i) cells.push_back({ty * kTM1 + i, tx});
    return cells;
  };
  // 2-D kernel: ty = threadIdx.x / (kBN2 / kTN2), tx = threadIdx.x % (kBN2 / kTN2);
  // row = ty * kTM2 + i, col = tx * kTN2 + j.
  const auto two_d = [](int t) {
    std::vector<Cell> cells;
    const int ty = t / (kBN2 / kTN2), tx = t % (kBN2 / kTN2);
    for (int i = 0; i < kTM2; ++i)
      for (int j = 0; j < kTN2; ++j) cells.push_back({ty * kTM2 + i, tx * kTN2 + j});
    return cells;
  };
  const int t1 = 70, t2 = 37, p = 0;  // the threads drawn, and the k-step of the shared reads
  Json a_reads = Json::array(), b_reads = Json::array();
  const int ty = t2 / (kBN2 / kTN2), tx = t2 % (kBN2 / kTN2);
  for (int i = 0; i < kTM2; ++i) a_reads.push_back(cell(ty * kTM2 + i, p));  // a[i] = a_tile[ty * kTM2 + i][p]
  for (int j = 0; j < kTN2; ++j) b_reads.push_back(cell(p, tx * kTN2 + j));  // b[j] = b_tile[p][tx * kTN2 + j]
  Json one = thread_tiles(kBM1, kBN1, kThreads1, t1, one_d);
  one["tm"] = kTM1;
  one["bk"] = kBK1;
  Json two = thread_tiles(kBM2, kBN2, kThreads2, t2, two_d);
  two["tm"] = kTM2;
  two["tn"] = kTN2;
  two["bk"] = kBK2;
  two["step"] = p;
  two["a_reads"] = a_reads;
  two["b_reads"] = b_reads;
  return {{"kind", "thread_tile"},
          {"title", "Chapter 04: each thread owns several elements of C, kept in registers"},
          {"one_d", one},
          {"two_d", two}};
}

// ---- chapter 05: the 8 x 8 thread tile as four 4 x 4 pieces, fed by float4 loads ----

Json chapter05() {
  using namespace ladder::vectorized;
  using ladder::model::Cell;
  const auto place = [](int t) {  // ty = threadIdx.x / (kBN / kTN), tx = threadIdx.x % (kBN / kTN)
    return Cell{t / (kBN / kTN), t % (kBN / kTN)};
  };
  // The kernel's store: row = i < 4 ? ty * 4 + i : kBM / 2 + ty * 4 + i - 4, and the columns
  // tx * 4 + j, kBN / 2 + tx * 4 + j - 4 (store_c4 of acc[i][0..3] and acc[i][4..7]).
  const auto row_of = [](int ty, int i) { return i < 4 ? ty * 4 + i : kBM / 2 + ty * 4 + i - 4; };
  const auto col_of = [](int tx, int j) { return j < 4 ? tx * 4 + j : kBN / 2 + tx * 4 + j - 4; };
  const auto elements = [&](int t) {
    std::vector<Cell> cells;
    const Cell at = place(t);
    for (int i = 0; i < kTM; ++i)
      for (int j = 0; j < kTN; ++j) cells.push_back({row_of(at.row, i), col_of(at.col, j)});
    return cells;
  };
  const int t = 37, p = 0;
  const Cell at = place(t);
  Json out = thread_tiles(kBM, kBN, kThreads, t, elements);
  // Step p's four 128-bit shared loads: a_lo = a_tile[p][ty * 4], a_hi = a_tile[p][kBM / 2 + ty * 4],
  // b_lo = b_tile[p][tx * 4], b_hi = b_tile[p][kBN / 2 + tx * 4]: [first m or n, 4].
  out["a_loads"] = Json::array({Json::array({at.row * 4, 4}), Json::array({kBM / 2 + at.row * 4, 4})});
  out["b_loads"] = Json::array({Json::array({at.col * 4, 4}), Json::array({kBN / 2 + at.col * 4, 4})});
  // Warp 0's b_lo: 16 values of tx, 16-byte pieces side by side.
  const auto b_lo_byte = [&](int thread) { return (long long)(p * kBN + place(thread).col * 4) * 4; };
  const auto a_lo_byte = [&](int thread) { return (long long)(p * (kBM + kPad) + place(thread).row * 4) * 4; };
  out["kind"] = "vector_loads";
  out["title"] = "Chapter 05: one thread's 8 x 8 tile is four 4 x 4 pieces, fed by float4 loads";
  out["tm"] = kTM;
  out["tn"] = kTN;
  out["bk"] = 8;  // the chapter's rung: vectorized_gemm_block<8>
  out["pad"] = kPad;
  out["step"] = p;
  const auto a_lo = ladder::model::warp_addresses(0, a_lo_byte), b_lo = ladder::model::warp_addresses(0, b_lo_byte);
  out["wavefronts"] = {{"a_lo", ladder::model::vector_wavefronts(a_lo, 16)},
                       {"b_lo", ladder::model::vector_wavefronts(b_lo, 16)}};
  out["passes"] = {{"a_lo", ladder::model::shared_load_passes(a_lo, 16)},
                   {"b_lo", ladder::model::shared_load_passes(b_lo, 16)}};
  return out;
}

// ---- chapter 06: block tile -> warp tiles -> one lane's thread tile ----

Json chapter06() {
  using Cfg = ladder::warp_tiling::OneStage;
  using ladder::warp_tiling::LanePlace;
  Grid warp_of = grid(Cfg::kBM, Cfg::kBN), lane_of = grid(Cfg::kBM, Cfg::kBN);
  for (int thread = 0; thread < Cfg::kThreads; ++thread) {
    const int warp = thread / kWarp, lane = thread % kWarp;
    const LanePlace p = Cfg::place(warp, lane);
    for (int i = 0; i < Cfg::kTM; ++i)
      for (int j = 0; j < Cfg::kTN; ++j) {
        const int r = ladder::warp_tiling::thread_row<Cfg>(p, i), c = ladder::warp_tiling::thread_col<Cfg>(p, j);
        warp_of[r][c] = warp;
        lane_of[r][c] = lane;
      }
  }
  Json warp_origins = Json::array();
  for (int warp = 0; warp < Cfg::kThreads / kWarp; ++warp) {
    const LanePlace p = Cfg::place(warp, 0);
    warp_origins.push_back(cell(p.row, p.col));
  }
  return {{"kind", "warp_tiling"},
          {"title", "Chapter 06: block tile, warp tiles, and one lane's 8 x 8 thread tile"},
          {"config", "OneStage (06a; every step has the same tiles)"},
          {"bm", Cfg::kBM},
          {"bn", Cfg::kBN},
          {"bk", Cfg::kBK},
          {"wm", Cfg::kWM},
          {"wn", Cfg::kWN},
          {"tm", Cfg::kTM},
          {"tn", Cfg::kTN},
          {"lanes_m", Cfg::kLanesM},
          {"lanes_n", Cfg::kLanesN},
          {"threads", Cfg::kThreads},
          {"warp_origins", warp_origins},
          {"warp_of", warp_of},
          {"lane_of", lane_of},
          {"warp", 0},
          {"lane", 5}};
}

// ---- chapter 07: the block tile of 07b, in warps and WMMA fragments ----

Json chapter07() {
  using Cfg = ladder::wmma_gemm::BlockTile07b;
  Grid warp_of = grid(Cfg::kBM, Cfg::kBN);
  Json warps = Json::array();
  for (int warp = 0; warp < Cfg::kWarps; ++warp) {
    const ladder::wmma_gemm::WarpPlace at = Cfg::warp_place(warp);
    warps.push_back(cell(at.row, at.col));
    // acc[i][j] of this warp covers rows at.row + 16 i and columns at.col + 16 j (block_tile_kernel)
    for (int i = 0; i < Cfg::kFragsM; ++i)
      for (int j = 0; j < Cfg::kFragsN; ++j)
        for (int r = 0; r < ladder::wmma_gemm::kFragM; ++r)
          for (int c = 0; c < ladder::wmma_gemm::kFragN; ++c)
            warp_of[at.row + i * ladder::wmma_gemm::kFragM + r][at.col + j * ladder::wmma_gemm::kFragN + c] = warp;
  }
  return {{"kind", "wmma_block_tile"},
          {"title", "Chapter 07: 07b's block tile, in warps and 16 x 16 accumulator fragments"},
          {"config", "BlockTile07b = BlockTileConfig<128, 128, 32, 64, 32, 3>"},
          {"bm", Cfg::kBM},
          {"bn", Cfg::kBN},
          {"bk", Cfg::kBK},
          {"wm", Cfg::kWM},
          {"wn", Cfg::kWN},
          {"frag", ladder::wmma_gemm::kFragM},
          {"frags_m", Cfg::kFragsM},
          {"frags_n", Cfg::kFragsN},
          {"threads", Cfg::kThreads},
          {"stages", Cfg::kStages},
          {"lda", Cfg::kLdA},
          {"ldb", Cfg::kLdB},
          {"smem_bytes", Cfg::kSmemBytes},
          {"warps", warps},
          {"warp_of", warp_of},
          {"warp", 0}};
}

// ---- chapter 08: the m16n8k16 fragments ----

Json chapter08() {
  namespace mma = ladder::mma;
  const auto table = [](int elements, auto element_of) {
    Json rows = Json::array();
    for (int lane = 0; lane < mma::kWarpSize; ++lane)
      for (int e = 0; e < elements; ++e) {
        const mma::RowCol at = element_of(lane, e);
        rows.push_back(Json::array({lane, e, at.row, at.col}));  // [lane, element, row, col]
      }
    return rows;
  };
  return {{"kind", "mma_fragments"},
          {"title", "Chapter 08: who holds what in mma.sync.m16n8k16 (bf16 A and B, fp32 C)"},
          {"m", mma::kMmaM},
          {"n", mma::kMmaN},
          {"k", mma::kMmaK},
          {"a", table(mma::kAElementsPerLane, mma::a_fragment_element)},
          {"b", table(mma::kBElementsPerLane, mma::b_fragment_element)},
          {"c", table(mma::kCElementsPerLane, mma::c_fragment_element)}};
}

// ---- chapter 08: the shared tiles' layouts and one ldmatrix phase's bank groups ----

/// The first 8 rows of a shared tile as it sits in memory: for each 16-byte slot of a row,
/// the logical chunk stored there (-1: padding) and its bank group; and the bank groups of
/// one ldmatrix phase, logical chunk 0 of rows 0-7, with the conflict that gives.
template <class OffsetOf>
Json tile_layout(const char* name, int chunks_per_row, int row_elements, OffsetOf offset_of) {
  namespace mma = ladder::mma;
  constexpr int kRows = 8;
  const int slots = row_elements / mma::kChunkElements;
  Json rows = Json::array();
  std::array<int, kRows> phase_bytes{};
  for (int row = 0; row < kRows; ++row) {
    std::vector<int> logical(std::size_t(slots), -1);
    for (int chunk = 0; chunk < chunks_per_row; ++chunk) {
      const int offset = offset_of(row, chunk * mma::kChunkElements);  // in bf16, from the tile's start
      logical[std::size_t(offset / mma::kChunkElements - row * slots)] = chunk;
      if (chunk == 0) phase_bytes[std::size_t(row)] = 2 * offset;
    }
    Json line = Json::array();
    for (int slot = 0; slot < slots; ++slot)
      line.push_back(Json::array(
          {logical[std::size_t(slot)], mma::bank_group(2 * (row * row_elements + slot * mma::kChunkElements))}));
    rows.push_back(line);
  }
  Json phase_groups = Json::array();
  for (int byte : phase_bytes) phase_groups.push_back(mma::bank_group(byte));
  return {{"name", name},
          {"slots", slots},
          {"rows", rows},
          {"phase_groups", phase_groups},
          {"ways", ladder::mma_sync::model::phase_conflict_ways(phase_bytes)}};
}

template <class Tile>
Json tile_layouts(const char* operand) {
  using ladder::mma_sync::Padded;
  using ladder::mma_sync::Swizzled;
  using PaddedTile = std::conditional_t<Tile::kRows == Padded::kBM, Padded::ATile, Padded::BTile>;
  const int cols = Tile::kCols;
  return {{"operand", operand},
          {"rows", Tile::kRows},
          {"cols", cols},
          {"layouts",
           {tile_layout("row-major, unpadded", cols / ladder::mma::kChunkElements, cols,
                        [cols](int row, int col) { return row * cols + col; }),
            tile_layout("08a: padded rows", PaddedTile::kChunksPerRow, PaddedTile::kRowElements,
                        [](int row, int col) { return PaddedTile::offset(row, col); }),
            tile_layout("08b on: swizzled", Tile::kChunksPerRow, Tile::kRowElements,
                        [](int row, int col) { return Tile::offset(row, col); })}}};
}

Json chapter08_layouts() {
  using ladder::mma_sync::Swizzled;
  static_assert(Swizzled::kBM != Swizzled::kBK, "tile_layouts tells A from B by its row count");
  return {{"kind", "shared_layouts"},
          {"title", "Chapter 08: one ldmatrix phase against the banks, in three layouts"},
          {"bank_groups", ladder::mma::kBankGroups},
          {"tiles", {tile_layouts<Swizzled::ATile>("A"), tile_layouts<Swizzled::BTile>("B")}}};
}

// ---- chapter 09: the 128-byte swizzle ----

Json chapter09() {
  namespace hopper = ladder::hopper;
  constexpr int kChunks = hopper::kSw128RowBytes / hopper::kChunkBytes;
  Grid stored_at = grid(hopper::kSw128AtomRows, kChunks);  // [row][logical chunk] -> physical chunk
  for (int row = 0; row < hopper::kSw128AtomRows; ++row)
    for (int chunk = 0; chunk < kChunks; ++chunk) {
      const int logical_byte = row * hopper::kSw128RowBytes + chunk * hopper::kChunkBytes;
      const int stored_byte = hopper::swizzle_128b(logical_byte);
      if (stored_byte / hopper::kSw128RowBytes != row) throw std::logic_error("ch09: the swizzle left its row");
      stored_at[std::size_t(row)][std::size_t(chunk)] = stored_byte % hopper::kSw128RowBytes / hopper::kChunkBytes;
    }
  return {{"kind", "swizzle_128b"},
          {"title", "Chapter 09: the 128-byte swizzle that TMA writes and wgmma reads"},
          {"rows", hopper::kSw128AtomRows},
          {"chunks", kChunks},
          {"chunk_bytes", hopper::kChunkBytes},
          {"row_elements", hopper::kSw128RowElements},
          {"atom_bytes", hopper::kSw128AtomBytes},
          {"stored_at", stored_at}};
}

/// 09b's producer, ring and consumers, from Tile09b itself. The per-k-tile rows repeat
/// warp_specialized_kernel's expressions: stage t % kStages; the consumers wait for phase
/// parity (t / kStages) % 2 of full[s]; the producer, from the second round on, for parity
/// (round - 1) % 2 of empty[s].
Json chapter09_pipeline() {
  using Cfg = ladder::wgmma::Tile09b;
  static_assert(Cfg::kProducer && !Cfg::kPersistent, "the diagram shows 09b: a producer, one tile per CTA");
  Json k_tiles = Json::array();
  for (int t = 0; t < 2 * Cfg::kStages; ++t) {
    const int round = t / Cfg::kStages;
    k_tiles.push_back({{"t", t},
                       {"stage", t % Cfg::kStages},
                       {"full_parity", round % 2},
                       {"empty_parity", round > 0 ? Json((round - 1) % 2) : Json(nullptr)}});
  }
  return {{"kind", "warp_specialized_ring"},
          {"title", "Chapter 09b: one producer, a ring of stages, two consumers"},
          {"bm", Cfg::kBM},
          {"bn", Cfg::kBN},
          {"bk", Cfg::kBK},
          {"stages", Cfg::kStages},
          {"consumers", Cfg::kConsumers},
          {"warpgroup_threads", Cfg::kWarpgroupThreads},
          {"rows_per_consumer", Cfg::kBM / Cfg::kConsumers},
          {"wgmma_n", Cfg::kWgmmaN},
          {"wgmma_per_k_tile", Cfg::kMBlocks * (Cfg::kBK / 16)},  // k = 16 per wgmma
          {"a_tile_bytes", Cfg::kATileBytes},
          {"b_tile_bytes", Cfg::kBBoxes * Cfg::kBBoxBytes},
          {"stage_bytes", Cfg::kStageBytes},
          {"smem_bytes", Cfg::kSmemBytes},
          {"empty_arrivals", Cfg::kConsumerWarps},  // the count empty[s] is initialised with
          {"producer_registers", Cfg::kProducerRegisters},
          {"consumer_registers", Cfg::kConsumerRegisters},
          {"k_tiles", k_tiles}};
}

/// A small convolution's sizes, as the conv diagrams name them.
Json conv_sizes(const ladder::ConvProblem& pr) {
  return {{"h", pr.h}, {"w", pr.w}, {"p", pr.p()}, {"q", pr.q()}, {"r", pr.r}, {"s", pr.s}, {"padding", pr.padding}};
}

// ---- chapter 10: which outputs a warp owns, and what it reads at one tap ----

Json chapter10() {
  ladder::ConvProblem pr;
  pr.n = pr.c = 1;
  pr.h = 6;  // 6 x 36 outputs: Q is not a multiple of 32, so warp 1 spans two output rows
  pr.w = 36;
  pr.k = 2;
  pr.r = pr.s = 3;
  pr.stride = 1;
  pr.padding = 1;
  if (auto reason = ladder::invalid_reason(pr)) throw std::runtime_error("ch10 example: " + *reason);
  Grid warp_of = grid(pr.p(), pr.q());
  for (long long index = 0; index < static_cast<long long>(pr.p()) * pr.q(); ++index) {
    const ladder::direct::OutputElement out = ladder::direct::output_element(pr, index);
    if (out.k != 0 || out.n != 0) throw std::logic_error("ch10: the first P*Q threads are not image 0, channel 0");
    warp_of[std::size_t(out.p)][std::size_t(out.q)] = int(index / kWarp);
  }
  const int tap_r = 1, tap_s = 0;  // the tap shown: the middle filter row, its left column
  Json warps = Json::array();
  for (int warp = 0; warp < 2; ++warp) {
    Json reads = Json::array();  // [p, q, h, w, inside] per lane
    const auto input_byte = [&](int thread) -> long long {
      const ladder::direct::OutputElement out = ladder::direct::output_element(pr, thread);
      const int h = ladder::conv::input_row(pr, out.p, tap_r), w = ladder::conv::input_col(pr, out.q, tap_s);
      if (!ladder::conv::inside_image(pr, h, w)) return -1;  // the kernel skips this tap
      return static_cast<long long>(ladder::conv::nchw_offset(pr, out.n, 0, h, w)) * ladder::model::kFloatBytes;
    };
    const auto weight_byte = [&](int thread) -> long long {
      const ladder::direct::OutputElement out = ladder::direct::output_element(pr, thread);
      return static_cast<long long>(ladder::conv::kcrs_offset(pr, out.k, 0, tap_r, tap_s)) * ladder::model::kFloatBytes;
    };
    for (int lane = 0; lane < kWarp; ++lane) {
      const ladder::direct::OutputElement out = ladder::direct::output_element(pr, warp * kWarp + lane);
      const int h = ladder::conv::input_row(pr, out.p, tap_r), w = ladder::conv::input_col(pr, out.q, tap_s);
      reads.push_back(Json::array({out.p, out.q, h, w, ladder::conv::inside_image(pr, h, w)}));
    }
    warps.push_back({{"warp", warp},
                     {"reads", reads},
                     {"input_sectors", ladder::model::sectors(ladder::model::warp_addresses(warp, input_byte))},
                     {"weight_sectors", ladder::model::sectors(ladder::model::warp_addresses(warp, weight_byte))}});
  }
  Json diagram = {{"kind", "direct_conv_warps"},
                  {"title", "Chapter 10: one thread per output, and what a warp reads at one tap"}};
  diagram.update(conv_sizes(pr));
  diagram.update({{"tap", Json::array({tap_r, tap_s})}, {"warp_of", warp_of}, {"warps", warps}});
  return diagram;
}

// ---- chapter 11: output tiles and the halos they stage ----

Json chapter11() {
  namespace tiled = ladder::tiled;
  ladder::ConvProblem pr;
  pr.n = pr.c = pr.k = 1;
  pr.h = 12;  // 12 x 56 outputs: 2 x 2 tiles of 8 x 32, the last row and column of tiles ragged
  pr.w = 56;
  pr.r = pr.s = 3;
  pr.stride = 1;
  pr.padding = 1;
  if (auto reason = ladder::invalid_reason(pr)) throw std::runtime_error("ch11 example: " + *reason);
  Json blocks = Json::array();
  const long long count = tiled::block_count(pr, tiled::kTileP, 1);
  for (int block = 0; block < int(count); ++block) {
    const tiled::BlockWork work = tiled::block_work(pr, block, tiled::kTileP, 1);
    const tiled::HaloTile halo = tiled::halo_tile(pr, work.p0, work.q0, tiled::kTileP);
    Grid zero = grid(halo.rows.count, halo.cols.count, 0);  // 1 where the block stages a zero
    for (int i = 0; i < halo.rows.count; ++i)
      for (int j = 0; j < halo.cols.count; ++j)
        zero[std::size_t(i)][std::size_t(j)] = tiled::halo_source(pr, halo, i, j) < 0;
    blocks.push_back({{"block", block},
                      {"p0", work.p0},
                      {"q0", work.q0},
                      {"halo_rows", Json::array({halo.rows.first, halo.rows.count})},
                      {"halo_cols", Json::array({halo.cols.first, halo.cols.count})},
                      {"zero", zero}});
  }
  // Thread (tp, tq) of block 0 reads the halo from thread_halo_origin on, one row of S taps per
  // filter row: its window, as halo (row, column).
  const int tp = 4, tq = 12;
  const tiled::HaloTile halo0 = tiled::halo_tile(pr, 0, 0, tiled::kTileP);
  const int origin = tiled::thread_halo_origin(pr, halo0.cols.count, tp, tq);
  Json window = Json::array();
  for (int r = 0; r < pr.r; ++r)
    for (int s = 0; s < pr.s; ++s) {
      const int e = origin + r * halo0.cols.count + s;
      window.push_back(cell(halo0.rows.first + e / halo0.cols.count, halo0.cols.first + e % halo0.cols.count));
    }
  Json diagram = {{"kind", "halo_tiles"}, {"title", "Chapter 11: output tiles, and the input halo each block stages"}};
  diagram.update(conv_sizes(pr));
  diagram.update({{"tile_p", tiled::kTileP},
                  {"tile_q", tiled::kTileQ},
                  {"blocks", blocks},
                  {"thread", Json::array({tp, tq})},
                  {"window", window}});
  return diagram;
}

// ---- chapters 12 and 13: the lowered matrix, built (im2col) or gathered (implicit GEMM) ----

/// A small convolution whose lowered matrix stays legible: one image, stride 1.
ladder::ConvProblem small_conv(int c, int side, int padding) {
  ladder::ConvProblem pr;
  pr.n = 1;
  pr.c = c;
  pr.h = pr.w = side;
  pr.k = 2;  // the output channels are B's columns: neither diagram draws them
  pr.r = pr.s = 3;
  pr.stride = 1;
  pr.padding = padding;
  return pr;
}

Json position(const ladder::conv::OutputPosition& at) { return Json::array({at.n, at.p, at.q}); }

/// The output position whose row is highlighted, and the input pixels (h, w) its R x S filter covers.
Json receptive_field(const ladder::ConvProblem& pr, const ladder::conv::OutputPosition& at) {
  namespace conv = ladder::conv;
  Json taps = Json::array();
  for (int r = 0; r < pr.r; ++r)
    for (int s = 0; s < pr.s; ++s) {
      const int h = conv::input_row(pr, at.p, r), w = conv::input_col(pr, at.q, s);
      taps.push_back(Json::array({r, s, h, w, conv::inside_image(pr, h, w)}));  // [r, s, h, w, inside]
    }
  return {{"row", conv::im2col_row(pr, at.n, at.p, at.q)}, {"position", position(at)}, {"taps", taps}};
}

Json chapter12() {
  namespace conv = ladder::conv;
  const ladder::ConvProblem pr = small_conv(2, 4, 1);
  if (auto reason = ladder::invalid_reason(pr)) throw std::runtime_error("ch12 example: " + *reason);
  // x[i] = i + 1: the kernel's element function then returns 1 + the offset in x of the value
  // it copies, or 0 in the padding (lowered_value reads x, it never writes it).
  std::vector<float> x(pr.input_elements());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i + 1);
  const int rows = int(pr.gemm_m()), taps = pr.gemm_k();
  Grid source = grid(rows, taps);  // offset in x (NCHW) of lowered[row][tap], -1 for a padding zero
  for (int row = 0; row < rows; ++row)
    for (int tap = 0; tap < taps; ++tap)
      source[row][tap] = int(ladder::im2col::lowered_value(pr, x.data(), row, tap)) - 1;
  Json positions = Json::array(), filter_taps = Json::array(), pixels = Json::array();
  for (int row = 0; row < rows; ++row) positions.push_back(position(conv::output_position(pr, row)));
  for (int tap = 0; tap < taps; ++tap) {
    const conv::FilterTap t = conv::filter_tap_crs(pr, tap);
    filter_taps.push_back(Json::array({t.c, t.r, t.s}));
  }
  for (int c = 0; c < pr.c; ++c) {  // pixels[c][h][w]: its offset in x, NCHW
    Grid plane = grid(pr.h, pr.w);
    for (int h = 0; h < pr.h; ++h)
      for (int w = 0; w < pr.w; ++w) plane[h][w] = int(conv::nchw_offset(pr, 0, c, h, w));
    pixels.push_back(plane);
  }
  return {{"kind", "im2col"},
          {"title", "Chapter 12: im2col copies each output position's input patch into one row"},
          {"describe", ladder::describe(pr)},
          {"n", pr.n},
          {"c", pr.c},
          {"h", pr.h},
          {"w", pr.w},
          {"r", pr.r},
          {"s", pr.s},
          {"padding", pr.padding},
          {"p", pr.p()},
          {"q", pr.q()},
          {"positions", positions},
          {"taps", filter_taps},
          {"pixels", pixels},
          {"source", source},
          {"highlight", receptive_field(pr, {0, 0, 1})}};
}

Json chapter13() {
  namespace conv = ladder::conv;
  namespace ig = ladder::implicit_gemm;
  const ladder::ConvProblem pr = small_conv(ig::kChunkElements, 5, 1);
  if (auto reason = ig::implicit_gemm_unsupported_reason(pr)) throw std::runtime_error("ch13 example: " + *reason);
  const int rows = int(pr.gemm_m()), chunks = pr.gemm_k() / ig::kChunkElements;
  // Which pixel (n, h, w) and channel starts at each offset of x (NHWC): nhwc_offset inverted.
  std::vector<std::vector<int>> element(pr.input_elements());
  for (int h = 0; h < pr.h; ++h)
    for (int w = 0; w < pr.w; ++w)
      for (int c = 0; c < pr.c; ++c) element[std::size_t(conv::nhwc_offset(pr, 0, c, h, w))] = {0, h, w, c};
  Json source = Json::array();  // per row, per chunk: [offset, n, h, w, c] in x, or null for 16 zero bytes
  for (int row = 0; row < rows; ++row) {
    Json line = Json::array();
    const ig::RowGather decoded = ig::row_gather(pr, row);  // 13b: the row decoded once, a cursor over the taps
    ig::TapCursor cursor = ig::tap_cursor(pr, 0);
    for (int j = 0; j < chunks; ++j, ig::advance(pr, cursor, ig::kChunkElements)) {
      const ig::GatherSource from = ig::a_chunk_source(pr, row, j * ig::kChunkElements);
      if (!(ig::a_chunk_source(pr, decoded, cursor) == from))
        throw std::runtime_error("ch13 example: 13b's hoisted gather disagrees with a_chunk_source");
      if (from.zero) {
        line.push_back(nullptr);
      } else {
        const std::vector<int>& e = element[std::size_t(from.offset)];
        line.push_back(Json::array({from.offset, e[0], e[1], e[2], e[3]}));
      }
    }
    source.push_back(line);
  }
  Json positions = Json::array(), chunk_taps = Json::array(), pixels = Json::array();
  for (int row = 0; row < rows; ++row) positions.push_back(position(conv::output_position(pr, row)));
  for (int j = 0; j < chunks; ++j) {  // each chunk's first step, as a tap in RSC order
    const int k0 = j * ig::kChunkElements;
    const conv::FilterTap t = conv::filter_tap_rsc(pr, k0);
    chunk_taps.push_back(Json::array({k0, t.c, t.r, t.s}));
  }
  for (int h = 0; h < pr.h; ++h) {  // pixels[h][w]: the offset of its channel 0 in x, NHWC
    std::vector<long long> line;
    for (int w = 0; w < pr.w; ++w) line.push_back(conv::nhwc_offset(pr, 0, 0, h, w));
    pixels.push_back(line);
  }
  return {{"kind", "implicit_gemm_gather"},
          {"title", "Chapter 13: each 16-byte chunk of A is one cp.async from one input pixel"},
          {"describe", ladder::describe(pr) + ", bf16, NHWC"},
          {"n", pr.n},
          {"c", pr.c},
          {"h", pr.h},
          {"w", pr.w},
          {"r", pr.r},
          {"s", pr.s},
          {"padding", pr.padding},
          {"gemm_m", pr.gemm_m()},
          {"gemm_k", pr.gemm_k()},
          {"chunk_elements", ig::kChunkElements},
          {"chunk_bytes", ladder::mma::kChunkBytes},
          {"positions", positions},
          {"chunk_taps", chunk_taps},
          {"pixels", pixels},
          {"source", source},
          {"highlight", receptive_field(pr, {0, 1, 0})}};
}

// ---- chapter 14: the network ----

Json chapter14() {
  namespace nn = ladder::nn;
  const nn::LeNetConfig config;  // the chapter's network
  nn::LeNet<float> net(config, 1);
  const nn::Tensor<float> logits = net.forward(nn::Tensor<float>({1, 1, config.image_size, config.image_size}));
  std::vector<nn::ActivationShape> tensors = net.activation_shapes();
  tensors.push_back({"fc3", logits.shape});
  Json layers = Json::array();
  for (const nn::ActivationShape& a : tensors) {
    Json layer = {{"name", a.layer}, {"shape", std::vector<int>(a.shape.begin() + 1, a.shape.end())}};  // per image
    if (a.layer == "conv1" || a.layer == "conv2") {
      const nn::Conv2dParams& conv = a.layer == "conv1" ? nn::kLeNetConv1 : nn::kLeNetConv2;
      layer["kernel"] = nn::kLeNetKernel;
      layer["stride"] = conv.stride;
      layer["padding"] = conv.padding;
    } else if (a.layer.rfind("pool", 0) == 0) {
      layer["window"] = nn::kLeNetPool.window;
      layer["stride"] = nn::kLeNetPool.stride;
    }
    long long parameters = 0;  // weight and bias of this layer
    for (const nn::Parameter<float>* p : net.parameters())
      if (p->name.rfind(a.layer + ".", 0) == 0) parameters += (long long)p->value.size();
    if (parameters > 0) layer["parameters"] = parameters;
    layers.push_back(layer);
  }
  long long total = 0;
  for (const nn::Parameter<float>* p : net.parameters()) total += (long long)p->value.size();
  return {{"kind", "network"},
          {"title", "Chapter 14: the LeNet-5-style network, with the shape of each tensor for one image"},
          {"describe", config.describe()},
          {"parameters", total},
          {"layers", layers}};
}

}  // namespace

int main(int argc, char** argv) {
  return ladder::exit_status_of("diagram_data", [&] {
    CLI::App app{
        "The lessons' mapping diagrams as JSON, from the kernels' own constants and index functions "
        "(docs/diagrams/draw.py draws them)."};
    std::string out_path;
    app.add_option("--out", out_path, "Write the JSON to FILE (atomically) instead of stdout");
    ladder::parse_or_throw(app, argc, argv);
    const Json data = {{"generator", "docs/diagrams/diagram_data.cu"},
                       {"diagrams",
                        {{"ch01_thread_map", chapter01()},
                         {"ch02_coalesced_map", chapter02()},
                         {"ch03_smem_tiles", chapter03()},
                         {"ch04_thread_tile", chapter04()},
                         {"ch05_vector_loads", chapter05()},
                         {"ch06_warp_tiling", chapter06()},
                         {"ch07_block_tile", chapter07()},
                         {"ch08_mma_fragments", chapter08()},
                         {"ch08_shared_layouts", chapter08_layouts()},
                         {"ch09_swizzle_128b", chapter09()},
                         {"ch09_warp_specialized_ring", chapter09_pipeline()},
                         {"ch10_direct_warps", chapter10()},
                         {"ch11_halo_tiles", chapter11()},
                         {"ch12_im2col", chapter12()},
                         {"ch13_implicit_gemm_gather", chapter13()},
                         {"ch14_network", chapter14()}}}};
    const std::string text = data.dump() + "\n";
    if (out_path.empty()) {
      std::cout << text;
      return std::cout.flush() ? 0 : 1;
    }
    ladder::write_file_atomically(out_path, text);  // throws, naming the file, if it cannot
    return 0;
  });
}
