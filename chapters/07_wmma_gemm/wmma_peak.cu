/// \file wmma_peak.cu
/// \brief The peak rate of `wmma::mma_sync` m16n16k16 (bf16 in, fp32 accumulate) on this GPU.
///
/// The ladder shows each WMMA rung as a percentage of this number: what the
/// instruction can do when nothing else (loads, addresses, barriers) is in
/// the way. Every warp multiplies fragments that are already in registers,
/// again and again, into kChains independent accumulators, so that while one
/// mma_sync waits for its predecessor's result the tensor cores work on
/// another chain.
#include <mma.h>

#include <algorithm>
#include <vector>

#include "chapters/07_wmma_gemm/wmma_gemm.cuh"
#include "common/core/device_buffer.cuh"
#include "common/core/timing.cuh"

namespace ladder::wmma_gemm {
namespace {

constexpr int kPeakThreads = 256;       // 8 warps per block
constexpr int kChains = 8;              // independent accumulators per warp
constexpr int kPeakIterations = 16384;  // mma_sync per chain per launch

// [peak-kernel]
/// kChains dependent sequences of mma_sync per warp, interleaved. The inputs
/// come from memory (so the compiler knows nothing about them), and the
/// accumulators are written out only when `write_out` is set, which the
/// timed launches never do: the compiler cannot prove that, so it keeps
/// every mma_sync.
__global__ void __launch_bounds__(kPeakThreads)
    wmma_peak_kernel(const bf16* inputs, float* sink, int iterations, int write_out) {
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
  AFragment a;
  BFragment b;
  wmma::load_matrix_sync(a, inputs, kFragK);
  wmma::load_matrix_sync(b, inputs + kFragM * kFragK, kFragN);
  AccumulatorFragment acc[kChains];
#pragma unroll
  for (int c = 0; c < kChains; ++c) wmma::fill_fragment(acc[c], 0.0f);
  for (int i = 0; i < iterations; ++i) {
#pragma unroll
    for (int c = 0; c < kChains; ++c) wmma::mma_sync(acc[c], a, b, acc[c]);
  }
  if (write_out) {  // every chain flows into what is stored (the same 16 × 16 floats for every warp)
#pragma unroll
    for (int c = 1; c < kChains; ++c)
      for (int e = 0; e < acc[0].num_elements; ++e) acc[0].x[e] += acc[c].x[e];
    wmma::store_matrix_sync(sink, acc[0], kFragN, wmma::mem_row_major);
  }
#else
  __trap();  // bf16 WMMA needs sm_80; measure_wmma_peak() returns 0 on older GPUs
#endif
}
// [peak-kernel]

/// Dense TFLOP/s of mma_sync m16n16k16 bf16 on the current device, or 0 when
/// it has no bf16 WMMA (compute capability below 8.0).
double measure_wmma_peak() {
  int device = 0, sms = 0, major = 0;
  LADDER_CUDA_CHECK(cudaGetDevice(&device));
  LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  LADDER_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  if (major < 8) return 0.0;
  require_sm80_code(reinterpret_cast<const void*>(wmma_peak_kernel));

  // Enough blocks to fill every SM with as many warps as it holds at once.
  int blocks_per_sm = 0;
  LADDER_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, wmma_peak_kernel, kPeakThreads, 0));
  const int blocks = sms * std::max(blocks_per_sm, 1);
  const int warps = blocks * kPeakThreads / 32;

  // A and B: small values of both signs (exact in bf16), so the sums stay finite.
  std::vector<bf16> host_inputs(2 * kFragM * kFragK);
  for (std::size_t i = 0; i < host_inputs.size(); ++i) host_inputs[i] = __float2bfloat16(float(int(i % 7) - 3) / 64.0f);
  const DeviceBuffer<bf16> inputs(host_inputs);
  DeviceBuffer<float> sink(kFragM * kFragN);

  // CUDA events around each launch; one warm-up launch first (clocks, code loading), no L2 flush (no memory traffic).
  const TimingStats time = time_on_gpu(
      [&](cudaStream_t stream) {
        wmma_peak_kernel<<<blocks, kPeakThreads, 0, stream>>>(inputs.data(), sink.data(), kPeakIterations, 0);
        LADDER_CHECK_LAUNCH();
      },
      TimingConfig{1, 5, false});
  const double flops = double(warps) * kChains * kPeakIterations * kFlopsPerMma;
  return flops / (time.median_ms * 1e-3) / 1e12;
}

const bool registered = register_instruction_peak(
    {"wmma m16n16k16 bf16", measure_wmma_peak,
     "8 independent mma_sync chains per warp on register fragments, every SM full; median of 5 launches"});

}  // namespace
}  // namespace ladder::wmma_gemm
