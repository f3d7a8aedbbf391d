// GPU: the cuBLAS baseline and the fp64 cuBLAS oracle agree with the CPU reference.
#include <gtest/gtest.h>

#include "common/core/device_buffer.cuh"
#include "common/core/device_info.cuh"
#include "common/core/metrics.hpp"
#include "common/gemm/cublas.cuh"
#include "common/gemm/elements.cuh"
#include "common/gemm/precision.hpp"
#include "common/gemm/reference.hpp"
#include "common/gemm/testing/rung_test.cuh"

namespace ladder {
namespace {

// The vendor rung goes through exactly the same checks as every chapter's rung.
LADDER_GEMM_RUNG_TESTS(CuBlas, 0, RungKind::Vendor);

TEST(CublasOracle, MatchesCpuReferenceInDouble) {
  LADDER_SKIP_WITHOUT_GPU();
  const HostMatrix a = random_matrix(100, 77, 1), b = random_matrix(77, 51, 2), c0 = random_matrix(100, 51, 3);
  const std::vector<double> gpu = cublas_reference_gemm(a, b, &c0, 0.75f, -1.5f);
  const std::vector<double> cpu = reference_gemm(a, b, &c0, 0.75f, -1.5f);
  ASSERT_EQ(gpu.size(), cpu.size());
  for (std::size_t i = 0; i < cpu.size(); ++i) EXPECT_NEAR(gpu[i], cpu[i], 1e-12) << "element " << i;
}

// bench_gemm's layout comparison times cuBLAS bf16 with B stored n x k: it must be the same product.
TEST(CublasBf16, BStoredNByKIsTheSameProduct) {
  LADDER_SKIP_WITHOUT_GPU();
  const int m = 100, n = 72, k = 56;  // ragged m, n and k differ, so a swapped dimension shows
  const HostMatrix a = rounded_to_bf16(random_matrix(m, k, 4)), b = rounded_to_bf16(random_matrix(k, n, 5));
  HostMatrix b_n_by_k(n, k);
  for (int row = 0; row < k; ++row)
    for (int col = 0; col < n; ++col) b_n_by_k.at(col, row) = b.at(row, col);
  DeviceBuffer<__nv_bfloat16> a_device(to_elements<__nv_bfloat16>(a.values));
  DeviceBuffer<__nv_bfloat16> b_device(to_elements<__nv_bfloat16>(b_n_by_k.values));
  DeviceBuffer<__nv_bfloat16> c_device(
      to_elements<__nv_bfloat16>(std::vector<float>(std::size_t(m) * n, poison_value())));
  const Bf16GemmArgs args{m, n, k, 1.0f, 0.0f, a_device.data(), k, b_device.data(), /*ldb=*/k, c_device.data(), n};
  cublas_bf16_gemm(args, nullptr, BLayout::n_by_k);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  const ErrorReport report =
      compare_to_reference(to_floats(c_device.download()), reference_gemm(a, b, nullptr, 1.0f, 0.0f),
                           bf16_gemm_tolerance(k), row_col_namer(n));
  EXPECT_TRUE(report.passed()) << report.describe();
  EXPECT_NE(cublas_bf16_algorithm_note(args, BLayout::n_by_k), "");
}

}  // namespace
}  // namespace ladder
