/// \file chapters/13_implicit_gemm_conv/exercises/ex1_element_gather.cu
/// \brief Exercise 1 (starter): a small-C path with no workspace. The gather loads element
/// by element with plain loads and stores each chunk into shared memory itself.
///
/// 13e pads C up to 8 in a workspace; this rung gathers any C directly. As given, each
/// chunk of A takes its first step's pixel and reads that pixel's channels only: right
/// when C is a multiple of 8 (one chunk, one pixel), zeros or wrong values otherwise, so
/// the tests fail on C = 1, 2, 3, 4, 5 and 6. Make each of the 8 steps k0 + j find its own tap
/// (conv::filter_tap_rsc), its own input pixel, and read zero in the padding.
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter13Exercise
///     build/bin/ch13_implicit_gemm_conv --exercises --layer lenet-conv1
///
/// Before measuring, predict against 13e on lenet-conv1 (C = 1) and on resnet50-3x3-28
/// (C = 128): how many global loads per chunk, and what happens to the pipeline when the
/// thread must wait for its loads before it can store them.
#include "chapters/13_implicit_gemm_conv/implicit_gemm_conv.cuh"

namespace ladder::implicit_gemm::exercise1 {
namespace {

/// 8 bf16, stored to shared memory as one 16-byte chunk: the swizzle moves whole chunks.
struct alignas(16) Chunk {
  bf16 values[kChunkElements];
};

/// The gather for any C: each of the thread's chunks is built in registers, element by
/// element (the offset of each in x, or none in the padding), and stored with one st.shared.v4. Plain loads, so no
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
      // TODO: this assumes the chunk's 8 steps are 8 channels of one pixel, true only
      // when C is a multiple of 8. Decode every step k0 + j on its own.
      const conv::OutputPosition out = row < pr.gemm_m() ? conv::output_position(pr, row) : conv::OutputPosition{};
      const conv::FilterTap tap = conv::filter_tap_rsc(pr, k0);
      const int h = conv::input_row(pr, out.p, tap.r), w = conv::input_col(pr, out.q, tap.s);
      const bool real = row < pr.gemm_m() && k0 < pr.gemm_k() && conv::inside_image(pr, h, w);
      Chunk chunk;
#pragma unroll
      for (int j = 0; j < kChunkElements; ++j)
        chunk.values[j] = real && tap.c + j < pr.c ? args.x[conv::nhwc_offset(pr, out.n, tap.c + j, h, w)] : zero;
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

const bool registered =
    register_conv(mma_sync_rung({"13 ex1 element gather, any C", 13, RungKind::Exercise,
                                 launch_implicit_gemm<Mma128x128x32s4, ElementGather>, ConvRequirements{80},
                                 "exercise 1: 13a's kernel with a plain-load gather, element by element: "
                                 "any C, no workspace"}));

}  // namespace
}  // namespace ladder::implicit_gemm::exercise1
