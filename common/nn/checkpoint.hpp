/// \file common/nn/checkpoint.hpp
/// \brief Saving and loading the trained network's parameters.
///
/// Format (all integers little-endian uint32, values little-endian IEEE fp32):
///
///     magic "LADDERNN" (8 bytes), format version (kCheckpointVersion)
///     architecture description (length, then the text of LeNetConfig::describe())
///     tensor count, then per tensor: name (length, text), rank, each dimension
///     every tensor's values, in the same order
///     CRC-32 (zlib) of everything before it
///
/// Loading checks all of it before touching the network, so a file of the
/// wrong kind, version, architecture or shape, or a damaged one, fails with one
/// CheckpointError line and leaves the network unchanged.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "common/nn/network.hpp"

namespace ladder::nn {

/// What was wrong with a checkpoint; what() is one line naming the file.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::uint32_t kCheckpointVersion = 1;  ///< the format this code writes and reads

/// The checkpoint bytes of `network`.
std::string encode_checkpoint(const LeNet<float>& network);

/// Replaces the parameters of `network` with those in `bytes`, or throws
/// CheckpointError (mentioning `name`) and changes nothing.
void decode_checkpoint(const std::string& bytes, const std::string& name, LeNet<float>& network);

/// Writes the checkpoint atomically (temporary file, then rename).
void save_checkpoint(const std::string& path, const LeNet<float>& network);

/// Reads `path` into `network`, all or nothing.
void load_checkpoint(const std::string& path, LeNet<float>& network);

}  // namespace ladder::nn
