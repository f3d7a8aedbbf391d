/// \file common/core/cli.hpp
/// \brief What every executable's command line shares: its two exceptions, a
/// whole-number validator for CLI11, and the sizes it talks about.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <system_error>

namespace ladder {

/// Bad command line: the message names the flag and the problem. Exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// --help was given; what() is the help text. Exit status 0.
class HelpRequested : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Runs a program's body and turns what it throws into the project's exit
/// statuses: HelpRequested prints the help (0), UsageError one line naming the
/// flag (2), any other std::exception one line (1). Otherwise the body's status.
int exit_status_of(const char* program, const std::function<int()>& body);

/// The program's name without its directory, for messages.
const char* program_name(int argc, char** argv, const char* fallback);

/// A CLI11 check that says which of "not a whole number" and "out of range" went wrong, and
/// hands CLI11 the number written in decimal (which would read "010" as octal 8).
std::function<std::string(std::string&)> whole_number_in(long long low, long long high);

/// " (why)" when a path could not even be looked at (permission denied, a name too long), ""
/// when it is simply not there: the note that ends a "no such directory" message.
std::string unusual_path_error(const std::error_code& error);

/// What is wrong with `path` as a folder to read from or write into, or "" when nothing is: it
/// is empty (an unset shell variable, say), missing, or a file.
std::string directory_problem(const std::string& path);

/// What is wrong with `path` as a file to write, or "" when nothing is: it is empty, its folder
/// does not exist or cannot be searched, it is a folder itself, or its folder takes no new files (the
/// write goes through a temporary file beside it). Checked when the command line is read, so
/// that a run of minutes does not end by failing to write its results.
std::string output_file_problem(const std::string& path);

/// Physical memory of this machine, in bytes.
double host_memory_bytes();

/// "1.5 GB" for 1.5e9.
std::string format_bytes(double bytes);

}  // namespace ladder
