/// \file common/core/cli_testing.hpp
/// \brief For the tests of a command line: run a parser on a few flags as a program would get them.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "common/core/cli.hpp"

namespace ladder {

/// `parse(argc, argv, "test")` with argv = {program, flags...}: parse_gemm_options, parse_conv_options.
template <typename Parse>
auto parse_flags(Parse parse, const char* program, std::initializer_list<const char*> flags) {
  std::vector<const char*> argv = {program};
  argv.insert(argv.end(), flags.begin(), flags.end());
  return parse(int(argv.size()), argv.data(), "test");
}

/// The message of the UsageError that parsing `flags` throws, or "(no error)".
template <typename Parse>
std::string usage_error_of(Parse parse, const char* program, std::initializer_list<const char*> flags) {
  try {
    parse_flags(parse, program, flags);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace ladder
