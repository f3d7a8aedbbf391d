#include <algorithm>
#include <cstdint>
#include <sstream>
#include <stdexcept>

#include "common/gemm/cublas.cuh"
#include "common/gemm/gemm.cuh"

namespace ladder {

namespace {
// A function-local static is constructed on first use, so registrations made
// from other files' static initialisers never see an unconstructed vector.
// cuBLAS is always there: it is the oracle and the baseline of every table.
std::vector<GemmRung>& mutable_registry() {
  static std::vector<GemmRung> rungs{cublas_rung()};
  return rungs;
}
}  // namespace

bool register_gemm(GemmRung rung) {
  auto& rungs = mutable_registry();
  if (rung.name.empty() || rung.launch == nullptr) throw std::logic_error("register_gemm: name and launcher needed");
  for (const auto& existing : rungs)
    if (existing.name == rung.name) throw std::logic_error("register_gemm: duplicate rung '" + rung.name + "'");
  rungs.push_back(std::move(rung));
  return true;
}

std::vector<GemmRung> gemm_registry() {
  std::vector<GemmRung> rungs = mutable_registry();
  std::stable_sort(rungs.begin(), rungs.end(), [](const GemmRung& x, const GemmRung& y) {
    if (x.chapter != y.chapter) return x.chapter < y.chapter;
    return int(x.kind) < int(y.kind);
  });
  return rungs;
}

std::optional<GemmRung> find_gemm(std::string_view name) {
  for (const auto& rung : mutable_registry())
    if (rung.name == name) return rung;
  return std::nullopt;
}

std::optional<std::string> unsupported_reason(const GemmRung& rung, const GemmArgs& args, int compute_capability) {
  const GemmRequirements& need = rung.requirements;
  std::ostringstream why;
  if (compute_capability < need.min_compute_capability) {
    why << "needs compute capability " << need.min_compute_capability / 10 << "." << need.min_compute_capability % 10
        << ", device has " << compute_capability / 10 << "." << compute_capability % 10;
  } else if (args.m % need.m_multiple != 0 || args.n % need.n_multiple != 0 || args.k % need.k_multiple != 0) {
    why << "needs m, n, k multiples of " << need.m_multiple << ", " << need.n_multiple << ", " << need.k_multiple
        << " (got " << args.m << ", " << args.n << ", " << args.k << ")";
  } else {
    const auto misaligned = [&](const void* pointer, int leading_dimension) {
      return reinterpret_cast<std::uintptr_t>(pointer) % need.alignment_bytes != 0 ||
             (std::size_t(leading_dimension) * sizeof(float)) % need.alignment_bytes != 0;
    };
    if (misaligned(args.a, args.lda) || misaligned(args.b, args.ldb) || misaligned(args.c, args.ldc))
      why << "needs " << need.alignment_bytes << "-byte aligned pointers and leading dimensions";
  }
  const std::string reason = why.str();
  if (reason.empty()) return std::nullopt;
  return reason;
}

const char* to_string(RungKind kind) {
  switch (kind) {
    case RungKind::Vendor:
      return "vendor";
    case RungKind::Chapter:
      return "chapter";
    case RungKind::Solution:
      return "solution";
    case RungKind::Exercise:
      return "exercise";
  }
  return "?";
}

}  // namespace ladder
