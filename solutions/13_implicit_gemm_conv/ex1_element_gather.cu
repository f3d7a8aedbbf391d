/// \file solutions/13_implicit_gemm_conv/ex1_element_gather.cu
/// \brief Exercise 1 (worked solution): a small-C path with no workspace. The gather loads
/// element by element with plain loads and stores each chunk into shared memory itself.
///
/// solutions/13_implicit_gemm_conv/README.md works through the prediction against 13e.
/// Measured on the H200: 29.9 µs on lenet-conv1 against 13e's 16.5 (predicted a little
/// faster), and 0.710 ms on resnet50-3x3-28, 6.8 times 13a (predicted several times).
///
///     build/bin/sol13_implicit_gemm_conv --layer lenet-conv1
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"
#include "solutions/13_implicit_gemm_conv/ex1_element_gather.hpp"

namespace ladder::implicit_gemm::solution1 {
namespace {

// [sol1-gather]
/// 8 bf16, stored to shared memory as one 16-byte chunk: the swizzle moves whole chunks.
struct alignas(16) Chunk {
  bf16 values[kChunkElements];
};

/// The gather for any C: each of the thread's chunks is built in registers, element by
/// element (a_element_offset), and stored with one st.shared.v4. Plain loads, so no
/// 16-byte alignment is needed, and the thread waits for them before its store: unlike
/// cp.async, these copies do not overlap the multiply of the stages before.
template <class Cfg>
struct ElementGather {
  static constexpr bool kCopiesChunks = false;
  static std::optional<std::string> unsupported_reason(const ConvProblem& problem) { return invalid_reason(problem); }

  const Bf16ConvArgs& args;
  BlockTile tile;

  __device__ __forceinline__ ElementGather(const Bf16ConvArgs& conv_args, const BlockTile& block, int /*first*/)
      : args(conv_args), tile(block) {}

  __device__ __forceinline__ void load(int kt, bf16* stage) const {
    const ConvProblem& pr = args.problem;
    const RowCol at = copy_row_col<Cfg>(int(threadIdx.x), 0);
    const int k0 = kt * Cfg::kBK + at.col;
    bf16* a_dst = stage + Cfg::ATile::offset(at.row, at.col);
    bf16* b_dst = stage + Cfg::ATile::kElements + Cfg::BTile::offset(at.row, at.col);
    const bf16 zero = __float2bfloat16_rn(0.0f);
#pragma unroll
    for (int i = 0; i < Cfg::kAChunksPerThread; ++i) {
      const long long row = tile.m0 + at.row + i * Cfg::kRowsPerPass;
      Chunk chunk;
#pragma unroll
      for (int j = 0; j < kChunkElements; ++j) {
        const long long from = a_element_offset(pr, row, k0 + j);
        chunk.values[j] = from < 0 ? zero : args.x[from];
      }
      *reinterpret_cast<Chunk*>(a_dst + i * Cfg::kPassElements) = chunk;
    }
#pragma unroll
    for (int i = 0; i < Cfg::kBChunksPerThread; ++i) {
      const int k_out = tile.n0 + at.row + i * Cfg::kRowsPerPass;
      Chunk chunk;
#pragma unroll
      for (int j = 0; j < kChunkElements; ++j) {
        const bool real = k_out < pr.k && k0 + j < pr.gemm_k();  // KRSC: a filter's steps are contiguous
        chunk.values[j] = real ? args.w[static_cast<long long>(k_out) * pr.gemm_k() + k0 + j] : zero;
      }
      *reinterpret_cast<Chunk*>(b_dst + i * Cfg::kPassElements) = chunk;
    }
  }
};
// [sol1-gather]

const bool registered =
    register_conv(mma_sync_rung({"13 sol1 element gather, any C", 13, RungKind::Solution,
                                 launch_implicit_gemm<Mma128x128x32s4, ElementGather>, ConvRequirements{80},
                                 "solution 1: 13a's kernel with a plain-load gather, element by element: "
                                 "any C, no workspace"}));

}  // namespace
}  // namespace ladder::implicit_gemm::solution1
