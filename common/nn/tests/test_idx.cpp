// The IDX reader on good files (raw and .gz) and on every kind of bad one:
// each failure must be one IdxError line naming the file and the problem.
#include <gtest/gtest.h>

#include "common/nn/idx.hpp"
#include "common/nn/synthetic_digits.hpp"
#include "common/nn/tests/temp_dir.hpp"

namespace ladder::nn {
namespace {

using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;

IdxImages small_images(int count, int rows, int cols) {
  IdxImages images{count, rows, cols, {}};
  for (int i = 0; i < count * rows * cols; ++i) images.pixels.push_back(std::uint8_t(i * 37 % 256));
  return images;
}

IdxLabels small_labels(int count) {
  IdxLabels labels;
  for (int i = 0; i < count; ++i) labels.labels.push_back(std::uint8_t(i % 10));
  return labels;
}

// Expects `action` to throw an IdxError whose message contains every fragment.
template <typename Action>
void expect_idx_error(Action action, std::initializer_list<std::string> fragments) {
  try {
    action();
    FAIL() << "no IdxError thrown";
  } catch (const IdxError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    for (const std::string& fragment : fragments) EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(IdxReader, RoundTripsRawAndGzipFiles) {
  TempDir dir;
  const IdxImages images = small_images(3, 5, 7);
  const IdxLabels labels = small_labels(3);
  for (const std::string suffix : {"", ".gz"}) {
    write_maybe_gzipped(dir.file("images" + suffix), encode_idx_images(images));
    write_maybe_gzipped(dir.file("labels" + suffix), encode_idx_labels(labels));
    const IdxImages read_images = read_idx_images(dir.file("images" + suffix));
    EXPECT_EQ(read_images.count, 3);
    EXPECT_EQ(read_images.rows, 5);
    EXPECT_EQ(read_images.cols, 7);
    EXPECT_EQ(read_images.pixels, images.pixels);
    EXPECT_EQ(read_idx_labels(dir.file("labels" + suffix)).labels, labels.labels);
  }
}

TEST(IdxReader, HeaderIsBigEndianWithStandardMagic) {
  const std::string bytes = encode_idx_images(small_images(2, 28, 28));
  ASSERT_EQ(bytes.size(), 16u + 2 * 28 * 28);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\0\0\x08\x03\0\0\0\x02", 8));                     // 2051, count 2
  EXPECT_EQ(encode_idx_labels(small_labels(1)).substr(0, 4), std::string("\0\0\x08\x01", 4));  // 2049
}

TEST(IdxReader, MissingFileIsNamed) {
  TempDir dir;
  expect_idx_error([&] { read_idx_images(dir.file("absent")); }, {dir.file("absent"), "cannot open"});
}

TEST(IdxReader, TruncatedHeader) {
  TempDir dir;
  write_bytes(dir.file("short"), std::string("\0\0\x08\x03\0\0", 6));
  expect_idx_error([&] { read_idx_images(dir.file("short")); }, {dir.file("short"), "truncated", "16-byte"});
}

TEST(IdxReader, TruncatedPixels) {
  TempDir dir;
  const std::string bytes = encode_idx_images(small_images(4, 28, 28));
  write_bytes(dir.file("cut"), bytes.substr(0, bytes.size() - 100));
  expect_idx_error([&] { read_idx_images(dir.file("cut")); }, {dir.file("cut"), "truncated", "4 images of 28x28"});
}

TEST(IdxReader, ExtraBytesAfterData) {
  TempDir dir;
  write_bytes(dir.file("long"), encode_idx_labels(small_labels(5)) + "xyz");
  expect_idx_error([&] { read_idx_labels(dir.file("long")); }, {dir.file("long"), "3 unexpected bytes"});
}

TEST(IdxReader, LabelsFileReadAsImages) {
  TempDir dir;
  write_bytes(dir.file("labels"), encode_idx_labels(small_labels(20)));
  expect_idx_error([&] { read_idx_images(dir.file("labels")); }, {"bad magic number 0x00000801", "labels file"});
}

TEST(IdxReader, GzipReadAsRawExplainsTheMagic) {
  TempDir dir;
  write_maybe_gzipped(dir.file("images.gz"), encode_idx_images(small_images(2, 28, 28)));
  std::filesystem::rename(dir.file("images.gz"), dir.file("images"));
  expect_idx_error([&] { read_idx_images(dir.file("images")); }, {dir.file("images"), "0x1F8B08", "gzip"});
}

TEST(IdxReader, RawFileNamedGz) {
  TempDir dir;
  write_bytes(dir.file("labels.gz"), encode_idx_labels(small_labels(3)));
  expect_idx_error([&] { read_idx_labels(dir.file("labels.gz")); }, {"not gzip data"});
}

TEST(IdxReader, TruncatedGzip) {
  TempDir dir;
  write_maybe_gzipped(dir.file("whole.gz"), encode_idx_images(small_images(50, 28, 28)));
  const std::string compressed = read_bytes(dir.file("whole.gz"));
  write_bytes(dir.file("cut.gz"), compressed.substr(0, compressed.size() / 2));
  expect_idx_error([&] { read_idx_images(dir.file("cut.gz")); }, {dir.file("cut.gz"), "truncated"});
  std::string corrupt = compressed;
  for (std::size_t i = 20; i < 60; ++i) corrupt[i] = char(~corrupt[i]);
  write_bytes(dir.file("corrupt.gz"), corrupt);
  expect_idx_error([&] { read_idx_images(dir.file("corrupt.gz")); }, {dir.file("corrupt.gz"), "gzip data is"});
}

TEST(IdxReader, ZeroCountAndImplausibleSizesAreRejected) {
  expect_idx_error(
      [] {
        parse_idx_images(encode_idx_images(IdxImages{0, 28, 28, {}}), "empty");
      },
      {"empty", "no images"});
  expect_idx_error(
      [] {
        parse_idx_images(encode_idx_images(IdxImages{1, 0, 28, {}}), "flat");
      },
      {"flat", "implausible image size 0x28"});
}

class MnistFolder : public ::testing::Test {
 protected:
  // Writes a small, valid MNIST-style folder; tests then damage one file.
  void SetUp() override {
    data_ = generate_synthetic_mnist(30, 12, 5);
    write_mnist(dir_.path(), data_, /*compress=*/true);
  }
  TempDir dir_;
  MnistData data_;
};

TEST_F(MnistFolder, LoadsWhatWasWritten) {
  const MnistData loaded = load_mnist(dir_.path());
  EXPECT_EQ(loaded.train.images.pixels, data_.train.images.pixels);
  EXPECT_EQ(loaded.train.labels.labels, data_.train.labels.labels);
  EXPECT_EQ(loaded.test.images.pixels, data_.test.images.pixels);
  EXPECT_EQ(loaded.test.labels.labels, data_.test.labels.labels);
}

TEST_F(MnistFolder, PrefersRawFilesAndAcceptsAMix) {
  write_maybe_gzipped(dir_.file("t10k-labels-idx1-ubyte"), encode_idx_labels(data_.test.labels));
  EXPECT_EQ(load_mnist(dir_.path()).test.labels.labels, data_.test.labels.labels);
}

TEST_F(MnistFolder, MissingFileSaysWhereToGetIt) {
  std::filesystem::remove(dir_.file("t10k-images-idx3-ubyte.gz"));
  expect_idx_error([&] { load_mnist(dir_.path()); }, {dir_.path(), "t10k-images-idx3-ubyte", "get_mnist.py"});
}

TEST_F(MnistFolder, CountsMustAgree) {
  IdxLabels fewer = data_.train.labels;
  fewer.labels.pop_back();
  write_maybe_gzipped(dir_.file("train-labels-idx1-ubyte.gz"), encode_idx_labels(fewer));
  expect_idx_error([&] { load_mnist(dir_.path()); }, {"29 labels", "30 images"});
}

TEST_F(MnistFolder, LabelsMustBeDigits) {
  IdxLabels bad = data_.train.labels;
  bad.labels[7] = 12;
  write_maybe_gzipped(dir_.file("train-labels-idx1-ubyte.gz"), encode_idx_labels(bad));
  expect_idx_error([&] { load_mnist(dir_.path()); }, {"label 12 at index 7"});
}

TEST_F(MnistFolder, ImagesMustBe28x28) {
  write_maybe_gzipped(dir_.file("train-images-idx3-ubyte.gz"), encode_idx_images(small_images(30, 14, 14)));
  expect_idx_error([&] { load_mnist(dir_.path()); }, {"14x14", "28x28"});
}

TEST_F(MnistFolder, SwappedFilesAreCaught) {
  std::filesystem::rename(dir_.file("train-labels-idx1-ubyte.gz"), dir_.file("tmp"));
  std::filesystem::rename(dir_.file("train-images-idx3-ubyte.gz"), dir_.file("train-labels-idx1-ubyte.gz"));
  std::filesystem::rename(dir_.file("tmp"), dir_.file("train-images-idx3-ubyte.gz"));
  expect_idx_error([&] { load_mnist(dir_.path()); }, {"train-images-idx3-ubyte.gz", "bad magic number 0x00000801"});
}

}  // namespace
}  // namespace ladder::nn
