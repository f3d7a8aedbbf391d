/// \file common/conv/options.hpp
/// \brief The command line shared by the convolution chapter executables and bench_conv's layers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/conv/problem.hpp"
#include "common/core/run_options.hpp"

namespace ladder {

/// A convolution layer worth measuring, by name: the benchmarks' shapes.
struct NamedConvLayer {
  std::string name;  ///< "resnet50-3x3-28"
  ConvProblem problem;
  std::string origin;  ///< where the shape comes from
};

/// The layers the conv chapters and bench_conv measure: chapter 14's LeNet
/// layers, the four 3x3 layers of ResNet-50 at batch 32, one stride-2 layer
/// and one 1x1 layer.
const std::vector<NamedConvLayer>& named_conv_layers();

/// Everything a conv chapter executable can be asked to do: the shared run
/// options and the layer.
struct ConvOptions : RunOptions {
  ConvProblem problem;  ///< from --layer, then any --n/--c/... given
  std::string layer;    ///< the --layer it started from ("" when every size was given)
};

/// Parses and validates the command line: a problem that is not a
/// convolution, or too large for this machine's memory, is a UsageError that
/// shows the problem as its flags built it and says what is wrong with it
/// ("the 9x3 filter is larger than the padded 3x3 input"). Throws UsageError or HelpRequested.
ConvOptions parse_conv_options(int argc, const char* const* argv, const std::string& description);

/// Host bytes a run of `problem` needs: inputs, outputs and the fp64 reference of the checked images.
double conv_host_bytes_needed(const ConvProblem& problem, bool check);

}  // namespace ladder
