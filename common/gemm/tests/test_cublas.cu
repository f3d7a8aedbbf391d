// GPU: the cuBLAS baseline and the fp64 cuBLAS oracle agree with the CPU reference.
#include <gtest/gtest.h>

#include "common/core/device_info.cuh"
#include "common/core/metrics.hpp"
#include "common/gemm/cublas.cuh"
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

}  // namespace
}  // namespace ladder
