/// \file common/core/atomic_file.hpp
/// \brief Writing files so that a reader never sees half of one.
#pragma once

#include <string>

namespace ladder {

/// Writes `contents` to `path` atomically: into a temporary file in the same
/// directory, flushed, then renamed over `path`. A crash or a full disk leaves
/// the old file untouched. Throws std::runtime_error naming the file on failure.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace ladder
