/// \file common/core/occupancy_model.hpp
/// \brief How many blocks of a kernel fit on one SM, from its threads, registers and
/// shared memory: the arithmetic of the lessons' occupancy paragraphs, as a host model.
///
/// Unit-tested on the CPU (common/core/tests/test_occupancy_model.cpp) with the register
/// counts of the lessons' ptxas tables. On a GPU, cudaOccupancyMaxActiveBlocksPerMultiprocessor
/// and Nsight Compute's "Occupancy" section give the measured answer.
#pragma once

namespace ladder::model {

/// What one SM offers, per compute capability (CUDA C++ Programming Guide,
/// "Compute Capabilities" table; the reserved shared memory is the driver's
/// cudaDevAttrReservedSharedMemoryPerBlock).
struct SmResources {
  int registers = 65536;          ///< 32-bit registers per SM, every architecture from sm_75 to sm_90
  int max_threads = 2048;         ///< resident threads (thread slots)
  int max_blocks = 32;            ///< resident blocks
  int shared_bytes = 228 * 1024;  ///< shared memory per SM
  int reserved_shared_per_block = 1024;
};

/// The SM of sm_75, sm_80, sm_86, sm_89 or sm_90 (any other: sm_90's).
constexpr SmResources sm_resources(int compute_capability) {
  switch (compute_capability) {
    case 75:
      return {65536, 1024, 16, 64 * 1024, 0};
    case 80:
      return {65536, 2048, 32, 164 * 1024, 1024};
    case 86:
      return {65536, 1536, 16, 100 * 1024, 1024};
    case 89:
      return {65536, 1536, 24, 100 * 1024, 1024};
    default:
      return {};
  }
}

inline constexpr int kRegisterUnit = 8;  // registers are allocated per warp, 256 = 8 per thread at a time
inline constexpr int kMaxRegistersPerThread = 255;

/// The registers a thread really holds: ptxas's count rounded up to the allocation unit.
constexpr int allocated_registers(int used) { return (used + kRegisterUnit - 1) / kRegisterUnit * kRegisterUnit; }

/// The most registers per thread ptxas may use under `__launch_bounds__(threads, min_blocks)`:
/// min_blocks blocks must share the SM's registers, rounded down to the allocation unit.
constexpr int register_cap(int threads_per_block, int min_blocks, int sm_registers = 65536) {
  const int cap = sm_registers / (threads_per_block * min_blocks) / kRegisterUnit * kRegisterUnit;
  return cap < kMaxRegistersPerThread ? cap : kMaxRegistersPerThread;
}

/// Resident blocks per SM, and what each resource alone would allow.
struct Occupancy {
  int blocks;        ///< the smallest of the four below
  int by_threads;    ///< thread slots
  int by_registers;  ///< the register file
  int by_shared;     ///< shared memory (with the per-block reservation)
  int by_blocks;     ///< the resident-block limit
  int warps;         ///< resident warps: blocks × warps per block
};

constexpr int smallest(int a, int b) { return a < b ? a : b; }

constexpr Occupancy occupancy(const SmResources& sm, int threads_per_block, int registers_per_thread,
                              int shared_bytes_per_block) {
  const int warps_per_block = (threads_per_block + 31) / 32;
  const int by_threads = sm.max_threads / (warps_per_block * 32);
  const int by_registers = sm.registers / (allocated_registers(registers_per_thread) * 32 * warps_per_block);
  const int by_shared = sm.shared_bytes / (shared_bytes_per_block + sm.reserved_shared_per_block);
  const int blocks = smallest(smallest(by_threads, by_registers), smallest(by_shared, sm.max_blocks));
  return {blocks, by_threads, by_registers, by_shared, sm.max_blocks, blocks * warps_per_block};
}

}  // namespace ladder::model
