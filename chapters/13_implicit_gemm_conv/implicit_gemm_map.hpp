/// \file chapters/13_implicit_gemm_conv/implicit_gemm_map.hpp
/// \brief Chapter 13's index arithmetic, with no CUDA in it: where each 16-byte chunk of the
/// implicit GEMM's A and B tiles comes from in x (NHWC) and w (KRSC), where each element of
/// C goes in y (NHWC), and how many tiles cover the problem.
///
/// The GEMM view (common/conv/problem.hpp), with the reduction in RSC order:
///
///     y (M × N)  =  A (M × K_gemm)  ·  B (K_gemm × N)
///     M = N·P·Q   rows: output positions, row = conv::im2col_row(n, p, q)
///     N = K       columns: output channels
///     K_gemm = R·S·C   reduction steps: taps, step = conv::tap_index_rsc(c, r, s), c fastest
///
/// Chapter 12 built A in memory (im2col) and paid for it in bytes. Here A is never built:
/// a block gathers its BM × BK tile of A straight from x. Because the reduction runs c
/// fastest and x is NHWC, the C steps of one tap (r, s) are the C channels of one input
/// pixel, contiguous in memory. So one 16-byte chunk of A (8 bf16: row m, steps k0 .. k0 + 7)
/// is one 16-byte chunk of x, which one cp.async copies, exactly as chapter 08 copies A:
///
///     chunk (m, k0) of A  =  x_nhwc[n][h][w][c .. c + 7]    (n, p, q) = output_position(m)
///                            with (c, r, s) = filter_tap_rsc(k0),  h = p·stride − pad + r,
///                                                                  w = q·stride − pad + s
///                         =  8 zeros when (h, w) is in the padding, or m ≥ M, or k0 ≥ K_gemm
///
/// That needs C % 8 == 0: then k0 % 8 == 0 puts c .. c + 7 inside one tap (a chunk never
/// straddles two pixels) and c % 8 == 0 makes the chunk's address 16-byte aligned. Other
/// C are rejected (implicit_gemm_unsupported_reason); the lesson pads channels to 8 (an RGB
/// input becomes 3 channels + 5 zero channels).
///
/// B needs no gather at all: B[k_gemm][k_out] = w_krsc[k_out][r][s][c], and each output
/// channel's R·S·C weights are contiguous in KRSC, in exactly the RSC order of the
/// reduction. So B is column-major (K_gemm contiguous down a column), and a chunk of B is 8
/// consecutive reduction steps of one output channel: w_krsc + k_out·K_gemm + k0. The
/// kernel will store the B tile in shared memory the same way, as BN rows of BK (k
/// contiguous) like the A tile, and read it with plain ldmatrix: mma.sync's .col B operand
/// wants lane (group g, thread t) to hold B[2t, 2t + 1][g], which is row g, columns 2t and
/// 2t + 1 of an n-major 8 × 8 matrix, ldmatrix's non-transposed rule. (Chapter 08's B was
/// row-major, hence its ldmatrix.trans.)
///
/// C is the GEMM's row-major M × N output, and that is already NHWC: row m, column k_out is
/// y_nhwc[n][p][q][k_out] (conv::npqk_offset). No permutation pass, unlike chapter 12.
///
/// The kernel (implicit_gemm_conv.cuh) calls every function here; the CPU tests
/// (test_implicit_gemm_model.cpp, through implicit_gemm_model.hpp) call the same ones.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/conv/index.hpp"
#include "common/conv/problem.hpp"
#include "common/core/host_device.hpp"
#include "common/gemm/mma_layout.hpp"

namespace ladder::implicit_gemm {

/// bf16 elements in one 16-byte chunk: one cp.async, one ldmatrix row (chapter 08's unit).
inline constexpr int kChunkElements = mma::kChunkElements;

// [requirements]
/// Whether every chunk of A lies inside one input pixel's channels, 16-byte aligned.
LADDER_HOST_DEVICE constexpr bool channels_fill_chunks(const ConvProblem& pr) { return pr.c % kChunkElements == 0; }

/// Why the implicit GEMM cannot compute `problem`, or nothing when it can: the problem is
/// not a convolution (invalid_reason), or C is not a multiple of 8.
inline std::optional<std::string> implicit_gemm_unsupported_reason(const ConvProblem& problem) {
  if (auto reason = invalid_reason(problem)) return reason;
  if (!channels_fill_chunks(problem))
    return "the implicit GEMM gathers 8 channels (16 bytes) at a time, so C must be a multiple of 8; C = " +
           std::to_string(problem.c) + " (pad the channels with zeros)";
  return std::nullopt;
}
// [requirements]

// [gather]
/// Where a 16-byte chunk of a tile comes from: `offset` elements into the tensor, or (when
/// `zero`) nowhere: the kernel writes 8 zeros (cp.async with src-size 0) instead.
struct GatherSource {
  bool zero = true;
  long long offset = 0;  ///< meaningful only when !zero
  LADDER_HOST_DEVICE constexpr bool operator==(const GatherSource& o) const {
    return zero == o.zero && (zero || offset == o.offset);
  }
};

/// The chunk A(row, k0 .. k0 + 7) of the implicit lowered matrix, in x_nhwc.
/// Requires C % 8 == 0 and k0 % 8 == 0: then the 8 steps are channels c .. c + 7 of one tap
/// (r, s), so one input pixel, and the chunk is entirely real or entirely padding. Rows past
/// M and steps past K_gemm (a ragged last tile) read as zero, so they add nothing.
LADDER_HOST_DEVICE constexpr GatherSource a_chunk_source(const ConvProblem& pr, long long row, int k0) {
  if (row >= pr.gemm_m() || k0 >= pr.gemm_k()) return {true, 0};
  const conv::OutputPosition out = conv::output_position(pr, row);
  const conv::FilterTap tap = conv::filter_tap_rsc(pr, k0);  // the chunk's first channel; the rest follow it
  const int h = conv::input_row(pr, out.p, tap.r), w = conv::input_col(pr, out.q, tap.s);
  if (!conv::inside_image(pr, h, w)) return {true, 0};
  return {false, conv::nhwc_offset(pr, out.n, tap.c, h, w)};
}

/// The chunk B(k0 .. k0 + 7, k_out), in w_krsc. Output channel k_out's weights are K_gemm
/// consecutive elements in RSC order, the reduction's own order, so step k0 of column k_out
/// is simply element k_out·K_gemm + k0 (= conv::krsc_offset(k_out, filter_tap_rsc(k0))).
/// Requires k0 % 8 == 0 and C % 8 == 0, the rung's requirement, which makes K_gemm = R·S·C a
/// multiple of 8 too: a chunk never runs into the next filter and is 16-byte aligned.
/// Columns past K, steps past K_gemm: zero.
LADDER_HOST_DEVICE constexpr GatherSource b_chunk_source(const ConvProblem& pr, int k_out, int k0) {
  if (k_out >= pr.gemm_n() || k0 >= pr.gemm_k()) return {true, 0};
  return {false, static_cast<long long>(k_out) * pr.gemm_k() + k0};
}
// [gather]

// [hoisted-gather]
/// 13b's gather: the same chunks as a_chunk_source, with the work split by how often it
/// changes. a_chunk_source decodes the row (a 64-bit division and a 32-bit one) and the step (three
/// 32-bit ones) for every chunk of every k-tile. But a thread copies the same rows for the
/// whole k-loop, and all its chunks of a k-tile share one step. So a row is decoded once,
/// before the loop (RowGather), and the step is a cursor (TapCursor) that moves by BK per
/// k-tile with compares and adds. Offsets are 32-bit: invalid_reason keeps every tensor
/// under 2^31 elements.
struct RowGather {
  bool valid = false;    ///< the row is an output position (row < M)
  int image_offset = 0;  ///< x_nhwc offset of the row's image: n·H·W·C
  int h0 = 0, w0 = 0;    ///< the input pixel under tap (0, 0): p·stride − pad, q·stride − pad
};

/// Row `row`'s decode, once per thread and row.
LADDER_HOST_DEVICE constexpr RowGather row_gather(const ConvProblem& pr, long long row) {
  if (row >= pr.gemm_m()) return {};
  const conv::OutputPosition out = conv::output_position(pr, row);
  return {true, out.n * pr.h * pr.w * pr.c, conv::input_row(pr, out.p, 0), conv::input_col(pr, out.q, 0)};
}

/// Step k0 of the reduction as a tap (c, r, s), RSC order, moved forward without dividing.
/// Past the last step r >= R.
struct TapCursor {
  int c = 0, r = 0, s = 0;
  int step = 0;  ///< k0 itself: B's chunk offset within a filter
};
LADDER_HOST_DEVICE constexpr TapCursor tap_cursor(const ConvProblem& pr, int k0) {
  const conv::FilterTap tap = conv::filter_tap_rsc(pr, k0);
  return {tap.c, tap.r, tap.s, k0};
}
/// k0 += steps. Each carry moves to the next tap: at most steps / C + 1 passes of the loop
/// (steps = BK: at most BK / 8 with C >= 8, and at most 1 with C >= BK).
LADDER_HOST_DEVICE constexpr void advance(const ConvProblem& pr, TapCursor& tap, int steps) {
  tap.step += steps;
  tap.c += steps;
  while (tap.c >= pr.c) {
    tap.c -= pr.c;
    if (++tap.s == pr.s) {
      tap.s = 0;
      ++tap.r;
    }
  }
}

/// a_chunk_source(pr, row, tap.step), from the pre-decoded row and the cursor: two adds, six
/// tests (the row's validity, r < R, four bounds) and two multiply-adds per chunk.
LADDER_HOST_DEVICE constexpr GatherSource a_chunk_source(const ConvProblem& pr, const RowGather& row,
                                                         const TapCursor& tap) {
  const int h = row.h0 + tap.r, w = row.w0 + tap.s;
  if (!row.valid || tap.r >= pr.r || !conv::inside_image(pr, h, w)) return {true, 0};
  return {false, row.image_offset + (h * pr.w + w) * pr.c + tap.c};
}

/// B's side, decoded before the loop: output channel k_out's first weight, or -1 past K.
LADDER_HOST_DEVICE constexpr int filter_offset(const ConvProblem& pr, int k_out) {
  return k_out < pr.k ? k_out * pr.gemm_k() : -1;
}

/// b_chunk_source(pr, k_out, tap.step), from filter_offset(pr, k_out) and the cursor. The
/// sum only for a real chunk: past the end of the reduction it could pass INT_MAX.
LADDER_HOST_DEVICE constexpr GatherSource b_chunk_source(const ConvProblem& pr, int filter_offset,
                                                         const TapCursor& tap) {
  const bool real = tap.step < pr.gemm_k() && filter_offset >= 0;
  return {!real, real ? filter_offset + tap.step : 0};
}
// [hoisted-gather]

// [masked-gather]
/// 13i's gather: 13b's chunks again, at an add and a bit test each. 13b still computes, per
/// chunk, the pixel (h0 + r, w0 + s), four bounds checks and an offset with a multiply. Yet
/// each piece depends on the row alone or on the step alone, so split them:
///
///     offset of chunk (row, step)  =  origin(row)  +  tap_offset(step)
///         origin(row)      = n·H·W·C + (h0·W + w0)·C    the pixel under tap (0, 0), maybe padding
///         tap_offset(step) = (r·W + s)·C + c            the same for every row
///     real?  =  bit r·S + s of the row's tap mask       which of the row's taps land in the image
///
/// The origin and the mask are the row's, computed once before the k-loop; the tap offset
/// and the bit are the thread's, once per k-tile (all its chunks share the step). Offsets
/// are 32-bit and unsigned. The first image's top and left padding put an origin before x,
/// and with a filter taller than the image (padding allows it) a far tap's offset can pass
/// 2^31 by itself; but the sum for a real chunk is its offset in x, under 2^31
/// (invalid_reason), which unsigned arithmetic, wrapping mod 2^32, gets exactly: the only
/// 64-bit add is the last. One bit per tap: filters up to 8 × 8 in 64 bits.
inline constexpr int kMaxMaskedExtent = 8;

struct RowTaps {
  std::uint32_t origin = 0;  ///< x_nhwc offset of the pixel under tap (0, 0), mod 2^32 (may lie before x)
  std::uint64_t inside = 0;  ///< bit r·S + s set when tap (r, s) lands inside the image; 0 for rows past M
};

/// v mod 2^32: how 13i's offsets are kept (a negative h0 or w0 wraps, and wraps back in the sum).
LADDER_HOST_DEVICE constexpr std::uint32_t mod_2_32(int v) { return static_cast<std::uint32_t>(v); }

/// Bits first .. end - 1 of a word, none when end <= first (here end - first <= S <= 8).
LADDER_HOST_DEVICE constexpr std::uint64_t bit_run(int first, int end) {
  return end <= first ? 0 : ((std::uint64_t{1} << (end - first)) - 1) << first;
}

/// Row `row`'s origin and tap mask, once per thread and row. Requires R, S <= kMaxMaskedExtent.
/// The taps inside the image form a rectangle: the filter rows r with 0 <= h0 + r < H, and
/// the filter columns s with 0 <= w0 + s < W. So every filter row inside adds the same run of
/// column bits, at r·S: a few shifts per row, not R·S bounds checks.
LADDER_HOST_DEVICE constexpr RowTaps row_taps(const ConvProblem& pr, long long row) {
  const RowGather decoded = row_gather(pr, row);
  if (!decoded.valid) return {};
  const int r_first = std::max(0, -decoded.h0), r_end = std::min(pr.r, pr.h - decoded.h0);
  const std::uint64_t columns_inside = bit_run(std::max(0, -decoded.w0), std::min(pr.s, pr.w - decoded.w0));
  RowTaps taps{mod_2_32(decoded.image_offset) + (mod_2_32(decoded.h0) * pr.w + mod_2_32(decoded.w0)) * pr.c, 0};
  for (int r = r_first; r < r_end; ++r) taps.inside |= columns_inside << (r * pr.s);
  return taps;
}

/// What all of a thread's chunks of one k-tile share: its step as an offset from any row's
/// origin, and as a bit of any row's mask (0 past the reduction, so every row reads zeros).
struct TapStep {
  std::uint32_t x_offset = 0;  ///< (r·W + s)·C + c, mod 2^32
  std::uint64_t bit = 0;       ///< 1 << (r·S + s), or 0 once the cursor is past the last tap
  int w_offset = 0;            ///< the step itself: B's offset within an output channel's filter
};
LADDER_HOST_DEVICE constexpr TapStep tap_step(const ConvProblem& pr, const TapCursor& tap) {
  if (tap.r >= pr.r) return {0, 0, tap.step};
  return {(mod_2_32(tap.r) * pr.w + mod_2_32(tap.s)) * pr.c + mod_2_32(tap.c),
          std::uint64_t{1} << (tap.r * pr.s + tap.s), tap.step};
}

/// A chunk as 13i copies it: real or zeros, and a 32-bit offset, 0 (any valid address) for zeros.
struct ChunkSource {
  bool real = false;
  std::uint32_t offset = 0;
  /// The same chunk in 13a's terms, for the tests.
  constexpr GatherSource gather_source() const { return {!real, static_cast<long long>(offset)}; }
};

/// a_chunk_source(pr, row, step), from row_taps(pr, row) and tap_step: an add and a bit test.
LADDER_HOST_DEVICE constexpr ChunkSource a_chunk_source(const RowTaps& row, const TapStep& step) {
  const bool real = (row.inside & step.bit) != 0;
  return {real, real ? row.origin + step.x_offset : 0u};
}

/// b_chunk_source(pr, k_out, step), from filter_offset(pr, k_out) and tap_step (whose bit is 0
/// exactly past the reduction).
LADDER_HOST_DEVICE constexpr ChunkSource b_chunk_source(int filter_offset, const TapStep& step) {
  const bool real = step.bit != 0 && filter_offset >= 0;
  return {real, real ? static_cast<std::uint32_t>(filter_offset + step.w_offset) : 0u};
}

/// Why 13i cannot compute `problem`: 13b's reasons, or a filter wider or taller than 8.
inline std::optional<std::string> masked_gather_unsupported_reason(const ConvProblem& problem) {
  if (auto reason = implicit_gemm_unsupported_reason(problem)) return reason;
  if (problem.r > kMaxMaskedExtent || problem.s > kMaxMaskedExtent)
    return "the masked gather keeps one bit per filter tap in 64 bits: filters up to 8x8 (got " +
           std::to_string(problem.r) + "x" + std::to_string(problem.s) + ")";
  return std::nullopt;
}
// [masked-gather]

// [channel-padding]
/// 13e: any C, by padding the channels with zeros up to a multiple of 8. A zero channel
/// adds nothing to any output, so the padded problem has the same y; its x and w are
/// copies with C' = round_up(C, 8) channels per pixel (per filter tap), built in the
/// rung's workspace before the implicit GEMM runs on them.
LADDER_HOST_DEVICE constexpr int padded_channels(int c) {
  return (c + kChunkElements - 1) / kChunkElements * kChunkElements;
}
LADDER_HOST_DEVICE constexpr ConvProblem channel_padded(ConvProblem pr) {
  pr.c = padded_channels(pr.c);
  return pr;
}
/// Element `index` of a tensor of C'-channel pixels (NHWC x, or KRSC w: both keep a
/// pixel's or a tap's channels together) comes from element `source` of the C-channel
/// original, or is a zero (source -1).
LADDER_HOST_DEVICE constexpr long long padded_channel_source(long long index, int c, int c_padded) {
  const long long pixel = index / c_padded;
  const int channel = static_cast<int>(index - pixel * c_padded);
  return channel < c ? pixel * c + channel : -1;
}
/// Where the padded w starts in 13e's workspace: after the padded x, 256-byte aligned.
inline std::size_t padded_filter_offset_bytes(const ConvProblem& pr) {
  return (channel_padded(pr).input_elements() * 2 + 255) / 256 * 256;
}
/// Bytes of 13e's workspace: the padded x, then the padded w 256 bytes aligned; 0 when C
/// is already a multiple of 8 (the rung then runs on x and w directly).
inline std::size_t channel_padding_workspace_bytes(const ConvProblem& pr) {
  if (channels_fill_chunks(pr)) return 0;
  return padded_filter_offset_bytes(pr) + channel_padded(pr).filter_elements() * 2;
}
// [channel-padding]

/// Where C(row, k_out) goes in y_nhwc: row is output position (n, p, q), and NHWC stores a
/// position's K channels together, so this is row·K + k_out, the GEMM's row-major C.
LADDER_HOST_DEVICE constexpr long long c_offset(const ConvProblem& pr, long long row, int k_out) {
  const conv::OutputPosition out = conv::output_position(pr, row);
  return conv::npqk_offset(pr, out.n, k_out, out.p, out.q);
}

// [tiles]
/// How many tiles of `tile` cover `extent`; the last may be ragged (the gather pads it with zeros).
LADDER_HOST_DEVICE constexpr long long tiles_over(long long extent, int tile) { return (extent + tile - 1) / tile; }
/// Block rows of the grid: BM output positions each.
LADDER_HOST_DEVICE constexpr long long m_tiles(const ConvProblem& pr, int bm) { return tiles_over(pr.gemm_m(), bm); }
/// Block columns of the grid: BN output channels each.
LADDER_HOST_DEVICE constexpr int n_tiles(const ConvProblem& pr, int bn) {
  return static_cast<int>(tiles_over(pr.gemm_n(), bn));
}
/// Iterations of a block's main loop: BK reduction steps each. A k-tile may span several
/// taps (BK > C) or part of one (BK < C): the gather works chunk by chunk, so it does not care.
LADDER_HOST_DEVICE constexpr int k_tiles(const ConvProblem& pr, int bk) {
  return static_cast<int>(tiles_over(pr.gemm_k(), bk));
}
// [tiles]

// [split-k]
/// 13f: split-K. A layer with few output positions (ResNet-50's 7 × 7: M = 1568) has too
/// few block tiles to fill the GPU, but a long reduction (K_gemm = 4608). Splitting the
/// k-tiles into `splits` ranges multiplies the blocks by `splits`; each range's block
/// writes fp32 partial sums to a workspace, and a second kernel adds them up in a fixed
/// order (deterministic: no atomics) and rounds to bf16.
struct KRange {
  int begin = 0, end = 0;  ///< k-tiles [begin, end)
};
/// Split `split` of `splits` over `tiles` k-tiles: even shares, the first tiles % splits one larger.
LADDER_HOST_DEVICE constexpr KRange split_k_range(int tiles, int splits, int split) {
  const int share = tiles / splits, extra = tiles % splits;
  const int begin = split * share + (split < extra ? split : extra);
  return {begin, begin + share + (split < extra ? 1 : 0)};
}

/// The partial sums may take at most this much memory (the workspace cuBLAS recommends on
/// Hopper, in cublasSetWorkspace's documentation, is the same 32 MiB), in at most this many
/// splits.
inline constexpr long long kSplitKBudgetBytes = 32ll << 20;
inline constexpr int kMaxSplits = 4;

/// The most splits `pr` may use: up to kMaxSplits copies of the fp32 M × N output within the budget.
LADDER_HOST_DEVICE constexpr int max_splits(const ConvProblem& pr) {
  const long long one_copy = pr.gemm_m() * pr.gemm_n() * 4;
  const long long fit = kSplitKBudgetBytes / one_copy;
  return fit < 1 ? 1 : (fit > kMaxSplits ? kMaxSplits : static_cast<int>(fit));
}
/// The most splits 13f tries for a tile shape with `tiles` k-tiles: max_splits, and never more
/// than the k-tiles (a split of none would only add a zero partial sum).
LADDER_HOST_DEVICE constexpr int split_limit(const ConvProblem& pr, int tiles) {
  const int splits = max_splits(pr) < tiles ? max_splits(pr) : tiles;
  return splits < 1 ? 1 : splits;
}
/// Bytes of 13f's workspace: max_splits(pr) partial outputs, or none when it cannot split.
inline std::size_t split_k_workspace_bytes(const ConvProblem& pr) {
  const int splits = max_splits(pr);
  return splits > 1 ? std::size_t(splits) * pr.gemm_m() * pr.gemm_n() * 4 : 0;
}
// [split-k]

}  // namespace ladder::implicit_gemm
