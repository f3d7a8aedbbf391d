/// \file mma_peak.cu
/// \brief The peak of mma.sync m16n8k16 (bf16 in, fp32 accumulate) on this GPU: a
/// micro-benchmark that issues nothing but that instruction, from registers.
///
/// Registered as the instruction peak every chapter 08 rung is shown against ("% of
/// instr. peak" in the bf16 table). It answers: how fast could a kernel built on
/// mma.sync go if feeding the tensor cores cost nothing?
///
/// - Each warp keeps kChains independent accumulator sets, so kChains mma.sync are in
///   flight at once and the latency of one (tens of clocks) hides behind the others.
/// - As many blocks as fit on every SM at once, so every SM sub-partition has warps to issue from.
/// - The operands never change and never touch memory: only the tensor pipe is measured.
/// - Timed with CUDA events (common/core/timing: warm-up, then the median of repeats).
/// - The accumulators are written out only when a run-time flag says so (it never does),
///   so the compiler cannot drop the work, and the loop writes nothing to memory.
///
/// The same kernel, with 1, 2, 4 or 8 chains, is the rate probe (mma_peak.cuh) that
/// bench_gemm times at 1 to 8 warps per scheduler.
#include "chapters/08_mma_sync_gemm/mma_peak.cuh"

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/08_mma_sync_gemm/mma_sync_gemm.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/metrics.hpp"
#include "common/core/timing.cuh"

namespace ladder::mma_sync {
namespace {

constexpr int kChains = 8;         // independent mma.sync per warp per iteration
constexpr int kPeakThreads = 256;  // per block
constexpr int kIterations = 8192;  // per warp: 8192 x 8 mma.sync
constexpr double kFlopsPerMma = 2.0 * mma::kMmaM * mma::kMmaN * mma::kMmaK;  // 4096
constexpr int kProbeThreads = kRateProbeWarpsPerBlock * mma::kWarpSize;

// [mma-peak-kernel]
template <int Chains>
__global__ void __launch_bounds__(kPeakThreads)
    mma_peak_kernel(int iterations, int write_out, float* sink, int* block_sm, long long* block_clocks) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  // Finite bf16 operands that the compiler cannot know: they depend on the lane.
  const __nv_bfloat162 value = __floats2bfloat162_rn(1.0f + threadIdx.x * 1e-3f, 0.5f);
  const unsigned bits = *reinterpret_cast<const unsigned*>(&value);
  const unsigned a[4] = {bits, bits, bits, bits}, b[2] = {bits, bits};
  float acc[Chains][mma::kCElementsPerLane] = {};
  const long long start = clock64();  // SM clocks: a count that does not depend on the clock's rate
  for (int i = 0; i < iterations; ++i) {
#pragma unroll
    for (int c = 0; c < Chains; ++c) mma_step(acc[c], a, b);  // Chains independent chains
  }
  if (block_clocks != nullptr && threadIdx.x == 0) block_clocks[blockIdx.x] = clock64() - start;
  if (write_out) {
    float sum = 0.0f;
#pragma unroll
    for (int c = 0; c < Chains; ++c)
      for (float x : acc[c]) sum += x;
    sink[blockIdx.x * blockDim.x + threadIdx.x] = sum;
  }
  if (block_sm != nullptr && threadIdx.x == 0) {  // the probe checks where its blocks ran
    unsigned sm = 0;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(sm));
    block_sm[blockIdx.x] = int(sm);
  }
#else
  __trap();  // before sm_80 there is no bf16 mma.sync; measure_mma_sync_peak refuses first
#endif
}
// [mma-peak-kernel]

/// The kernel of `chains` chains (one of kRateProbeChains, or kChains).
using PeakKernel = void (*)(int, int, float*, int*, long long*);
PeakKernel peak_kernel(int chains) {
  switch (chains) {
    case 1:
      return mma_peak_kernel<1>;
    case 2:
      return mma_peak_kernel<2>;
    case 4:
      return mma_peak_kernel<4>;
    case 8:
      return mma_peak_kernel<8>;
  }
  throw std::invalid_argument("mma.sync probe: " + std::to_string(chains) + " chains; 1, 2, 4 or 8");
}

/// Refuses a device or a build that cannot run bf16 mma.sync, with the reason.
void require_mma_sync(PeakKernel kernel) {
  int device = 0, major = 0, minor = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
  if (major * 10 + minor < 80)
    throw std::runtime_error("mma.sync m16n8k16 with bf16 needs compute capability 8.0, device has " +
                             std::to_string(major) + "." + std::to_string(minor));
  cudaFuncAttributes attributes{};
  LADDER_CUDA_CHECK(cudaFuncGetAttributes(&attributes, kernel));
  if (attributes.ptxVersion < 80)
    throw std::runtime_error("the mma.sync micro-benchmark was compiled for compute_" +
                             std::to_string(attributes.ptxVersion) + " only; rebuild for 80 or newer");
}

/// Dense TFLOP/s of mma.sync m16n8k16 bf16 on the current device.
double measure_mma_sync_peak() {
  require_mma_sync(mma_peak_kernel<kChains>);
  int device = 0, sms = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  int blocks_per_sm = 0;
  LADDER_CUDA_CHECK(
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, mma_peak_kernel<kChains>, kPeakThreads, 0));
  const int blocks = sms * blocks_per_sm;  // one full wave: every SM holds as many warps as it can
  DeviceBuffer<float> sink(static_cast<std::size_t>(blocks) * kPeakThreads);

  TimingConfig timing;
  timing.warmup = 2;
  timing.repeat = 5;
  timing.flush_l2 = false;  // nothing here touches memory
  const TimingStats stats = time_on_gpu(
      [&](cudaStream_t stream) {
        mma_peak_kernel<kChains><<<blocks, kPeakThreads, 0, stream>>>(kIterations, 0, sink.data(), nullptr, nullptr);
        LADDER_CHECK_LAUNCH();
      },
      timing);
  const double flops = double(blocks) * (kPeakThreads / mma::kWarpSize) * kIterations * kChains * kFlopsPerMma;
  return flops / (stats.median_ms * 1e-3) / 1e12;
}

const bool registered = register_instruction_peak(
    {kInstruction, measure_mma_sync_peak,
     "8 independent mma.sync chains per warp, every SM full, operands in registers; median of 5 timed runs"});

}  // namespace

std::string rate_probe_problem(const RateProbe& probe) {
  const PeakKernel kernel = peak_kernel(probe.chains);
  require_mma_sync(kernel);
  int blocks_per_sm = 0;
  LADDER_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, kernel, kProbeThreads, 0));
  if (probe.warps_per_scheduler < 1 || probe.warps_per_scheduler > blocks_per_sm)
    return std::to_string(probe.warps_per_scheduler) + " blocks of " + std::to_string(kRateProbeWarpsPerBlock) +
           " warps per SM asked for; " + std::to_string(blocks_per_sm) + " fit";
  return "";
}

void launch_rate_probe(const RateProbe& probe, int sms, int* block_sm, long long* block_clocks, cudaStream_t stream) {
  peak_kernel(probe.chains)<<<sms * probe.warps_per_scheduler, kProbeThreads, 0, stream>>>(kIterations, 0, nullptr,
                                                                                           block_sm, block_clocks);
  LADDER_CHECK_LAUNCH();
}

double rate_probe_clocks_per_mma(const RateProbe& probe, std::vector<long long> block_clocks) {
  if (block_clocks.empty()) throw std::invalid_argument("mma.sync probe: no block's clocks");
  return median(std::vector<double>(block_clocks.begin(), block_clocks.end())) / (double(kIterations) * probe.chains);
}

double rate_probe_flops(const RateProbe& probe, int sms) {
  return double(sms) * probe.warps_per_scheduler * kRateProbeWarpsPerBlock * kIterations * probe.chains * kFlopsPerMma;
}

std::string rate_probe_spread_problem(const std::vector<int>& block_sm, int sms, int blocks_per_sm) {
  std::map<int, int> blocks_on;  // by %smid, which PTX does not promise to number 0 .. sms - 1
  for (int sm : block_sm) ++blocks_on[sm];
  if (int(blocks_on.size()) != sms)
    return "the blocks ran on " + std::to_string(blocks_on.size()) + " SMs, not " + std::to_string(sms);
  for (const auto& [sm, blocks] : blocks_on)
    if (blocks != blocks_per_sm)
      return "SM " + std::to_string(sm) + " ran " + std::to_string(blocks) + " blocks, not " +
             std::to_string(blocks_per_sm);
  return "";
}

}  // namespace ladder::mma_sync
