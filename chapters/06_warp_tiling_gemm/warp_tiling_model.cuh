/// \file warp_tiling_model.cuh
/// \brief Host-side models of chapter 06's kernel, checked on the CPU: tile coverage, shared-memory
/// wavefronts and passes, occupancy per architecture, and the traffic of one GEMM.
///
/// Every function here evaluates the same constexpr mapping functions the
/// kernels call (TileConfig::place, thread_row, thread_col, block_place), so a
/// test of the model is a test of the kernel's index arithmetic. The numbers it
/// gives for time-dependent things (wavefronts, occupancy) are predictions for
/// Nsight Compute to confirm, not measurements.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cuh"
#include "common/core/occupancy_model.hpp"
#include "common/core/warp_access_model.hpp"

namespace ladder::warp_tiling::model {

/// "" when the block's threads own every element of the BM × BN block tile
/// exactly once (place, thread_row, thread_col), else the first problem found.
template <class Cfg>
std::string coverage_problem() {
  std::vector<int> owners(Cfg::kBM * Cfg::kBN, 0);
  for (int t = 0; t < Cfg::kThreads; ++t) {
    const LanePlace p = Cfg::place(t / 32, t % 32);
    for (int i = 0; i < Cfg::kTM; ++i)
      for (int j = 0; j < Cfg::kTN; ++j) {
        const int r = thread_row<Cfg>(p, i), c = thread_col<Cfg>(p, j);
        if (r < 0 || r >= Cfg::kBM || c < 0 || c >= Cfg::kBN)
          return "thread " + std::to_string(t) + " element (" + std::to_string(i) + ", " + std::to_string(j) +
                 ") lies outside the block tile, at (" + std::to_string(r) + ", " + std::to_string(c) + ")";
        ++owners[r * Cfg::kBN + c];
      }
  }
  for (int e = 0; e < Cfg::kBM * Cfg::kBN; ++e)
    if (owners[e] != 1)
      return "element (" + std::to_string(e / Cfg::kBN) + ", " + std::to_string(e % Cfg::kBN) +
             ") of the block tile has " + std::to_string(owners[e]) + " owners";
  return "";
}

/// The byte addresses of one warp-wide 128-bit shared load, from each lane's
/// float offset in the stage (16-byte aligned).
inline ladder::model::WarpAddresses load128_bytes(const std::vector<int>& float_offsets) {
  ladder::model::WarpAddresses bytes;
  bytes.fill(-1);
  for (std::size_t lane = 0; lane < float_offsets.size() && lane < bytes.size(); ++lane)
    bytes[lane] = 4LL * float_offsets[lane];
  return bytes;
}

/// Wavefronts of one warp-wide 128-bit shared load through the banks
/// (common/core/warp_access_model.hpp's count). Lanes reading the same 16 bytes
/// share them (broadcast); a 16-byte chunk covers one group of 4 banks, so the
/// load takes as many wavefronts as the busiest of the 8 groups has distinct chunks.
inline int load128_wavefronts(const std::vector<int>& float_offsets) {
  return ladder::model::vector_wavefronts(load128_bytes(float_offsets), 16);
}

/// Passes of the same load once the return path is counted as well: 4 registers
/// a lane at one register of the warp a pass, 2 when lanes pair up on addresses
/// (n with n ^ 1, or n with n ^ 2), times the bank conflict inside an 8-lane phase.
inline int load128_passes(const std::vector<int>& float_offsets) {
  return ladder::model::shared_load_passes(load128_bytes(float_offsets), 16);
}

/// One warp's shared loads in multiply_stage per 4-wide k-step (4 × 64 warp-FFMAs).
struct StepLoads {
  int a_loads = 0, a_wavefronts = 0;  // float4 loads of A (kTM) and the wavefronts they take in the banks
  int b_loads = 0, b_wavefronts = 0;  // float4 loads of B (kTN: 4 rows of kTN / 4 each)
  int a_passes = 0, b_passes = 0;     // the same loads' passes counting the return path too
  int lower_bound = 0;  // wavefronts if each distinct byte of the warp's footprint were moved once, 128 per wavefront
};

/// The loads of warp `warp` at k-step p4 = 0 of stage 0, through the kernel's own index functions.
template <class Cfg>
StepLoads step_loads(int warp) {
  StepLoads s;
  std::vector<int> offsets(32);
  std::set<int> a_rows, b_cols;
  for (int i = 0; i < Cfg::kTM; ++i) {  // a[i] = load4(&a_tile[thread_row(p, i) * kLdA + p4])
    for (int lane = 0; lane < 32; ++lane) {
      offsets[lane] = thread_row<Cfg>(Cfg::place(warp, lane), i) * Cfg::kLdA;
      a_rows.insert(offsets[lane]);
    }
    ++s.a_loads;
    s.a_wavefronts += load128_wavefronts(offsets);
    s.a_passes += load128_passes(offsets);
  }
  for (int q = 0; q < 4; ++q)
    for (int g = 0; g < Cfg::kTN / 4; ++g) {  // b4 = load4(&b_tile[(p4 + q) * kBN + thread_col(p, 4 g)])
      for (int lane = 0; lane < 32; ++lane) {
        const int col = thread_col<Cfg>(Cfg::place(warp, lane), 4 * g);
        offsets[lane] = Cfg::kBM * Cfg::kLdA + q * Cfg::kBN + col;
        if (q == 0) b_cols.insert(col);
      }
      ++s.b_loads;
      s.b_wavefronts += load128_wavefronts(offsets);
      s.b_passes += load128_passes(offsets);
    }
  // Per 4-wide k-step: 4 k-values (16 bytes) of each distinct row of A, and 4
  // rows of 16 bytes of each distinct group of 4 columns of B.
  s.lower_bound = (int(a_rows.size()) * 16 + int(b_cols.size()) * 64) / 128;
  return s;
}

/// Resident blocks per SM on compute capability `cc` (75, 80, 86, 89, 90): the
/// smallest of what threads, blocks, registers and shared memory allow
/// (common/core/occupancy_model.hpp, which has the per-architecture limits).
inline int blocks_per_sm(int cc, int threads, int registers_per_thread, int shared_bytes) {
  return ladder::model::occupancy(ladder::model::sm_resources(cc), threads, registers_per_thread, shared_bytes).blocks;
}

/// What a GEMM of m × n × k with configuration Cfg does, counted from the tiles:
/// the numbers Nsight Compute reports, predicted.
struct Traffic {
  double ffma;               // thread-level FFMAs, m·n·k (2 FLOPs each)
  double warp_ffma;          // warp-level FFMA instructions of the interior math, ffma / 32
  double shared_wavefronts;  // shared-load wavefronts of multiply_stage through the banks (step_loads of warp 0)
  double shared_passes;      // the same loads counting the return path too
  double l2_to_sm_bytes;     // every block reads its BM rows of A and BN columns of B once per k
  long blocks;               // the grid
};

template <class Cfg>
Traffic traffic(long m, long n, long k) {
  const long grid_m = (m + Cfg::kBM - 1) / Cfg::kBM, grid_n = (n + Cfg::kBN - 1) / Cfg::kBN;
  const long blocks = grid_m * grid_n, warps = blocks * (Cfg::kThreads / 32);
  const long k_padded = (k + Cfg::kBK - 1) / Cfg::kBK * Cfg::kBK;  // the last k-tile is zero-filled, then multiplied
  const StepLoads s = step_loads<Cfg>(0);
  Traffic t;
  t.ffma = double(blocks) * Cfg::kBM * Cfg::kBN * k_padded;
  t.warp_ffma = t.ffma / 32;
  t.shared_wavefronts = double(warps) * (k_padded / 4) * (s.a_wavefronts + s.b_wavefronts);
  t.shared_passes = double(warps) * (k_padded / 4) * (s.a_passes + s.b_passes);
  t.l2_to_sm_bytes = double(blocks) * (Cfg::kBM + Cfg::kBN) * k_padded * 4;
  t.blocks = blocks;
  return t;
}

}  // namespace ladder::warp_tiling::model
