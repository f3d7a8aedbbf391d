/// \file tune_wgmma.cu
/// \brief `tune_wgmma`: cuBLAS bf16, chapter 09's rungs and the candidates of
/// tune_wgmma_candidates.cuh on one bf16 problem, each checked against the fp64 oracle and
/// timed: issue 13's ideas combined, in one run.
///
///     build/bin/tune_wgmma --m 4096 --n 4096 --k 4096 --precision bf16 --json tune-wgmma-4096.json
///
/// `benchmarks/run_gpu.sh`'s tune phase runs it, on a GPU of compute capability 9.0, as it runs
/// tune_simt: on a ragged problem first, then at 2048³, 4096³ and 8192³; `gpu_run.py tune
/// --sweep wgmma` puts the runs side by side with chapter 09's targets. The flags are the
/// chapter executables'.
#include <iostream>
#include <limits>
#include <string>
#include <tuple>

#include "benchmarks/tune_wgmma_candidates.cuh"
#include "chapters/09_wgmma_tma_gemm/wgmma_launch.cuh"
#include "common/core/cuda_check.cuh"
#include "common/core/table.hpp"
#include "common/gemm/runner.cuh"

namespace ladder::tune_wgmma {
namespace {

/// What a candidate changes in 09c, for the registry's summary.
template <class Cfg>
std::string candidate_summary() {
  std::string summary = "09c's kernel in bands of " + std::to_string(Cfg::kBandRows) + " tile rows, ";
  summary += Cfg::kMmaInFlight == 0
                 ? std::string("waiting for every wgmma at each k-tile")
                 : "wgmma left running over " + std::to_string(Cfg::kMmaInFlight) + " k-tile(s) (09e)";
  summary += Cfg::kCluster == 1 ? std::string(", no clusters")
                                : ", clusters of " + std::to_string(Cfg::kCluster) + " sharing B (09d)";
  if (Cfg::kReleasePerWarpgroup) summary += ", a stage handed back once per consumer warpgroup, not per warp";
  if (Cfg::kMaxCtas > 0) summary += ", on at most " + std::to_string(Cfg::kMaxCtas) + " CTAs";
  return summary;
}

template <class... Cfgs>
bool register_candidates(std::tuple<Cfgs...>* /*type list*/) {
  return (register_gemm(
              wgmma::wgmma_rung<Cfgs>(candidate_name<Cfgs>(), RungKind::Candidate, candidate_summary<Cfgs>(), 0)) &&
          ...);
}

const bool registered = register_candidates(static_cast<Candidates*>(nullptr));

/// One candidate's row: its registers as ptxas left them (setmaxnreg moves them between the
/// warpgroups at run time), its shared memory, and how many CTAs run at once.
template <class Cfg>
void add_resources_row(Table& table) {
  cudaFuncAttributes attributes{};
  LADDER_CUDA_CHECK(cudaFuncGetAttributes(&attributes, wgmma::persistent_kernel<Cfg>));
  const long long ctas = wgmma::persistent_ctas<Cfg>(std::numeric_limits<long long>::max());  // on a large problem
  table.add_row({candidate_name<Cfg>(), std::to_string(attributes.numRegs), std::to_string(attributes.localSizeBytes),
                 std::to_string(Cfg::kSmemBytes / 1024), std::to_string(ctas)});
}

template <class... Cfgs>
void print_resources(std::tuple<Cfgs...>* /*type list*/, std::ostream& out) {
  int device = 0, major = 0, minor = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
  if (major != 9 || minor != 0 || !wgmma::requirements().missing_from_build.empty()) {
    out << "\nNo resources table: the candidates need sm_90a code and a GPU of compute capability 9.0.\n";
    return;
  }
  Table table({"candidate", "registers at launch", "local bytes (spills)", "shared KB", "CTAs at once"});
  (add_resources_row<Cfgs>(table), ...);
  out << "\nThe candidates' resources on this GPU, as its driver reports them (CTAs at once: whole\n"
         "clusters that fit, each in one GPC, times the cluster size).\n";
  table.print(out);
}

}  // namespace
}  // namespace ladder::tune_wgmma

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(
      argc, argv, {0, "Chapter 09's ideas combined: bands, clusters and wgmma in flight", [](std::ostream& out) {
                     ladder::tune_wgmma::print_resources(static_cast<ladder::tune_wgmma::Candidates*>(nullptr), out);
                   }});
}
