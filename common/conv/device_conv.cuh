/// \file common/conv/device_conv.cuh
/// \brief One convolution's tensors on the device, in a rung's layout: upload, poison, run, read back.
///
/// The runner and the rung tests share it, so every rung is checked the same
/// way: inputs rounded to the rung's precision on the host (so the fp64
/// reference multiplies exactly what the rung multiplies), the output poisoned
/// before each checked launch (an element the rung never writes shows up as
/// poison, not as a plausible stale value), and the result read back in NCHW
/// whatever the rung's layout.
#pragma once

#include <cstdint>
#include <vector>

#include "common/conv/conv.cuh"
#include "common/core/device_buffer.cuh"

namespace ladder {

/// Random inputs of a problem on the host, NCHW and KCRS, in fp32 (rounded to
/// bf16 values when `bf16`: what a bf16 rung sees, exactly).
struct ConvInputs {
  ConvProblem problem;
  std::vector<float> x_nchw, w_kcrs;
};

/// Seeded uniform inputs in [-1, 1); the filters are scaled by 1/sqrt(C·R·S)
/// so outputs stay of order one whatever the reduction length.
ConvInputs random_conv_inputs(const ConvProblem& problem, std::uint64_t seed, bool bf16);

/// x, w, y and the rung's workspace on the device, in the layout of `Element`
/// (NCHW/KCRS for float, NHWC/KRSC for bf16).
template <typename Element>
class DeviceConv {
 public:
  /// Elements the tests put past the end of x, the filters and y (as the GEMM tests' guard rows):
  /// NaN after x and the filters, so that a read past them that counts in an output shows as a
  /// NaN, and the poison pattern after y, so that a write past it shows in writes_past_y(). The
  /// runner and the benchmarks take none: under compute-sanitizer an overrun then leaves the
  /// allocation, which memcheck reports.
  static constexpr std::size_t kGuardElements = 256;

  /// Uploads `inputs` (permuted to this precision's layout) with `guard_elements` after x, the
  /// filters and y; allocates y and `workspace_bytes` of scratch.
  DeviceConv(const ConvInputs& inputs, std::size_t workspace_bytes, std::size_t guard_elements = 0);

  ConvArgsOf<Element> args();
  /// Fills y and its guard with the poison pattern (common/core/metrics.hpp), and every byte of the
  /// workspace with 0xFF (a NaN in fp32 and in bf16): a rung that reads scratch it never wrote, a
  /// lowering that skips the padding zeros say, then fails its check instead of finding cudaMalloc's zeros.
  void poison();
  /// y, converted to fp32 and permuted to NCHW.
  std::vector<float> output_nchw() const;
  /// How many of y's guard elements no longer hold the poison pattern: writes past the output.
  std::size_t writes_past_y() const;

 private:
  ConvProblem problem_;
  DeviceBuffer<Element> x_, w_, y_;
  DeviceBuffer<unsigned char> workspace_;
};

/// Poisons y and the workspace, launches `rung` once on the default stream, waits for it, and
/// returns y in NCHW. Throws CudaError when the launch fails or the kernel faults.
template <typename Element>
std::vector<float> run_conv_once(const ConvRung& rung, DeviceConv<Element>& tensors);

/// The images whose outputs are checked: all of them when the fp64 CPU
/// reference of the whole batch costs at most `max_reference_flops`, else the
/// first and the last (an indexing error in the batch dimension shows in the last).
std::vector<int> images_to_check(const ConvProblem& problem, double max_reference_flops = 4e9);

/// The outputs of `images` (each N=1 slice of an NCHW tensor, in that order).
std::vector<float> output_images(const ConvProblem& problem, const std::vector<float>& y_nchw,
                                 const std::vector<int>& images);

}  // namespace ladder
