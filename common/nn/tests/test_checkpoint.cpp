// Checkpoints: a round trip restores the network exactly; every bad file is
// rejected with one clear line and leaves the network as it was.
#include <gtest/gtest.h>

#include "common/nn/checkpoint.hpp"
#include "common/nn/tests/temp_dir.hpp"

namespace ladder::nn {
namespace {

using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;

std::vector<std::vector<float>> values_of(const LeNet<float>& network) {
  std::vector<std::vector<float>> values;
  for (const Parameter<float>* p : network.parameters()) values.push_back(p->value.values);
  return values;
}

class Checkpoint : public ::testing::Test {
 protected:
  // Expects loading `bytes` to fail with `fragment` in a one-line message and to change nothing.
  void expect_rejected(const std::string& bytes, const std::string& fragment) {
    write_bytes(dir_.file("bad.ckpt"), bytes);
    LeNet<float> network(LeNetConfig{}, 99);
    const auto before = values_of(network);
    try {
      load_checkpoint(dir_.file("bad.ckpt"), network);
      FAIL() << "accepted a bad checkpoint (expected: " << fragment << ")";
    } catch (const CheckpointError& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find(fragment), std::string::npos) << message;
      EXPECT_NE(message.find("bad.ckpt"), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
    EXPECT_EQ(values_of(network), before) << "a rejected checkpoint changed the network";
  }

  std::string good_bytes() { return encode_checkpoint(LeNet<float>(LeNetConfig{}, 1)); }

  TempDir dir_;
};

TEST_F(Checkpoint, RoundTripRestoresEveryParameter) {
  const LeNet<float> saved(LeNetConfig{}, 1);
  save_checkpoint(dir_.file("net.ckpt"), saved);
  LeNet<float> loaded(LeNetConfig{}, 2);
  ASSERT_NE(values_of(loaded), values_of(saved));
  load_checkpoint(dir_.file("net.ckpt"), loaded);
  EXPECT_EQ(values_of(loaded), values_of(saved));
}

TEST_F(Checkpoint, HeaderDescribesTheArchitecture) {
  const std::string bytes = good_bytes();
  EXPECT_EQ(bytes.substr(0, 8), "LADDERNN");
  EXPECT_NE(bytes.find(LeNetConfig{}.describe()), std::string::npos);
  EXPECT_NE(bytes.find("conv2.weight"), std::string::npos);
}

TEST_F(Checkpoint, MissingFile) {
  LeNet<float> network(LeNetConfig{}, 1);
  EXPECT_THROW(load_checkpoint(dir_.file("absent.ckpt"), network), CheckpointError);
}

TEST_F(Checkpoint, RejectsAnotherKindOfFile) { expect_rejected("\x1f\x8b\x08\x08 gzip or anything else", "not a"); }

TEST_F(Checkpoint, RejectsAnotherVersion) {
  std::string bytes = good_bytes();
  bytes[8] = 7;  // the version field follows the 8-byte magic
  expect_rejected(bytes, "format version 7");
}

TEST_F(Checkpoint, RejectsCorruption) {
  std::string bytes = good_bytes();
  bytes[bytes.size() / 2] ^= 0x40;
  expect_rejected(bytes, "checksum mismatch");
}

TEST_F(Checkpoint, RejectsTruncation) {
  const std::string bytes = good_bytes();
  expect_rejected(bytes.substr(0, bytes.size() - 1000), "corrupt or truncated");
}

TEST_F(Checkpoint, RejectsAnotherArchitecture) {
  LeNetConfig wider;
  wider.conv1_channels = 8;
  expect_rejected(encode_checkpoint(LeNet<float>(wider, 1)), "different network");
}

TEST_F(Checkpoint, WritesAtomicallyLeavingNoTemporaryFiles) {
  save_checkpoint(dir_.file("net.ckpt"), LeNet<float>(LeNetConfig{}, 1));
  save_checkpoint(dir_.file("net.ckpt"), LeNet<float>(LeNetConfig{}, 2));
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_.path())) ++files;
  EXPECT_EQ(files, 1);
  EXPECT_EQ(read_bytes(dir_.file("net.ckpt")), encode_checkpoint(LeNet<float>(LeNetConfig{}, 2)));
}

}  // namespace
}  // namespace ladder::nn
