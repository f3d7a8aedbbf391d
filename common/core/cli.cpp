#include "common/core/cli.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace ladder {

std::function<std::string(std::string&)> whole_number_in(long long low, long long high) {
  return [low, high](std::string& text) -> std::string {
    std::size_t used = 0;
    long long value = 0;
    const std::string out_of_range = text + " is out of range " + std::to_string(low) + ".." + std::to_string(high);
    try {
      value = std::stoll(text, &used);
    } catch (const std::out_of_range&) {  // digits, but more than 64 bits hold
      return out_of_range;
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size()) return "'" + text + "' is not a whole number";
    if (value < low || value > high) return out_of_range;
    // CLI11 converts the text again, reading "010" as octal and "0x10" as hex: hand it back decimal.
    text = std::to_string(value);
    return "";
  };
}

std::string unusual_path_error(const std::error_code& error) {
  const bool plain = !error || error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory;
  return plain ? "" : " (" + error.message() + ")";
}

std::string directory_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;  // the throwing overloads would escape the parser on EACCES or ENAMETOOLONG
  if (path.empty()) return "an empty path";
  if (fs::is_directory(path, error)) return "";
  if (fs::exists(path, error)) return path + " is a file, not a directory";
  return "no such directory: " + path + unusual_path_error(error);
}

std::string output_file_problem(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (path.empty()) return "an empty path";
  const fs::path folder = fs::path(path).parent_path();
  if (const std::string problem = folder.empty() ? "" : directory_problem(folder.string()); !problem.empty())
    return problem;
  if (fs::is_directory(path, error)) return path + " is a directory, not a file";
  // The file is written as a temporary beside it, then renamed: the folder must take new files.
  const std::string where = folder.empty() ? "." : folder.string();
  if (::access(where.c_str(), W_OK | X_OK) != 0) {
    return "cannot write into " + where + " (" + std::strerror(errno) + ")";
  }
  return "";
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 5) bytes /= 1000, ++unit;
  std::ostringstream text;
  text.precision(bytes < 10 ? 2 : 3);
  text << bytes << " " << units[unit];
  return text.str();
}

double host_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page_size > 0 ? double(pages) * double(page_size) : 0.0;
}

int exit_status_of(const char* program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const HelpRequested& help) {
    std::cout << help.what();
    return 0;
  } catch (const UsageError& error) {
    std::cerr << program << ": " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << program << ": " << error.what() << "\n";
    return 1;
  }
}

const char* program_name(int argc, char** argv, const char* fallback) {
  const char* program = argc > 0 ? argv[0] : fallback;
  if (const char* slash = std::strrchr(program, '/')) program = slash + 1;
  return program;
}

}  // namespace ladder
