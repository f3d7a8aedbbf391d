#include <vector>

#include "common/core/device_buffer.cuh"
#include "common/core/host_matrix.hpp"
#include "common/gemm/ceilings.cuh"
#include "common/gemm/cublas.cuh"
#include "common/gemm/elements.cuh"

namespace ladder {

Ceilings measure_ceilings(const TimingConfig& config, bool with_bf16, int cublas_size) {
  Ceilings ceilings;
  {
    // 1 GiB each way: far larger than L2, so this is DRAM bandwidth.
    const std::size_t bytes = std::size_t(1) << 30;
    DeviceBuffer<char> source(bytes), destination(bytes);
    LADDER_CUDA_CHECK(cudaMemset(source.data(), 1, bytes));
    const TimingStats copy = time_on_gpu(
        [&](cudaStream_t stream) {
          LADDER_CUDA_CHECK(
              cudaMemcpyAsync(destination.data(), source.data(), bytes, cudaMemcpyDeviceToDevice, stream));
        },
        config);
    ceilings.copy_bandwidth_gbs = 2.0 * bytes / (copy.median_ms * 1e-3) / 1e9;  // read + write
  }
  {
    const int n = cublas_size;
    std::vector<float> values(std::size_t(n) * n);
    fill_random(values, 1);
    DeviceBuffer<float> a(values), b(values), c(values.size());
    GemmArgs args{n, n, n, 1.0f, 0.0f, a.data(), n, b.data(), n, c.data(), n};
    const TimingStats gemm = time_on_gpu([&](cudaStream_t stream) { cublas_sgemm(args, stream); }, config);
    ceilings.cublas_tflops = 2.0 * n * double(n) * n / (gemm.median_ms * 1e-3) / 1e12;
    ceilings.cublas_size = n;
    if (with_bf16) {
      DeviceBuffer<__nv_bfloat16> a16(to_elements<__nv_bfloat16>(values)), b16(a16.size()), c16(a16.size());
      LADDER_CUDA_CHECK(cudaMemcpy(b16.data(), a16.data(), a16.size() * 2, cudaMemcpyDeviceToDevice));
      Bf16GemmArgs args16{n, n, n, 1.0f, 0.0f, a16.data(), n, b16.data(), n, c16.data(), n};
      // The first call at a shape times cuBLASLt's candidates (cublas.cuh); it
      // happens here, untimed, even with --warmup 0.
      cublas_bf16_gemm(args16, nullptr);
      const TimingStats bf16 = time_on_gpu([&](cudaStream_t stream) { cublas_bf16_gemm(args16, stream); }, config);
      ceilings.cublas_bf16_tflops = 2.0 * n * double(n) * n / (bf16.median_ms * 1e-3) / 1e12;
    }
  }
  return ceilings;
}

}  // namespace ladder
