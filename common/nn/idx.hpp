/// \file common/nn/idx.hpp
/// \brief Reading and writing MNIST's IDX files, raw or gzip-compressed.
///
/// An IDX file is a big-endian header followed by unsigned bytes:
///
///     images (magic 2051 = 0x00000803): magic, count, rows, cols, then count*rows*cols pixels
///     labels (magic 2049 = 0x00000801): magic, count, then count labels
///
/// Every reader checks the magic number, the dimensions and that the file
/// length matches the header, and reports a problem as one IdxError line
/// "<file>: <what is wrong>".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ladder::nn {

/// What went wrong with an IDX file or an MNIST folder; what() is one line naming the file.
class IdxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr std::uint32_t kIdxImagesMagic = 2051;  ///< 0x00000803: unsigned bytes, 3 dimensions
inline constexpr std::uint32_t kIdxLabelsMagic = 2049;  ///< 0x00000801: unsigned bytes, 1 dimension
inline constexpr int kMnistSide = 28;                   ///< MNIST images are 28x28
inline constexpr int kMnistClasses = 10;                ///< digits 0-9

/// A stack of grey-scale images, 0 = background, 255 = ink.
struct IdxImages {
  int count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> pixels;  // (count, rows, cols)
};

/// One label per image.
struct IdxLabels {
  std::vector<std::uint8_t> labels;  // (count)
};

/// Images and their labels, the same count of each.
struct LabelledImages {
  IdxImages images;
  IdxLabels labels;
};

/// MNIST's two splits.
struct MnistData {
  LabelledImages train;
  LabelledImages test;
};

/// Reads a file's bytes, decompressing when the name ends in ".gz". Throws
/// IdxError when the file is missing, unreadable, or not valid gzip data.
std::string read_maybe_gzipped(const std::string& path);

/// Writes bytes atomically, gzip-compressed when the name ends in ".gz".
void write_maybe_gzipped(const std::string& path, const std::string& bytes);

/// Decodes an images file already in memory; `name` is used in error messages.
IdxImages parse_idx_images(const std::string& bytes, const std::string& name);
/// Decodes a labels file already in memory; `name` is used in error messages.
IdxLabels parse_idx_labels(const std::string& bytes, const std::string& name);

/// Encodes images in the IDX format.
std::string encode_idx_images(const IdxImages& images);
/// Encodes labels in the IDX format.
std::string encode_idx_labels(const IdxLabels& labels);

/// Reads an IDX images file (raw, or gzip when named *.gz).
IdxImages read_idx_images(const std::string& path);
/// Reads an IDX labels file (raw, or gzip when named *.gz).
IdxLabels read_idx_labels(const std::string& path);

/// Reads one MNIST split from `directory`: `prefix` is "train" or "t10k", and
/// each of the two files may be raw or .gz. Checks that the counts agree, that
/// images are 28x28 and that labels are digits 0-9.
LabelledImages load_mnist_split(const std::string& directory, const std::string& prefix);

/// What keeps `directory` from being read by load_mnist before any file is opened, or "" when
/// nothing does: it is empty, missing or a file, or one of the four files is there neither raw
/// nor as .gz. (What the files hold is checked as they are read.)
std::string mnist_folder_problem(const std::string& directory);

/// Reads the four standard MNIST files from `directory`.
MnistData load_mnist(const std::string& directory);

/// Writes the four standard files into an existing `directory`, gzip-compressed
/// (train-images-idx3-ubyte.gz, ...) when `compress` is true, raw otherwise.
void write_mnist(const std::string& directory, const MnistData& data, bool compress);

/// The file by which --synthetic-out marks a folder whose MNIST files it wrote itself.
inline constexpr const char* kSyntheticMarker = ".ladder-synthetic-digits";

/// Why generated digits must not be written into `directory`, or "" when they may: it must exist,
/// and hold none of the MNIST files (raw or .gz) unless a former --synthetic-out wrote them (its
/// marker is there, and only .gz files). Real data is never replaced, and load_mnist, which
/// prefers a raw file, reads back exactly what was written.
std::string synthetic_out_problem(const std::string& directory);

/// write_mnist(directory, data, true) after synthetic_out_problem() found nothing, then the marker.
void write_synthetic_mnist(const std::string& directory, const MnistData& data);

}  // namespace ladder::nn
