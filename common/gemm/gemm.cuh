/// \file common/gemm/gemm.cuh
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
///
/// A rung has one precision, fixed by its launcher's argument type: fp32
/// (chapters 01-06, plain `float*`), or bf16 inputs and output with fp32
/// accumulation (the tensor-core chapters). alpha and beta are fp32 in both.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/launch.hpp"
#include "common/core/rung_kind.hpp"

namespace ladder {

/// Arguments of one GEMM call on matrices of `Element`. Leading dimensions are
/// row strides in elements.
template <typename Element>
struct GemmArgsOf {
  int m = 0, n = 0, k = 0;
  float alpha = 1.0f;
  float beta = 0.0f;  ///< 0 means C is write-only: its old contents (even NaN) are ignored
  const Element* a = nullptr;
  int lda = 0;  ///< >= k
  const Element* b = nullptr;
  int ldb = 0;  ///< >= n
  Element* c = nullptr;
  int ldc = 0;  ///< >= n
};

/// fp32 A, B and C: chapters 01-06.
using GemmArgs = GemmArgsOf<float>;
/// bf16 A, B and C, accumulated in fp32: the tensor-core chapters.
using Bf16GemmArgs = GemmArgsOf<__nv_bfloat16>;

/// The element type of a rung's A, B and C.
enum class Precision { Fp32, Bf16 };

/// A rung's launcher, of either precision (common/core/launch.hpp).
using GemmLaunch = TwoPrecisionLaunch<GemmArgs, Bf16GemmArgs, Precision, Precision::Fp32, Precision::Bf16>;
/// Launches the rung's kernel(s) asynchronously on `stream`; checks the launch
/// and throws CudaError if it failed.
using GemmLauncher = GemmLaunch::Fp32Launcher;
/// The same for a bf16 rung.
using Bf16GemmLauncher = GemmLaunch::Bf16Launcher;

/// What a rung needs from the problem and the device. Anything else is
/// rejected by unsupported_reason() before the launcher is called.
struct GemmRequirements {
  /// e.g. 80 for sm_80 (cp.async); 0 = any. 80 or more also needs a build with a target that new
  /// (common/core/build_targets.hpp), or the rung skips.
  int min_compute_capability = 0;
  int m_multiple = 1;  ///< m must be a multiple of this
  int n_multiple = 1;
  int k_multiple = 1;
  int alignment_bytes = 4;  ///< pointers and leading dimensions (in bytes) must be multiples of this
  int min_k = 1;            ///< k must be at least this
  /// 0: any newer device too. Arch-specific code (sm_90a: wgmma) runs on its own compute
  /// capability only, e.g. 90 with min_compute_capability 90.
  int max_compute_capability = 0;
  /// Non-empty: why this build cannot run the rung anywhere (its kernel was compiled
  /// without the target it needs); shown as the reason it skips.
  std::string missing_from_build;
};

/// One entry of the registry.
struct GemmRung {
  std::string name;  ///< unique, shown in tables: "01 naive"
  int chapter = 0;   ///< 0 for the vendor library
  RungKind kind = RungKind::Chapter;
  GemmLaunch launch;
  GemmRequirements requirements;
  std::string summary;      ///< one line: the idea of the rung
  std::string instruction;  ///< tensor-core rungs: the instruction whose measured peak they are shown against
  /// bf16 rungs that can also read B stored n x k (k contiguous, cuBLAS's "TN", the layout
  /// public Hopper GEMMs are timed in): that launch, args.b then n rows of args.ldb >= k.
  /// Null for the others. bench_gemm times it beside the rung, and the shared rung tests
  /// check its product.
  Bf16GemmLauncher launch_b_n_by_k = nullptr;

  Precision precision() const { return launch.precision(); }
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
std::optional<std::string> unsupported_reason(const GemmRung& rung, const Bf16GemmArgs& args, int compute_capability);

/// "fp32" or "bf16".
const char* to_string(Precision precision);
/// Bytes per element of A, B and C.
int element_bytes(Precision precision);
/// The relative Frobenius error a GEMM of this precision may show against the
/// fp64 reference, for a reduction over k: fp32_gemm_tolerance or
/// bf16_gemm_tolerance, which say why.
double gemm_tolerance(Precision precision, int k);

/// The peak rate of one tensor-core instruction on this GPU, measured by a
/// micro-benchmark that issues only that instruction from registers. Chapters
/// register one per instruction; the runner shows each rung as a percentage
/// of its instruction's peak (GemmRung::instruction).
struct InstructionPeak {
  std::string instruction;               ///< "mma.sync m16n8k16 bf16"
  double (*measure_tflops)() = nullptr;  ///< runs the micro-benchmark (needs a device); dense TFLOP/s
  std::string summary;                   ///< one line: how it is measured
};

/// Adds an instruction's micro-benchmark; duplicates (by instruction) are ignored,
/// since two chapters may link the same one. Returns true.
bool register_instruction_peak(InstructionPeak peak);
/// The micro-benchmark of this instruction, or nothing.
std::optional<InstructionPeak> find_instruction_peak(std::string_view instruction);
/// Runs the micro-benchmark of each named instruction that has one, once each, printing
/// its result; returns instruction -> TFLOP/s. Shared by the GEMM and conv tables, whose
/// tensor-core rungs are shown as a percentage of their instruction's peak.
std::map<std::string, double> measure_instruction_peaks(const std::vector<std::string>& instructions);

}  // namespace ladder
