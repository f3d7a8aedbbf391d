/// \file gemm.cuh
/// \brief The one GEMM signature every rung implements, and the registry of rungs.
///
/// Every rung, cuBLAS included, computes the row-major product
///
///     C = alpha * A * B + beta * C      A: (m, k)   B: (k, n)   C: (m, n)
///
/// on device pointers, on a stream. Rungs register themselves (a GemmRung with
/// a name, a chapter, a launcher and its requirements) so that chapter
/// executables, tests and benchmarks iterate over one list instead of
/// repeating themselves.
#pragma once

#include <cuda_runtime.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ladder {

/// Arguments of one GEMM call. Leading dimensions are row strides in elements.
struct GemmArgs {
  int m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  float beta = 0.0f;  ///< 0 means C is write-only: its old contents (even NaN) are ignored
  const float* a = nullptr;
  int lda = 0;  ///< >= k
  const float* b = nullptr;
  int ldb = 0;  ///< >= n
  float* c = nullptr;
  int ldc = 0;  ///< >= n
};

/// Launches the rung's kernel(s) asynchronously on `stream`; checks the launch
/// and throws CudaError if it failed.
using GemmLauncher = void (*)(const GemmArgs& args, cudaStream_t stream);

/// What a rung needs from the problem and the device. Anything else is
/// rejected by unsupported_reason() before the launcher is called.
struct GemmRequirements {
  int min_compute_capability = 0;  ///< e.g. 80 for sm_80 (cp.async); 0 = any
  int m_multiple = 1;              ///< m must be a multiple of this
  int n_multiple = 1;
  int k_multiple = 1;
  int alignment_bytes = 4;  ///< pointers and leading dimensions (in bytes) must be multiples of this
};

/// Where a rung comes from; chapter executables show Vendor and Chapter rungs.
enum class RungKind { Vendor, Chapter, Solution, Exercise };

/// One entry of the registry.
struct GemmRung {
  std::string name;  ///< unique, shown in tables: "01 naive"
  int chapter = 0;   ///< 0 for the vendor library
  RungKind kind = RungKind::Chapter;
  GemmLauncher launch = nullptr;
  GemmRequirements requirements;
  std::string summary;  ///< one line: the idea of the rung
};

/// Adds a rung; called from a static initialiser in the rung's .cu file:
///
///     namespace { const bool registered = ladder::register_gemm({...}); }
///
/// Throws std::logic_error on a duplicate name. Returns true.
bool register_gemm(GemmRung rung);

/// All registered rungs linked into this program, ordered by chapter, then
/// kind (chapter, solution, exercise), then registration order.
std::vector<GemmRung> gemm_registry();

/// The rung with this name, or nothing.
std::optional<GemmRung> find_gemm(std::string_view name);

/// Why `rung` cannot run this problem on a device of the given compute
/// capability (major*10+minor), or nothing when it can.
std::optional<std::string> unsupported_reason(const GemmRung& rung, const GemmArgs& args, int compute_capability);

/// "chapter", "solution", ... for tables and JSON.
const char* to_string(RungKind kind);

}  // namespace ladder
