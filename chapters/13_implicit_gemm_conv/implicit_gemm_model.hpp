/// \file chapters/13_implicit_gemm_conv/implicit_gemm_model.hpp
/// \brief Chapter 13's implicit GEMM on the CPU: the block and k-tile loops the kernel will
/// run, gathering every tile chunk by chunk through implicit_gemm_map.hpp, so a CPU test can
/// check that the gather maps compute the convolution.
///
/// What it models: the grid of BM × BN block tiles, each block's walk over the k-tiles, the
/// 16-byte chunk copies into a shared A tile (BM rows × BK, k contiguous) and a shared B
/// tile (BN rows × BK, k contiguous: n-major, see implicit_gemm_map.hpp), a multiply in
/// fp32 as mma.sync accumulates, and the store through c_offset. What it leaves out: which
/// thread copies which chunk, the swizzle, ldmatrix and the mma fragments; those are
/// chapter 08's, modelled and tested in chapters/08_mma_sync_gemm/mma_sync_model.hpp.
/// Host only (std::vector, exceptions): never included by a kernel.
#pragma once

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/13_implicit_gemm_conv/implicit_gemm_map.hpp"

namespace ladder::implicit_gemm::model {

/// A block tile: BM output positions × BN output channels, BK reduction steps per k-tile.
struct TileShape {
  int bm = 64, bn = 64, bk = 32;
};

/// The maps the model gathers through; a test may substitute a broken one to show that
/// the checks notice.
struct Maps {
  static GatherSource a(const ConvProblem& pr, long long row, int k0) { return a_chunk_source(pr, row, k0); }
  static GatherSource b(const ConvProblem& pr, int k_out, int k0) { return b_chunk_source(pr, k_out, k0); }
  static long long c(const ConvProblem& pr, long long row, int k_out) { return c_offset(pr, row, k_out); }
};

/// y_nhwc = conv(x_nhwc, w_krsc) computed as the kernel will compute it. x and w hold
/// values already rounded to bf16 (the caller rounds); products and sums are fp32, in the
/// order one thread's accumulator sees them (k-tile by k-tile, step by step). y_nhwc must
/// have output_elements() entries; elements never written keep their value (poison them
/// to see). `writes` counts the stores per element of y. Throws std::invalid_argument when
/// the problem is unsupported, a size does not match, or BK is not whole chunks.
template <class M = Maps>
void run_implicit_gemm(const ConvProblem& pr, const std::vector<float>& x_nhwc, const std::vector<float>& w_krsc,
                       TileShape tile, std::vector<float>& y_nhwc, std::vector<int>& writes) {
  if (auto reason = implicit_gemm_unsupported_reason(pr)) throw std::invalid_argument(*reason);
  if (tile.bm <= 0 || tile.bn <= 0 || tile.bk <= 0 || tile.bk % kChunkElements != 0)
    throw std::invalid_argument("run_implicit_gemm: BM, BN > 0 and BK a positive multiple of 8");
  if (x_nhwc.size() != pr.input_elements() || w_krsc.size() != pr.filter_elements() ||
      y_nhwc.size() != pr.output_elements())
    throw std::invalid_argument("run_implicit_gemm: a tensor's size does not match the problem");
  constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
  const int chunks_per_row = tile.bk / kChunkElements;
  writes.assign(pr.output_elements(), 0);

  for (long long block_m = 0; block_m < m_tiles(pr, tile.bm); ++block_m)
    for (int block_n = 0; block_n < n_tiles(pr, tile.bn); ++block_n) {
      const long long m0 = block_m * tile.bm;
      const int n0 = block_n * tile.bn;
      std::vector<float> acc(std::size_t(tile.bm) * tile.bn, 0.0f);  // (m, n): the block's accumulators
      for (int kt = 0; kt < k_tiles(pr, tile.bk); ++kt) {
        const int k0 = kt * tile.bk;
        // The stage, poisoned: an element no chunk copy fills would show as NaN in y.
        std::vector<float> a_tile(std::size_t(tile.bm) * tile.bk, kNaN);  // (m, k), k contiguous
        std::vector<float> b_tile(std::size_t(tile.bn) * tile.bk, kNaN);  // (n, k), k contiguous
        const auto copy_chunk = [](std::vector<float>& to, std::size_t at, const std::vector<float>& from,
                                   GatherSource source) {  // cp.async: 16 bytes, or 8 zeros
          if (!source.zero && (source.offset < 0 || source.offset + kChunkElements > (long long)from.size()))
            throw std::logic_error("run_implicit_gemm: a chunk gathered from outside its tensor, at offset " +
                                   std::to_string(source.offset));
          for (int e = 0; e < kChunkElements; ++e) to[at + e] = source.zero ? 0.0f : from[source.offset + e];
        };
        for (int m = 0; m < tile.bm; ++m)
          for (int j = 0; j < chunks_per_row; ++j)
            copy_chunk(a_tile, std::size_t(m) * tile.bk + j * kChunkElements, x_nhwc,
                       M::a(pr, m0 + m, k0 + j * kChunkElements));
        for (int n = 0; n < tile.bn; ++n)
          for (int j = 0; j < chunks_per_row; ++j)
            copy_chunk(b_tile, std::size_t(n) * tile.bk + j * kChunkElements, w_krsc,
                       M::b(pr, n0 + n, k0 + j * kChunkElements));
        for (int m = 0; m < tile.bm; ++m)  // the warps' mma.sync steps, as one plain loop
          for (int n = 0; n < tile.bn; ++n)
            for (int k = 0; k < tile.bk; ++k)
              acc[std::size_t(m) * tile.bn + n] +=
                  a_tile[std::size_t(m) * tile.bk + k] * b_tile[std::size_t(n) * tile.bk + k];
      }
      for (int m = 0; m < tile.bm; ++m)  // the epilogue: only the rows and columns that exist
        for (int n = 0; n < tile.bn; ++n) {
          const long long row = m0 + m;
          const int k_out = n0 + n;
          if (row >= pr.gemm_m() || k_out >= pr.gemm_n()) continue;
          const long long at = M::c(pr, row, k_out);
          if (at < 0 || at >= static_cast<long long>(y_nhwc.size()))
            throw std::logic_error("run_implicit_gemm: C(" + std::to_string(row) + ", " + std::to_string(k_out) +
                                   ") lands outside y");
          y_nhwc[std::size_t(at)] = acc[std::size_t(m) * tile.bn + n];
          ++writes[std::size_t(at)];
        }
    }
}

}  // namespace ladder::implicit_gemm::model
