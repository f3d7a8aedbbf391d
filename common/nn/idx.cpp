#include "common/nn/idx.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "common/core/atomic_file.hpp"
#include "common/core/cli.hpp"

namespace ladder::nn {
namespace {

constexpr std::size_t kImagesHeaderBytes = 16;  // magic, count, rows, cols
constexpr std::size_t kLabelsHeaderBytes = 8;   // magic, count
constexpr std::uint32_t kGzipMagicPrefix = 0x1f8b;

[[noreturn]] void fail(const std::string& name, const std::string& problem) { throw IdxError(name + ": " + problem); }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::uint32_t read_big_endian(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | std::uint8_t(bytes[offset + i]);
  return value;
}

void append_big_endian(std::string& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(char((value >> shift) & 0xff));
}

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", value);
  return text;
}

std::string read_raw(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) fail(path, std::string("cannot open: ") + std::strerror(errno));
  std::string bytes;
  char buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) bytes.append(buffer, got);
  const bool read_error = std::ferror(file) != 0;
  std::fclose(file);
  if (read_error) fail(path, "read error");
  return bytes;
}

std::string gunzip(const std::string& path) {
  const std::string compressed = read_raw(path);
  const bool gzip_magic =
      compressed.size() >= 2 && std::uint8_t(compressed[0]) == 0x1f && std::uint8_t(compressed[1]) == 0x8b;
  if (!gzip_magic) {
    fail(path, "is named .gz but is not gzip data (drop the .gz from its name if it is a raw IDX file)");
  }
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) fail(path, "zlib could not start");  // 15+16: gzip wrapper
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = uInt(compressed.size());
  std::string bytes;
  char buffer[1 << 16];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    bytes.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status == Z_BUF_ERROR) fail(path, "gzip data is truncated (download it again)");
  if (status != Z_STREAM_END) fail(path, "gzip data is corrupt (download it again)");
  return bytes;
}

std::string gzip(const std::string& bytes) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string compressed(deflateBound(&stream, uLong(bytes.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = uInt(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(compressed.data());
  stream.avail_out = uInt(compressed.size());
  const int status = deflate(&stream, Z_FINISH);
  compressed.resize(stream.total_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END) throw IdxError("gzip compression failed");
  return compressed;
}

// Explains a magic number that is not the expected one, with the likely cause.
[[noreturn]] void fail_magic(const std::string& name, std::uint32_t magic, std::uint32_t expected) {
  const char* kind = expected == kIdxImagesMagic ? "images" : "labels";
  std::string problem = "bad magic number " + hex(magic) + ", expected " + hex(expected) + " (" +
                        std::to_string(expected) + ", IDX " + kind + ")";
  if ((magic >> 16) == kGzipMagicPrefix) {
    problem += ": this is gzip data, name the file *.gz";
  } else if (magic == kIdxImagesMagic || magic == kIdxLabelsMagic) {
    problem += ": this is an IDX " + std::string(magic == kIdxImagesMagic ? "images" : "labels") + " file";
  }
  fail(name, problem);
}

// Checks that the file is exactly header + payload bytes long.
void check_length(const std::string& name, std::size_t actual, std::uint64_t expected, const std::string& promise) {
  if (actual < expected) {
    fail(name, "truncated: the header promises " + promise + " (" + std::to_string(expected) +
                   " bytes) but the file has " + std::to_string(actual) + " bytes");
  }
  if (actual > expected) {
    fail(name, std::to_string(actual - expected) + " unexpected bytes after the " + promise + " the header promises");
  }
}

void check_header_present(const std::string& bytes, std::size_t header, const std::string& name) {
  if (bytes.size() < header) {
    fail(name, "truncated: " + std::to_string(bytes.size()) + " bytes, shorter than the " + std::to_string(header) +
                   "-byte IDX header");
  }
}

constexpr const char* kMnistFiles[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                       "t10k-labels-idx1-ubyte"};

// The raw file, else the .gz one, or "" when neither is a file (a folder of that name is not).
std::string existing_file_in(const std::string& directory, const std::string& base) {
  std::error_code error;
  const std::string raw = directory + "/" + base;
  for (const std::string& candidate : {raw, raw + ".gz"})
    if (std::filesystem::is_regular_file(candidate, error)) return candidate;
  return "";
}

std::string missing_file_problem(const std::string& base) {
  return "neither " + base + " nor " + base +
         ".gz is a file there (download MNIST with get_mnist.py, or train on --synthetic digits)";
}

std::string file_in(const std::string& directory, const std::string& base) {
  const std::string path = existing_file_in(directory, base);
  if (path.empty()) fail(directory, missing_file_problem(base));
  return path;
}

}  // namespace

std::string read_maybe_gzipped(const std::string& path) {
  return ends_with(path, ".gz") ? gunzip(path) : read_raw(path);
}

void write_maybe_gzipped(const std::string& path, const std::string& bytes) {
  ladder::write_file_atomically(path, ends_with(path, ".gz") ? gzip(bytes) : bytes);
}

IdxImages parse_idx_images(const std::string& bytes, const std::string& name) {
  check_header_present(bytes, kImagesHeaderBytes, name);
  const std::uint32_t magic = read_big_endian(bytes, 0);
  if (magic != kIdxImagesMagic) fail_magic(name, magic, kIdxImagesMagic);
  const std::uint32_t count = read_big_endian(bytes, 4);
  const std::uint32_t rows = read_big_endian(bytes, 8);
  const std::uint32_t cols = read_big_endian(bytes, 12);
  if (count == 0) fail(name, "the header says it holds no images");
  if (count > std::uint32_t(INT32_MAX)) fail(name, "the header says it holds " + std::to_string(count) + " images");
  if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096) {
    fail(name, "implausible image size " + std::to_string(rows) + "x" + std::to_string(cols));
  }
  const std::uint64_t payload = std::uint64_t(count) * rows * cols;
  check_length(name, bytes.size(), kImagesHeaderBytes + payload,
               std::to_string(count) + " images of " + std::to_string(rows) + "x" + std::to_string(cols));
  IdxImages images;
  images.count = int(count);
  images.rows = int(rows);
  images.cols = int(cols);
  images.pixels.assign(bytes.begin() + kImagesHeaderBytes, bytes.end());
  return images;
}

IdxLabels parse_idx_labels(const std::string& bytes, const std::string& name) {
  check_header_present(bytes, kLabelsHeaderBytes, name);
  const std::uint32_t magic = read_big_endian(bytes, 0);
  if (magic != kIdxLabelsMagic) fail_magic(name, magic, kIdxLabelsMagic);
  const std::uint32_t count = read_big_endian(bytes, 4);
  if (count == 0) fail(name, "the header says it holds no labels");
  if (count > std::uint32_t(INT32_MAX)) fail(name, "the header says it holds " + std::to_string(count) + " labels");
  check_length(name, bytes.size(), kLabelsHeaderBytes + std::uint64_t(count), std::to_string(count) + " labels");
  IdxLabels labels;
  labels.labels.assign(bytes.begin() + kLabelsHeaderBytes, bytes.end());
  return labels;
}

std::string encode_idx_images(const IdxImages& images) {
  std::string bytes;
  bytes.reserve(kImagesHeaderBytes + images.pixels.size());
  for (std::uint32_t field :
       {kIdxImagesMagic, std::uint32_t(images.count), std::uint32_t(images.rows), std::uint32_t(images.cols)}) {
    append_big_endian(bytes, field);
  }
  bytes.append(images.pixels.begin(), images.pixels.end());
  return bytes;
}

std::string encode_idx_labels(const IdxLabels& labels) {
  std::string bytes;
  append_big_endian(bytes, kIdxLabelsMagic);
  append_big_endian(bytes, std::uint32_t(labels.labels.size()));
  bytes.append(labels.labels.begin(), labels.labels.end());
  return bytes;
}

IdxImages read_idx_images(const std::string& path) { return parse_idx_images(read_maybe_gzipped(path), path); }

IdxLabels read_idx_labels(const std::string& path) { return parse_idx_labels(read_maybe_gzipped(path), path); }

LabelledImages load_mnist_split(const std::string& directory, const std::string& prefix) {
  const std::string images_path = file_in(directory, prefix + "-images-idx3-ubyte");
  const std::string labels_path = file_in(directory, prefix + "-labels-idx1-ubyte");
  LabelledImages split{read_idx_images(images_path), read_idx_labels(labels_path)};
  if (split.images.rows != kMnistSide || split.images.cols != kMnistSide) {
    fail(images_path, "images are " + std::to_string(split.images.rows) + "x" + std::to_string(split.images.cols) +
                          ", MNIST images are 28x28");
  }
  if (std::size_t(split.images.count) != split.labels.labels.size()) {
    fail(labels_path, std::to_string(split.labels.labels.size()) + " labels but " + images_path + " has " +
                          std::to_string(split.images.count) + " images");
  }
  for (std::size_t i = 0; i < split.labels.labels.size(); ++i) {
    if (split.labels.labels[i] >= kMnistClasses) {
      fail(labels_path, "label " + std::to_string(split.labels.labels[i]) + " at index " + std::to_string(i) +
                            " is not a digit 0-9");
    }
  }
  return split;
}

MnistData load_mnist(const std::string& directory) {
  return MnistData{load_mnist_split(directory, "train"), load_mnist_split(directory, "t10k")};
}

void write_mnist(const std::string& directory, const MnistData& data, bool compress) {
  const std::string suffix = compress ? ".gz" : "";
  const auto write_split = [&](const std::string& prefix, const LabelledImages& split) {
    write_maybe_gzipped(directory + "/" + prefix + "-images-idx3-ubyte" + suffix, encode_idx_images(split.images));
    write_maybe_gzipped(directory + "/" + prefix + "-labels-idx1-ubyte" + suffix, encode_idx_labels(split.labels));
  };
  write_split("train", data.train);
  write_split("t10k", data.test);
}

std::string mnist_folder_problem(const std::string& directory) {
  if (const std::string problem = ladder::directory_problem(directory); !problem.empty()) return problem;
  for (const char* base : kMnistFiles)
    if (existing_file_in(directory, base).empty()) return directory + ": " + missing_file_problem(base);
  return "";
}

std::string synthetic_out_problem(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (const std::string problem = ladder::directory_problem(directory); !problem.empty()) return problem;
  const bool ours = fs::exists(fs::path(directory) / kSyntheticMarker, error);
  for (const char* base : kMnistFiles) {
    const fs::path raw = fs::path(directory) / base;
    if (fs::exists(raw, error)) return directory + " holds " + base + " already; choose a folder without MNIST files";
    if (!ours && fs::exists(raw.string() + ".gz", error)) {
      return directory + " holds " + base + ".gz, which --synthetic-out did not write; choose a folder without " +
             "MNIST files (real data is never replaced)";
    }
  }
  return "";
}

void write_synthetic_mnist(const std::string& directory, const MnistData& data) {
  if (const std::string problem = synthetic_out_problem(directory); !problem.empty())
    throw IdxError("--synthetic-out: " + problem);
  // The marker first: a run stopped halfway leaves a folder that the next run may still write into.
  ladder::write_file_atomically(directory + "/" + kSyntheticMarker,
                                "The MNIST files in this folder are generated digits, written by --synthetic-out.\n");
  write_mnist(directory, data, /*compress=*/true);
}

}  // namespace ladder::nn
