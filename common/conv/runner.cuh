/// \file common/conv/runner.cuh
/// \brief The body of every convolution chapter executable: verify each rung, then time it, print the conv ladder.
#pragma once

#include <optional>
#include <string>

#include "common/conv/conv.cuh"
#include "common/core/outcome.hpp"
#include "common/core/timing.cuh"
#include "common/gemm/runner.cuh"  // ChapterInfo

namespace ladder {

/// The outcome of one conv rung on one problem (status() and passed() come with RungOutcome).
struct ConvResult : RungOutcome {
  ConvRung rung;
  TimingStats timing;
  std::optional<EnergyStats> energy;  ///< set when the GPU's energy counter was read
  double tflops = 0;
  double percent_of_cudnn = 0;        ///< of cuDNN at the same precision and layout
  double percent_of_instruction = 0;  ///< of the measured peak of rung.instruction (tensor-core rungs)
};

/// Parses the conv flags, checks for a device, runs cuDNN and every linked conv
/// rung on one problem (verify first, then time) and prints one table per
/// precision. Returns 0 when every rung that ran was correct, 1 when one
/// failed or there is no usable device, 2 on a bad command line.
int conv_chapter_main(int argc, char** argv, const ChapterInfo& chapter);

}  // namespace ladder
