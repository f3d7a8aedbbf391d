/// \file mnist_options.hpp
/// \brief The command line of ch14_mnist_cnn, parsed and validated into MnistRunOptions.
#pragma once

#include <string>

#include "common/nn/mnist_app.hpp"

namespace ladder::ch14 {

/// Exit status of a usage error (bad flag or value), as for most Unix tools.
inline constexpr int kUsageError = 2;

/// What the command line asks for.
struct CommandLine {
  ladder::nn::MnistRunOptions options;
  bool cpu = false;       ///< --cpu: run the CPU reference path
  bool exit_now = false;  ///< true after --help or a usage error: print `message`, exit with `exit_status`
  int exit_status = 0;    ///< 0 after --help, kUsageError after a usage error
  std::string message;    ///< the help text, or one line naming the bad flag
};

/// Parses and validates the flags; never throws and never exits. A bad value
/// (epochs or batch below 1, a learning rate that is not positive, an unknown
/// optimizer, a missing --data directory, conflicting flags) gives exit_now,
/// kUsageError and a message naming the flag.
CommandLine parse_command_line(int argc, const char* const* argv);

}  // namespace ladder::ch14
