/// \file chapters/13_implicit_gemm_conv/implicit_gemm_wgmma.cu
/// \brief Chapter 13's Hopper rungs: 13g, 13b's gather multiplied by wgmma, and 13h, 13g at
/// the fastest of its shapes and split counts for each layer (13f's choice, for wgmma).
///
/// Built for sm_90a only (cmake/LadderHopper.cmake); elsewhere the rungs skip and say why.
/// Run them: `build/bin/ch13_implicit_gemm_conv --layer resnet50-3x3-14` on an H100 or H200.
#include "chapters/13_implicit_gemm_conv/implicit_gemm_tuning.hpp"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_wgmma.cuh"

namespace ladder::implicit_gemm {
namespace {

// [wgmma-shapes]
template <class Cfg>
constexpr TileCandidate wgmma_candidate(const char* name) {
  return {name, launch_implicit_wgmma<Cfg>, launch_implicit_wgmma_split<Cfg>, Cfg::kBK, Cfg::kBN};
}

const TileCandidate kWgmmaShapes[] = {
    wgmma_candidate<Wgmma128x128s4>("128x128x64 s4"),
    wgmma_candidate<Wgmma128x128s3>("128x128x64 s3, wgmma waited for"),
    wgmma_candidate<Wgmma64x128s4>("64x128x64 s4"),
    wgmma_candidate<Wgmma128x64s4>("128x64x64 s4"),
    wgmma_candidate<Wgmma64x64s4>("64x64x64 s4"),
    wgmma_candidate<Wgmma128x256s4>("128x256x64 s4"),
};
// [wgmma-shapes]

void launch_wgmma_tuned(const Bf16ConvArgs& args, cudaStream_t stream) {
  launch_fastest(wgmma_family(), args, true, stream);
}
std::string wgmma_tuned_choice(const ConvProblem& problem) { return fastest_note(wgmma_family(), true, problem); }

/// The table shows both rungs against the peak of chapter 09's wgmma m64n128k16 micro-benchmark,
/// 13h too, whichever width it chose: one yardstick for the rung (m64n64k16 has no
/// micro-benchmark of its own).
ConvRung wgmma_rung(ConvRung rung) {
  rung.instruction = wgmma::kInstruction<Wgmma128x128s4>;
  return rung;
}

// [rungs]
const bool registered[] = {
    register_conv(wgmma_rung({"13g implicit GEMM, wgmma", 13, RungKind::Chapter, launch_implicit_wgmma<Wgmma128x128s4>,
                              wgmma_requirements(),
                              "13b's gather into the 128-byte swizzle wgmma reads; two warpgroups each issue wgmma "
                              "m64n128k16 from shared memory, one k-tile in flight; 128x128x64, 4 stages, 129 KB"})),
    register_conv(wgmma_rung({"13h wgmma tuned per layer, split-K", 13, RungKind::Chapter, launch_wgmma_tuned,
                              wgmma_requirements(),
                              "13g at the fastest of its 6 shapes, each timed at 1 to 4 splits of the k-tiles (fewer "
                              "where the partial sums would pass 32 MiB) on the first launch (13f's choice, for wgmma)",
                              split_k_workspace_bytes, wgmma_tuned_choice})),
};
// [rungs]

}  // namespace

const TileFamily& wgmma_family() {
  static const TileFamily family{"wgmma", kWgmmaShapes, int(std::size(kWgmmaShapes))};
  return family;
}

}  // namespace ladder::implicit_gemm
