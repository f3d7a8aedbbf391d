/// \file common/conv/conv.cuh
/// \brief The one convolution signature every conv rung implements, and the registry of rungs.
///
/// Every rung, cuDNN included, computes y = conv(x, w) (problem.hpp) on device
/// pointers, on a stream, overwriting y. A rung's precision fixes its layout:
///
/// | precision | x      | w      | y      | accumulation | chapters            |
/// |-----------|--------|--------|--------|--------------|---------------------|
/// | fp32      | NCHW   | KCRS   | NCHW   | fp32         | 10, 11, 12          |
/// | bf16      | NHWC   | KRSC   | NHWC   | fp32         | 13 (tensor cores)   |
///
/// the two layouts frameworks use for those precisions: NCHW is the classic
/// one, and channels-last NHWC is what tensor-core convolutions want, since a
/// pixel's channels are then a contiguous run of the GEMM view's reduction.
///
/// Rungs register themselves, as GEMM rungs do (gemm.cuh), so that chapter
/// executables, tests and bench_conv iterate over one list.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/conv/problem.hpp"
#include "common/core/launch.hpp"
#include "common/core/rung_kind.hpp"

namespace ladder {

/// Arguments of one convolution on tensors of `Element`, densely packed in the
/// precision's layout (table above).
template <typename Element>
struct ConvArgsOf {
  ConvProblem problem;
  const Element* x = nullptr;  ///< input activations
  const Element* w = nullptr;  ///< filters
  Element* y = nullptr;        ///< output, overwritten (its old contents, even NaN, are ignored)
  void* workspace = nullptr;   ///< scratch of at least the rung's workspace_bytes(problem) bytes
  std::size_t workspace_bytes = 0;
};

/// fp32, NCHW activations, KCRS filters: chapters 10-12.
using ConvArgs = ConvArgsOf<float>;
/// bf16, NHWC activations, KRSC filters, fp32 accumulation: chapter 13.
using Bf16ConvArgs = ConvArgsOf<__nv_bfloat16>;

/// The element type, and with it the layout, of a conv rung.
enum class ConvPrecision { Fp32Nchw, Bf16Nhwc };

/// A rung's launcher, of either precision (common/core/launch.hpp).
using ConvLaunch =
    TwoPrecisionLaunch<ConvArgs, Bf16ConvArgs, ConvPrecision, ConvPrecision::Fp32Nchw, ConvPrecision::Bf16Nhwc>;
/// Launches the rung's kernel(s) asynchronously on `stream`; checks the launch
/// and throws CudaError if it failed.
using ConvLauncher = ConvLaunch::Fp32Launcher;
/// The same for a bf16 rung.
using Bf16ConvLauncher = ConvLaunch::Bf16Launcher;

/// What a rung needs from the problem and the build. Anything else is rejected
/// by unsupported_reason() before the launcher is called.
struct ConvRequirements {
  /// e.g. 80 for cp.async and bf16 mma.sync; 0 = any. 80 or more also needs a build with a target
  /// that new (common/core/build_targets.hpp), or the rung skips.
  int min_compute_capability = 0;
  int c_multiple = 1;           ///< input channels must be a multiple of this
  int max_filter_elements = 0;  ///< K·C·R·S at most this (e.g. constant memory); 0 = any
  int max_filter_extent = 0;    ///< R and S at most this (a fixed-size tile); 0 = any
  int max_stride = 0;           ///< stride at most this (a halo sized for it); 0 = any
  /// An explicit lowering's N·P·Q-row matrices (C·R·S or K wide, rows padded to 16 bytes) have
  /// at most this many elements; 0 = any
  long long max_lowered_elements = 0;
  bool needs_cudnn = false;  ///< rejected when the build found no cuDNN
  /// 0: any newer device too. Arch-specific code (sm_90a: wgmma) runs on its own compute
  /// capability only, e.g. 90 with min_compute_capability 90.
  int max_compute_capability = 0;
  /// Non-empty: why this build cannot run the rung anywhere (its kernel was compiled without
  /// the target it needs); shown as the reason it skips.
  std::string missing_from_build;
};

/// One entry of the conv registry.
struct ConvRung {
  std::string name;  ///< unique, shown in tables: "10a direct"
  int chapter = 0;   ///< 0 for the vendor library
  RungKind kind = RungKind::Chapter;
  ConvLaunch launch;
  ConvRequirements requirements;
  std::string summary;  ///< one line: the idea of the rung
  /// Scratch the rung needs for this problem (im2col's lowered matrix,
  /// cuDNN's workspace); nullptr when it needs none. The caller allocates it
  /// once, outside the timed region, and passes it in ConvArgsOf::workspace.
  std::size_t (*workspace_bytes)(const ConvProblem& problem) = nullptr;
  /// What the rung chose for this problem when it tunes itself on its first launch (a
  /// tile shape), or "" before that; nullptr for rungs that choose nothing. Shown under
  /// the table and in the JSON, as cuDNN's algorithm is.
  std::string (*choice)(const ConvProblem& problem) = nullptr;
  /// The tensor-core instruction the rung issues ("mma.sync m16n8k16 bf16"), for its % of
  /// that instruction's measured peak in the table; "" for the SIMT rungs and cuDNN.
  std::string instruction;
  ConvPrecision precision() const { return launch.precision(); }
};

/// Adds a rung; called from a static initialiser in the rung's .cu file.
/// Throws std::logic_error on a duplicate name. Returns true.
bool register_conv(ConvRung rung);

/// All registered conv rungs linked into this program, ordered by chapter,
/// then kind, then registration order.
std::vector<ConvRung> conv_registry();

/// The rung with this name, or nothing.
std::optional<ConvRung> find_conv(std::string_view name);

/// Why `rung` cannot run `problem` on a device of this compute capability
/// (major*10+minor) in this build, or nothing when it can.
std::optional<std::string> unsupported_reason(const ConvRung& rung, const ConvProblem& problem, int compute_capability);

/// The relative Frobenius error `rung` may show on `problem` against the fp64
/// reference: the GEMM chapters' bound for a reduction of K_gemm = C·R·S terms
/// in the rung's precision. cuDNN in fp32 gets 16 times that, room made for
/// Winograd and FFT, which reorganise the sum and lose a few bits more than a
/// direct one; on the H200 FFT_TILING missed even that (relative error 3.9e-4),
/// and the baseline now passes over both (cudnn.cu), so the slack is left for
/// the other algorithms' summation orders. A wrong output is still caught: its
/// error is of order one.
double conv_tolerance(const ConvRung& rung, const ConvProblem& problem);

/// The scratch bytes `rung` needs for `problem` (0 when none).
std::size_t workspace_bytes(const ConvRung& rung, const ConvProblem& problem);

/// "fp32 NCHW" or "bf16 NHWC".
const char* to_string(ConvPrecision precision);

/// Bytes per element of x, w and y.
int element_bytes(ConvPrecision precision);

/// Whether this build found cuDNN (LADDER_HAVE_CUDNN), and if not, why the cuDNN rungs are skipped.
bool cudnn_available();

}  // namespace ladder
