/// \file mma_peak.cuh
/// \brief The mma.sync rate probe (mma_peak.cu): mma.sync m16n8k16 bf16 from registers with a
/// chosen number of warps per scheduler and independent accumulators per warp.
///
/// The registered peak fills every SM with 8 chains per warp. The probe asks what it takes
/// to get there: by Little's law, a scheduler retiring r mma.sync per clock, each taking L
/// clocks, needs r · L of them in flight. One warp with one chain measures L; more warps or
/// more chains show where the rate stops growing. bench_gemm times every point of the grid.
#pragma once

#include <cuda_runtime.h>

#include <string>
#include <vector>

namespace ladder::mma_sync {

/// One point of the probe: `warps_per_scheduler` warps on each of every SM's 4 schedulers
/// (blocks of kRateProbeWarpsPerBlock warps), each warp keeping `chains` independent accumulators, so up to
/// warps_per_scheduler · chains mma.sync are in flight per scheduler.
struct RateProbe {
  int warps_per_scheduler;
  int chains;  ///< one of kRateProbeChains
};
inline constexpr int kRateProbeWarps[] = {1, 2, 4, 8};
/// Warps per probe block: one per scheduler, so warps_per_scheduler blocks per SM put that
/// many warps on each scheduler.
inline constexpr int kRateProbeWarpsPerBlock = 4;
inline constexpr int kRateProbeChains[] = {1, 2, 4, 8};

/// "" if the probe can run on this device with warps_per_scheduler blocks resident on every
/// SM at once; else why not. Throws CudaError on a failed CUDA call.
std::string rate_probe_problem(const RateProbe& probe);

/// Launches the probe on `stream`, warps_per_scheduler blocks per SM over `sms` SMs; block b
/// writes the SM it ran on (%smid) to block_sm[b] and the SM clocks its first warp's loop took
/// to block_clocks[b] (unless null), sms · warps_per_scheduler of each.
void launch_rate_probe(const RateProbe& probe, int sms, int* block_sm, long long* block_clocks, cudaStream_t stream);

/// SM clocks per mma.sync of one warp, the median over the blocks of launch_rate_probe's
/// block_clocks: with one chain, each mma.sync waits for the one before, so this is the
/// instruction's latency, counted in clocks whatever the clock's rate was.
double rate_probe_clocks_per_mma(const RateProbe& probe, std::vector<long long> block_clocks);

/// The floating-point operations of one launch on `sms` SMs.
double rate_probe_flops(const RateProbe& probe, int sms);

/// "" if `block_sm` (from launch_rate_probe) puts exactly `blocks_per_sm` blocks on each of
/// `sms` distinct SMs, the spread the probe's numbers assume; else what it shows. The SM ids
/// are %smid's, which need not run from 0 to sms - 1.
std::string rate_probe_spread_problem(const std::vector<int>& block_sm, int sms, int blocks_per_sm);

}  // namespace ladder::mma_sync
