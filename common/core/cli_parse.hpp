/// \file common/core/cli_parse.hpp
/// \brief Runs a CLI11 parser and turns its outcomes into the project's two exceptions.
///
/// Header-only, so that only the libraries that parse a command line (and link
/// CLI11) include CLI11's header.
#pragma once

#include <CLI/CLI.hpp>

#include "common/core/cli.hpp"

namespace ladder {

/// Parses argv with `app`: --help becomes HelpRequested (its text the help),
/// any parse error a UsageError naming the flag; exit statuses 0 and 2 then
/// follow from exit_status_of().
inline void parse_or_throw(CLI::App& app, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    throw HelpRequested(app.help());
  } catch (const CLI::ParseError& error) {
    throw UsageError(error.what());
  }
}

}  // namespace ladder
