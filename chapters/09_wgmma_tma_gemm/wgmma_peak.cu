/// \file wgmma_peak.cu
/// \brief The peak of wgmma m64n128k16 and m64n256k16 (bf16 in, fp32 accumulate, both
/// operands from shared memory) on this GPU: a micro-benchmark that issues nothing else.
///
/// Registered as the instruction peak chapter 09's rungs are shown against ("% of instr.
/// peak" in the bf16 table). It answers: how fast could a kernel built on this wgmma go if
/// getting the tiles into shared memory cost nothing?
///
/// - One CTA per SM with two warpgroups, as 09b's consumers, so one warpgroup's issue gaps
///   and waits can be filled by the other's wgmma. The CTA asks for more than half the SM's
///   shared memory, so that no SM can hold two while another holds none.
/// - Each warpgroup multiplies the same A (64 x 64, K-major) and B (64 x N, MN-major)
///   tiles over and over, through the same descriptors the rungs use: the shared-memory
///   reads of a real k-loop, without its copies.
/// - Per k-tile: 4 wgmma on one accumulator set, commit, wait, as the rungs do.
/// - The accumulators are written out only when a run-time flag says so (it never does).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "chapters/09_wgmma_tma_gemm/wgmma_tma_gemm.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/timing.cuh"

namespace ladder::wgmma {
namespace {

constexpr int kPeakWarpgroups = 2;
constexpr int kPeakThreads = 128 * kPeakWarpgroups;
constexpr int kKTiles = 4096;  // per warpgroup: 4096 k-tiles of 4 wgmma
constexpr int kATileBytes = 64 * 64 * 2;
#ifdef LADDER_HAVE_SM90A
constexpr bool kBuiltForSm90a = true;
#else
constexpr bool kBuiltForSm90a = false;
#endif

template <int N>
constexpr int peak_smem_bytes() {
  return kATileBytes + 64 * N * 2 + hopper::kSw128AtomBytes;  // A, B, and the 1024-byte alignment slack
}

// [wgmma-peak-kernel]
template <int N>
__global__ void __launch_bounds__(kPeakThreads, 1) wgmma_peak_kernel(int k_tiles, int write_out, float* sink) {
#ifdef LADDER_SM90A_DEVICE
  unsigned char* smem = aligned_dynamic_smem();
  // Small finite operands (their values do not matter, NaN would not slow anything either).
  for (int i = int(threadIdx.x); i < (kATileBytes + 64 * N * 2) / 2; i += kPeakThreads)
    reinterpret_cast<bf16*>(smem)[i] = __float2bfloat16_rn(1.0f / 64);
  fence_proxy_async_smem();  // ordinary stores, read next by wgmma (the async proxy)
  __syncthreads();
  const std::uint32_t a_start = smem_address(smem), b_start = a_start + kATileBytes;
  float acc[N / 2] = {};
  for (int t = 0; t < k_tiles; ++t) {
    fence_accumulators(acc);
    wgmma_fence();
#pragma unroll
    for (int ks = 0; ks < 4; ++ks) {
      const std::uint64_t a = hopper::sw128_k_step_descriptor(a_start, ks);
      const std::uint64_t b = hopper::sw128_mn_k_step_descriptor(b_start, ks, 64);
      if constexpr (N == 256)
        wgmma_m64n256k16(acc, a, b);
      else
        wgmma_m64n128k16(acc, a, b);
    }
    wgmma_commit();
    wgmma_wait<0>();
    fence_accumulators(acc);
  }
  if (write_out) {
    float sum = 0.0f;
    for (float x : acc) sum += x;
    sink[blockIdx.x * kPeakThreads + threadIdx.x] = sum;
  }
#else
  __trap();  // not sm_90a; measure_wgmma_peak refuses first
#endif
}
// [wgmma-peak-kernel]

/// Dense TFLOP/s of wgmma m64nNk16 bf16 on the current device.
template <int N>
double measure_wgmma_peak() {
  const DeviceInfo device = query_device();
  const int sms = device.sm_count;
  if (device.compute_capability != 90)
    throw std::runtime_error("wgmma needs compute capability 9.0 (sm_90a), device has " +
                             std::to_string(device.compute_capability / 10) + "." +
                             std::to_string(device.compute_capability % 10));
  if (!kBuiltForSm90a) throw std::runtime_error("the wgmma micro-benchmark was built without sm_90a");
  const auto kernel = wgmma_peak_kernel<N>;
  // One CTA per SM by construction, not by the block scheduler's habit: asking for more than
  // half an SM's shared memory leaves no room for a second CTA that would idle another SM.
  int smem_per_sm = 0;
  LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&smem_per_sm, cudaDevAttrMaxSharedMemoryPerMultiprocessor, device.index));
  const int smem_bytes = std::max(peak_smem_bytes<N>(), smem_per_sm / 2 + 1);
  LADDER_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem_bytes));
  int ctas_per_sm = 0;
  LADDER_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&ctas_per_sm, kernel, kPeakThreads, smem_bytes));
  if (ctas_per_sm != 1)
    throw std::runtime_error("the wgmma micro-benchmark needs exactly one CTA per SM; the occupancy calculator says " +
                             std::to_string(ctas_per_sm));
  DeviceBuffer<float> sink(static_cast<std::size_t>(sms) * kPeakThreads);
  TimingConfig timing;
  timing.warmup = 2;
  timing.repeat = 5;
  timing.flush_l2 = false;  // nothing here touches global memory
  const TimingStats stats = time_on_gpu(
      [&](cudaStream_t stream) {
        kernel<<<sms, kPeakThreads, smem_bytes, stream>>>(kKTiles, 0, sink.data());
        LADDER_CHECK_LAUNCH();
      },
      timing);
  const double flops_per_wgmma = 2.0 * 64 * N * 16;
  const double flops = double(sms) * kPeakWarpgroups * kKTiles * 4 * flops_per_wgmma;
  return flops / (stats.median_ms * 1e-3) / 1e12;
}

const bool registered[] = {
    register_instruction_peak({kInstruction<Tile09a>, measure_wgmma_peak<128>,
                               "one CTA per SM, 2 warpgroups, each 4 wgmma per k-tile on one accumulator set from "
                               "fixed shared tiles, commit, wait; median of 5 timed runs"}),
    register_instruction_peak({kInstruction<Tile09b>, measure_wgmma_peak<256>,
                               "one CTA per SM, 2 warpgroups, each 4 wgmma per k-tile on one accumulator set from "
                               "fixed shared tiles, commit, wait; median of 5 timed runs"}),
};

}  // namespace
}  // namespace ladder::wgmma
