/// \file tune_simt.cu
/// \brief `tune_simt`: cuBLAS, chapter 06's steps and the tuning candidates
/// (tune_simt_candidates.cuh) on one fp32 problem, each checked against the fp64 oracle and
/// timed: the first round of issue 9's SIMT tuning in one run.
///
///     build/bin/tune_simt --m 4096 --n 4096 --k 4096 --precision fp32 --json tune-4096.json
///
/// `benchmarks/run_gpu.sh`'s tune phase runs it on a ragged problem (every candidate's edge
/// paths against the oracle), then at 2048³, 4096³ and 8192³, and `gpu_run.py tune` puts the
/// runs side by side with the issue's targets. The flags are the chapter executables'.
#include <iostream>
#include <tuple>

#include "benchmarks/tune_simt_candidates.cuh"
#include "common/core/cuda_check.cuh"
#include "common/core/table.hpp"
#include "common/gemm/runner.cuh"

namespace ladder::tune_simt {
namespace {

/// Registers each candidate as a rung of kind Candidate, on the cp.async pipeline.
template <class... Cfgs>
bool register_candidates(std::tuple<Cfgs...>* /*type list*/) {
  return (register_gemm(warp_tiling::warp_tiling_rung<Cfgs, warp_tiling::Pipeline::kCpAsync>(
              candidate_name<Cfgs>(), RungKind::Candidate,
              "chapter 06's cp.async kernel, " + std::to_string(Cfgs::kThreads) + " threads, " +
                  std::to_string(Cfgs::kSmemBytes / 1024) + " KB shared")) &&
          ...);
}

const bool registered = register_candidates(static_cast<Candidates*>(nullptr));

/// One candidate's row: what the driver says its kernel uses, and so how many blocks fit an SM.
template <class Cfg>
void add_resources_row(Table& table) {
  const auto kernel = warp_tiling::cp_async_kernel<Cfg>;
  cudaFuncAttributes attributes{};
  LADDER_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
  LADDER_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, Cfg::kSmemBytes));
  int blocks = 0;
  LADDER_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, kernel, Cfg::kThreads, Cfg::kSmemBytes));
  table.add_row({candidate_name<Cfg>(), std::to_string(Cfg::kThreads), std::to_string(attributes.numRegs),
                 std::to_string(attributes.localSizeBytes), std::to_string(Cfg::kSmemBytes / 1024),
                 std::to_string(blocks), std::to_string(blocks * Cfg::kThreads / 32)});
}

template <class... Cfgs>
void print_resources(std::tuple<Cfgs...>* /*type list*/, std::ostream& out) {
  Table table({"candidate", "threads", "registers", "local bytes (spills)", "shared KB", "blocks/SM", "warps/SM"});
  (add_resources_row<Cfgs>(table), ...);
  out << "\nThe candidates' resources on this GPU, as its driver reports them. tune_simt is built without\n"
         "the project's spills-are-errors rule, so that a candidate that spills a few bytes is measured\n"
         "rather than dropped: local bytes > 0 is a spill.\n";
  table.print(out);
}

}  // namespace
}  // namespace ladder::tune_simt

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(
      argc, argv,
      {0, "The SIMT tuning sweep: chapter 06's kernel over other tile configurations", [](std::ostream& out) {
         ladder::tune_simt::print_resources(static_cast<ladder::tune_simt::Candidates*>(nullptr), out);
       }});
}
