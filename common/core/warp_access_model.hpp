/// \file common/core/warp_access_model.hpp
/// \brief What one warp's memory instruction costs: 32-byte sectors of global memory, and
/// wavefronts of shared memory through its banks and its return path, counted from the 32
/// addresses of its lanes.
///
/// A host model, unit-tested on the CPU (common/core/tests/test_warp_access_model.cpp), that
/// backs the sector and shared-memory counts of the lessons and worked solutions (chapters 01
/// to 06 and 11). It follows the same index maps as the kernels; what a GPU really does is
/// measured with Nsight Compute (the lessons name the metrics).
#pragma once

#include <array>

namespace ladder::model {

inline constexpr int kWarpSize = 32;
inline constexpr int kSectorBytes = 32;  // global memory moves in 32-byte sectors
inline constexpr int kBanks = 32;        // shared memory: 32 banks, 4 bytes wide
inline constexpr int kFloatBytes = 4;

/// The byte address each lane of one warp instruction accesses; -1 for a lane that takes no part.
using WarpAddresses = std::array<long long, kWarpSize>;

/// The addresses of warp `warp` of a block: thread t = 32 * warp + lane accesses `byte_of(t)`.
template <class ByteOf>
constexpr WarpAddresses warp_addresses(int warp, ByteOf byte_of) {
  WarpAddresses bytes{};
  for (int lane = 0; lane < kWarpSize; ++lane) bytes[lane] = byte_of(warp * kWarpSize + lane);
  return bytes;
}

/// Distinct 32-byte sectors the instruction touches: what a global load or store costs.
constexpr int sectors(const WarpAddresses& bytes) {
  int count = 0;
  for (int lane = 0; lane < kWarpSize; ++lane) {
    bool seen = bytes[lane] < 0;
    for (int other = 0; other < lane && !seen; ++other)
      seen = bytes[other] >= 0 && bytes[other] / kSectorBytes == bytes[lane] / kSectorBytes;
    count += !seen;
  }
  return count;
}

/// Wavefronts (passes over the 32 banks) of a 4-byte shared-memory access: the most
/// distinct words any one bank must deliver. Lanes reading the same word share one
/// delivery (broadcast), so 1 means conflict-free and n means an n-way conflict.
constexpr int wavefronts(const WarpAddresses& bytes) {
  std::array<int, kBanks> words_in_bank{};
  int most = 0;
  for (int lane = 0; lane < kWarpSize; ++lane) {
    bool seen = bytes[lane] < 0;
    for (int other = 0; other < lane && !seen; ++other)  // an inactive lane (-1) shares no word: -1 / 4 is 0
      seen = bytes[other] >= 0 && bytes[other] / kFloatBytes == bytes[lane] / kFloatBytes;
    if (seen) continue;
    const int bank = int(bytes[lane] / kFloatBytes % kBanks);
    most = ++words_in_bank[bank] > most ? words_in_bank[bank] : most;
  }
  return most;
}

/// Wavefronts of a shared-memory load of `width_bytes` (4, 8 or 16) per lane,
/// each lane reading the consecutive words from its address on: the most
/// distinct words any one bank must deliver, and never fewer than the distinct
/// bytes need at 128 per pass. A 16-byte load (LDS.128) whose 32 lanes ask for
/// 32 different pieces therefore takes at least 4 wavefronts; one piece shared
/// by all lanes (a broadcast) takes 1.
///
/// This treats the warp's request as one. NVIDIA does not document how wide
/// accesses are split; a common model (the one CUTLASS's layouts are built
/// for) serves a 16-byte access in four phases of 8 lanes and an 8-byte one in
/// two of 16, conflict-free only within each, so a broadcast would cost one
/// pass per phase. The H200's counters fit a blend (shared_load_passes): the
/// phases' conflicts times the return path's passes, which a broadcast halves.
/// It counts the banks only, and shared_load_passes keeps it as a floor.
constexpr int vector_wavefronts(const WarpAddresses& bytes, int width_bytes) {
  constexpr int kMaxWords = kWarpSize * 4;
  std::array<long long, kMaxWords> words{};
  int distinct = 0;
  for (int lane = 0; lane < kWarpSize; ++lane) {
    if (bytes[lane] < 0) continue;
    for (int w = 0; w < width_bytes / kFloatBytes; ++w) {
      const long long word = bytes[lane] / kFloatBytes + w;
      bool seen = false;
      for (int other = 0; other < distinct && !seen; ++other) seen = words[other] == word;
      if (!seen) words[distinct++] = word;
    }
  }
  std::array<int, kBanks> words_in_bank{};
  int most = 0;
  for (int k = 0; k < distinct; ++k) {
    const int bank = int(words[k] % kBanks);
    most = ++words_in_bank[bank] > most ? words_in_bank[bank] : most;
  }
  const int passes_for_bytes = (distinct * kFloatBytes + 127) / 128;
  return most > passes_for_bytes ? most : passes_for_bytes;
}

/// True when every lane that takes part reads what lane `lane ^ partner` reads
/// (a lane whose partner takes no part is left alone).
constexpr bool lanes_pair_up(const WarpAddresses& bytes, int partner) {
  for (int lane = 0; lane < kWarpSize; ++lane) {
    const long long other = bytes[lane ^ partner];
    if (bytes[lane] >= 0 && other >= 0 && other != bytes[lane]) return false;
  }
  return true;
}

/// Passes the return path needs for a shared-memory load of `width_bytes` (4, 8
/// or 16) per lane. Shared memory hands the warp 128 bytes a clock, one
/// 4-byte register of every lane, so a load filling w registers a lane takes w
/// passes whatever it reads, or w / 2 when the lanes pair up on addresses:
/// every lane reads what lane n ^ 1 reads, or every lane what lane n ^ 2 reads
/// (a broadcast is both). NVIDIA engineers have stated this rule on NVIDIA's
/// forums for compute capability 7.x
/// (https://forums.developer.nvidia.com/t/unexpected-shared-memory-bank-conflict/77228/2);
/// that later GPUs keep it is an
/// assumption, which Nsight Compute's shared-load wavefront counter tests.
constexpr int return_passes(const WarpAddresses& bytes, int width_bytes) {
  const int registers = width_bytes / kFloatBytes;
  const bool paired = lanes_pair_up(bytes, 1) || lanes_pair_up(bytes, 2);
  return registers > 1 && paired ? registers / 2 : registers;
}

/// Lanes that one pass over the banks serves for a load of `width_bytes` per lane: 128
/// bytes a pass, so 32 lanes of 4 bytes, 16 of 8, or 8 of 16.
constexpr int lanes_per_phase(int width_bytes) { return kWarpSize * kFloatBytes / width_bytes; }

/// The worst bank conflict inside one phase of lanes (lanes 0-7, 8-15, ... of a 16-byte
/// load): the most distinct words any bank must deliver to one phase.
constexpr int phase_conflict(const WarpAddresses& bytes, int width_bytes) {
  const int lanes = lanes_per_phase(width_bytes);
  int worst = 1;
  for (int first = 0; first < kWarpSize; first += lanes) {
    WarpAddresses phase{};
    for (int lane = 0; lane < kWarpSize; ++lane) phase[lane] = lane >= first && lane < first + lanes ? bytes[lane] : -1;
    const int conflict = vector_wavefronts(phase, width_bytes);
    worst = conflict > worst ? conflict : worst;
  }
  return worst;
}

/// Passes a shared-memory load takes: the return path's passes (return_passes) times the
/// worst bank conflict inside one phase of lanes (phase_conflict), and never fewer than the
/// whole warp's bank count (vector_wavefronts). An empirical rule, not a documented one: it
/// fits every shared load the H200 profiles measured, among them chapter 04's 2-D B loads
/// (4 passes × a 2-way conflict inside each 8-lane phase: 8 wavefronts, where the larger of
/// the bank and return-path counts, this model's rule until then, gave 4), the broadcasts of
/// chapters 03 and 04 (paired, 2) and chapters 05 and 06 (2 and 4, no conflict in a phase).
constexpr int shared_load_passes(const WarpAddresses& bytes, int width_bytes) {
  const int banks = vector_wavefronts(bytes, width_bytes);
  const int passes = return_passes(bytes, width_bytes) * phase_conflict(bytes, width_bytes);
  return banks > passes ? banks : passes;
}

/// An element of a tile of C: the one a thread computes.
struct Cell {
  int row, col;
};

/// Chapter 01's map: threadIdx.x along rows. In a block of block_rows × block_cols
/// threads (blockDim.x = block_rows), thread t = threadIdx.x + threadIdx.y * blockDim.x.
constexpr Cell rows_fastest(int t, int block_rows) { return {t % block_rows, t / block_rows}; }

/// Chapter 02's map: thread t of a 1-D block over a tile tile_cols wide takes row
/// t / tile_cols and column t % tile_cols (chapter 03 stages its tiles the same way).
constexpr Cell cols_fastest(int t, int tile_cols) { return {t / tile_cols, t % tile_cols}; }

/// Sectors of one step p of a one-element-per-thread dot product (chapters 01 and 02)
/// for one warp: the load of A(row, p), the load of B(p, col), and the final store of C.
struct DotStepSectors {
  int a, b, c;
};

/// `cell_of(t)` gives thread t's element of C; the block sits at the matrix origin,
/// so with leading dimensions that are multiples of 8 floats every block is alike.
template <class CellOf>
constexpr DotStepSectors dot_step_sectors(int warp, CellOf cell_of, int lda, int ldb, int ldc, int p) {
  const auto a = [&](int t) { return (long long)(cell_of(t).row * lda + p) * kFloatBytes; };
  const auto b = [&](int t) { return (long long)(p * ldb + cell_of(t).col) * kFloatBytes; };
  const auto c = [&](int t) { return (long long)(cell_of(t).row * ldc + cell_of(t).col) * kFloatBytes; };
  return {sectors(warp_addresses(warp, a)), sectors(warp_addresses(warp, b)), sectors(warp_addresses(warp, c))};
}

/// Shared-memory wavefronts of one warp accessing the 4-byte words `word_of(t)`.
template <class WordOf>
constexpr int shared_wavefronts(int warp, WordOf word_of) {
  return wavefronts(warp_addresses(warp, [&](int t) { return (long long)word_of(t) * kFloatBytes; }));
}

}  // namespace ladder::model
