/// \file common/core/run_options.hpp
/// \brief What a ladder program (a GEMM or a convolution chapter) can be asked about its run, whatever it
/// computes: which rungs, how they are timed and checked, where the results go.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ladder {

/// The options every ladder program shares; GemmOptions and ConvOptions add
/// their problem. add_run_flags (common/core/cli_parse.hpp) gives them flags.
struct RunOptions {
  int warmup = 2;
  int repeat = 10;
  std::uint64_t seed = 42;
  bool check = true;                    ///< verify every rung against the fp64 reference
  bool flush_l2 = true;                 ///< flush L2 between timed runs
  bool exercises = false;               ///< also run the (unfinished) exercise rungs
  bool list = false;                    ///< list the linked rungs and exit
  bool fail_on_skip = false;            ///< a rung that cannot run this problem is a failure, not a skip
  bool profiler_ranges = false;         ///< only the timed runs between cudaProfilerStart and Stop (for ncu)
  bool peaks = true;                    ///< measure the tensor-core instructions' peaks (bf16 tables' % of peak)
  double energy_seconds = 0.5;          ///< length of each rung's energy window (NVML); 0: no energy measurement
  std::vector<std::string> rungs;       ///< run only these (the vendor rung always runs as the baseline)
  std::vector<std::string> skip_rungs;  ///< leave these out: their rows say so
  double rung_timeout_seconds = 0;      ///< a rung running longer ends the program (exit 3); 0: no limit
  std::string precision = "all";        ///< which tables: "all", "fp32" (CUDA cores) or "bf16" (tensor cores)
  std::string json_path;                ///< write results as JSON here (atomically)
};

}  // namespace ladder
