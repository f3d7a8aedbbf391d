#include "common/gemm/reference.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ladder {

std::vector<double> reference_gemm(const HostMatrix& a, const HostMatrix& b, const HostMatrix* c0, float alpha,
                                   float beta) {
  const int m = a.rows, k = a.cols, n = b.cols;
  if (b.rows != k) throw std::invalid_argument("reference_gemm: A is m x k but B is not k x n");
  if (beta != 0.0f && (c0 == nullptr || c0->rows != m || c0->cols != n))
    throw std::invalid_argument("reference_gemm: beta != 0 needs C0 of shape m x n");

  std::vector<double> c(std::size_t(m) * n, 0.0);
  // i-p-j loop order: the inner loop walks rows of B and C contiguously, which
  // is the cache-friendly order for row-major storage.
  for (int i = 0; i < m; ++i) {
    double* c_row = &c[std::size_t(i) * n];
    for (int p = 0; p < k; ++p) {
      const double a_ip = a.at(i, p);
      const float* b_row = &b.values[std::size_t(p) * n];
      for (int j = 0; j < n; ++j) c_row[j] += a_ip * double(b_row[j]);
    }
    for (int j = 0; j < n; ++j) {
      c_row[j] *= alpha;
      if (beta != 0.0f) c_row[j] += double(beta) * double(c0->at(i, j));
    }
  }
  return c;
}

double fp32_gemm_tolerance(int k) {
  const double unit_roundoff = std::ldexp(1.0, -24);
  return 4.0 * unit_roundoff * std::sqrt(double(std::max(k, 16)));
}

}  // namespace ladder
