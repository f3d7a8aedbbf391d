/// \file register_tiling_tiles.hpp
/// \brief Chapter 04's tile sizes, with no CUDA in them: register_tiling_gemm.cu's two
/// kernels are written with these constants, and docs/diagrams/diagram_data.cu draws
/// docs/images/ch04_thread_tile.svg from the same ones.
#pragma once

namespace ladder::register_tiling {

// ---- 1-D: a thread owns kTM1 consecutive rows of one column of C ----------------------------

inline constexpr int kBM1 = 64, kBN1 = 64, kBK1 = 8;  // block tile of C, and the k-step
inline constexpr int kTM1 = 8;                        // rows of C per thread
inline constexpr int kThreads1 = kBM1 * kBN1 / kTM1;  // 512
static_assert(kBM1 % kTM1 == 0, "a column of the block tile splits into whole thread tiles");
static_assert(kThreads1 == kBM1 * kBK1 && kThreads1 == kBK1 * kBN1, "each thread stages one element of each tile");
static_assert(kBN1 % 32 == 0, "a warp lies in one row of threads, so it shares its a_tile reads (broadcast)");

// ---- 2-D: a thread owns a kTM2 × kTN2 block of C --------------------------------------------

inline constexpr int kBM2 = 128, kBN2 = 128, kBK2 = 8;
inline constexpr int kTM2 = 8, kTN2 = 8;                         // the thread tile: 64 accumulators
inline constexpr int kThreads2 = (kBM2 / kTM2) * (kBN2 / kTN2);  // 16 × 16 = 256
static_assert(kBM2 % kTM2 == 0 && kBN2 % kTN2 == 0, "the block tile splits into whole thread tiles");
static_assert(kBM2 * kBK2 == kBK2 * kBN2 && (kBM2 * kBK2) % kThreads2 == 0,
              "both tiles have the same size, and every thread stages the same number of elements of each");
inline constexpr int kLoads2 = kBM2 * kBK2 / kThreads2;  // elements of each tile per thread: 4

}  // namespace ladder::register_tiling
