/// \file common/gemm/runner.cuh
/// \brief The body of every GEMM chapter executable: run, verify and time each rung, print the ladder.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/core/metrics.hpp"
#include "common/core/outcome.hpp"
#include "common/core/timing.cuh"
#include "common/gemm/gemm.cuh"
#include "common/gemm/options.hpp"

namespace ladder {

/// What a chapter executable says about itself.
struct ChapterInfo {
  int number = 0;          ///< the chapter, e.g. 1; 0 for a program over several chapters
  const char* title = "";  ///< "naive GEMM: one thread per output element"
  /// More to print after the tables (and after the JSON is written), once the rungs have run on
  /// a GPU that no kernel fault has left unusable (nullptr: nothing).
  void (*after_tables)(std::ostream& out) = nullptr;
};

/// The outcome of one GEMM rung on one problem (status() and passed() come with RungOutcome).
struct RungResult : RungOutcome {
  GemmRung rung;
  TimingStats timing;
  std::optional<EnergyStats> energy;  ///< set when the GPU's energy counter was read
  double tflops = 0;
  double percent_of_cublas = 0;       ///< of cuBLAS at the same precision
  double percent_of_instruction = 0;  ///< of the measured peak of the rung's instruction (0: none)
};

/// Parses the common flags, checks for a device, runs cuBLAS and every linked
/// rung on one problem (verify first, then time) and prints the ladder table.
/// Returns the process exit status: 0 all ran rungs correct, 1 a rung failed
/// or no usable device, 2 bad command line.
int gemm_chapter_main(int argc, char** argv, const ChapterInfo& chapter);

/// 2·m·n·k: one multiply and one add per term of every dot product.
double gemm_flops(int m, int n, int k);
/// The bytes a perfect kernel must move: read A and B once, write C once
/// (and read it when beta != 0), at `element_size` bytes per element.
double gemm_min_bytes(int m, int n, int k, bool reads_c, int element_size = 4);

}  // namespace ladder
