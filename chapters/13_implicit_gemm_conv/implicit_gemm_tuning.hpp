/// \file chapters/13_implicit_gemm_conv/implicit_gemm_tuning.hpp
/// \brief Choosing a tile shape by timing, as cuDNN's Find does: a family of shapes, each
/// launchable with its k-tiles split any number of ways, and the launch of the family's
/// fastest shape (and split count) for a problem, timed once on its first launch.
///
/// Three families use it: the mma.sync shapes of 13c, behind 13d, 13e and 13f
/// (implicit_gemm_sweep.cu), and the wgmma shapes of 13g, behind 13h, and the same with the
/// masked gather, behind 13i (implicit_gemm_wgmma.cu).
/// They are never mixed. Every mma.sync shape adds each output's products in the same order,
/// so 13d's choice (one split) changes the speed and never the bits, which chapter 14 relies
/// on; nothing promises that of wgmma of other widths, of wgmma beside mma.sync, or of split-K.
#pragma once

#include <string>

#include "common/conv/conv.cuh"

namespace ladder::implicit_gemm {

// [family]
/// A tile shape of a family: its name, its launcher (no split), the same with the k-tiles
/// split `splits` ways (partial sums in the workspace, then a reduction), the k-tile's depth
/// (which bounds the splits) and the tile's width (which bounds the grid's column tiles).
struct TileCandidate {
  const char* name;
  Bf16ConvLauncher launch;
  void (*launch_split)(const Bf16ConvArgs& args, int splits, cudaStream_t stream);
  int bk, bn;
};

/// The shapes one rung chooses among; `name` keys the choices it remembers.
struct TileFamily {
  const char* name;
  const TileCandidate* shapes;
  int count;
  const TileCandidate& shape(int index) const;  ///< throws std::invalid_argument outside 0 .. count - 1
};

const TileFamily& mma_sync_family();      ///< 13c's shapes, 13b's first: 13d, 13e, 13f
const TileFamily& wgmma_family();         ///< 13g's shapes: 13h
const TileFamily& masked_wgmma_family();  ///< 13g's shapes with the masked gather: 13i

/// Launches the family's fastest shape for this problem on this device: each shape timed at
/// 1 split, or with `split_k` at 1 to split_limit splits, on the first launch, and remembered.
void launch_fastest(const TileFamily& family, const Bf16ConvArgs& args, bool split_k, cudaStream_t stream);

/// What launch_fastest chose for this problem ("64x64x64 s3, k split 2 ways, ..."), or "" if
/// it has not been launched on it.
std::string fastest_note(const TileFamily& family, bool split_k, const ConvProblem& problem);
// [family]

}  // namespace ladder::implicit_gemm
