/// \file chapters/13_implicit_gemm_conv/implicit_gemm_wgmma.cu
/// \brief Chapter 13's Hopper rungs: 13g, 13b's gather multiplied by wgmma; 13h, 13g at the
/// fastest of its shapes and split counts for each layer (13f's choice, for wgmma); and 13i,
/// 13h with the masked gather (an add and a bit test a chunk).
///
/// Built for sm_90a only (cmake/LadderHopper.cmake); elsewhere the rungs skip and say why.
/// Run them: `build/bin/ch13_implicit_gemm_conv --layer resnet50-3x3-14` on an H100 or H200.
#include "chapters/13_implicit_gemm_conv/implicit_gemm_tuning.hpp"
#include "chapters/13_implicit_gemm_conv/implicit_gemm_wgmma.cuh"

namespace ladder::implicit_gemm {
namespace {

// [wgmma-shapes]
template <class Cfg, template <class> class Gather>
constexpr TileCandidate wgmma_candidate(const char* name) {
  return {name, launch_implicit_wgmma<Cfg, Gather>, launch_implicit_wgmma_split<Cfg, Gather>, Cfg::kBK, Cfg::kBN};
}

/// 13h's shapes with 13b's gather, 13i's the same shapes with the masked one.
template <template <class> class Gather>
const TileCandidate kWgmmaShapes[] = {
    wgmma_candidate<Wgmma128x128s4, Gather>("128x128x64 s4"),
    wgmma_candidate<Wgmma128x128s3, Gather>("128x128x64 s3, wgmma waited for"),
    wgmma_candidate<Wgmma64x128s4, Gather>("64x128x64 s4"),
    wgmma_candidate<Wgmma128x64s4, Gather>("128x64x64 s4"),
    wgmma_candidate<Wgmma64x64s4, Gather>("64x64x64 s4"),
    wgmma_candidate<Wgmma128x256s4, Gather>("128x256x64 s4"),
};
// [wgmma-shapes]

void launch_wgmma_tuned(const Bf16ConvArgs& args, cudaStream_t stream) {
  launch_fastest(wgmma_family(), args, true, stream);
}
std::string wgmma_tuned_choice(const ConvProblem& problem) { return fastest_note(wgmma_family(), true, problem); }

void launch_masked_tuned(const Bf16ConvArgs& args, cudaStream_t stream) {
  launch_fastest(masked_wgmma_family(), args, true, stream);
}
std::string masked_tuned_choice(const ConvProblem& problem) {
  return fastest_note(masked_wgmma_family(), true, problem);
}

/// The table shows both rungs against the peak of chapter 09's wgmma m64n128k16 micro-benchmark,
/// 13h too, whichever width it chose: one yardstick for the rung (m64n64k16 has no
/// micro-benchmark of its own).
ConvRung wgmma_rung(ConvRung rung) {
  rung.instruction = wgmma::kInstruction<Wgmma128x128s4>;
  return rung;
}

// [rungs]
const bool registered[] = {
    register_conv(wgmma_rung({"13g implicit GEMM, wgmma", 13, RungKind::Chapter,
                              launch_implicit_wgmma<Wgmma128x128s4, HoistedGather>, wgmma_requirements(),
                              "13b's gather into the 128-byte swizzle wgmma reads; two warpgroups each issue wgmma "
                              "m64n128k16 from shared memory, one k-tile in flight; 128x128x64, 4 stages, 129 KB"})),
    register_conv(wgmma_rung({"13h wgmma tuned per layer, split-K", 13, RungKind::Chapter, launch_wgmma_tuned,
                              wgmma_requirements(),
                              "13g at the fastest of its 6 shapes, each timed at 1 to 4 splits of the k-tiles (fewer "
                              "where the partial sums would pass 32 MiB) on the first launch (13f's choice, for wgmma)",
                              split_k_workspace_bytes, wgmma_tuned_choice})),
    register_conv(wgmma_rung({"13i masked gather, wgmma tuned", 13, RungKind::Chapter, launch_masked_tuned,
                              with_masked_gather(wgmma_requirements()),
                              "13h with each row's origin and a 64-bit mask of its taps inside the image computed "
                              "once: a chunk's offset is one add, its padding test one bit",
                              split_k_workspace_bytes, masked_tuned_choice})),
};
// [rungs]

}  // namespace

const TileFamily& wgmma_family() {
  static const TileFamily family{"wgmma", kWgmmaShapes<HoistedGather>, int(std::size(kWgmmaShapes<HoistedGather>))};
  return family;
}

const TileFamily& masked_wgmma_family() {
  static const TileFamily family{"wgmma, masked gather", kWgmmaShapes<MaskedGather>,
                                 int(std::size(kWgmmaShapes<MaskedGather>))};
  return family;
}

}  // namespace ladder::implicit_gemm
