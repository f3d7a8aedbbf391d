#include "common/nn/checkpoint.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/core/atomic_file.hpp"

namespace ladder::nn {
namespace {

constexpr char kMagic[] = "LADDERNN";  // 8 bytes in the file, no terminator
constexpr std::size_t kMagicBytes = 8;

void put_u32(std::string& bytes, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) bytes.push_back(char((value >> shift) & 0xff));
}

void put_text(std::string& bytes, const std::string& text) {
  put_u32(bytes, std::uint32_t(text.size()));
  bytes += text;
}

std::uint32_t crc_of(const std::string& bytes, std::size_t length) {
  return std::uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), uInt(length)));
}

// Reads the fields of a checkpoint in order, failing with a clear line instead of reading past the end.
class Reader {
 public:
  Reader(const std::string& bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {}

  [[noreturn]] void fail(const std::string& problem) const { throw CheckpointError(name_ + ": " + problem); }

  std::uint32_t u32() {
    need(4);
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = (value << 8) | std::uint8_t(bytes_[position_ + std::size_t(i)]);
    position_ += 4;
    return value;
  }
  std::string text() {
    const std::uint32_t length = u32();
    need(length);
    position_ += length;
    return bytes_.substr(position_ - length, length);
  }
  void skip(std::size_t count) {
    need(count);
    position_ += count;
  }
  std::size_t remaining() const { return bytes_.size() - position_; }
  float f32() {
    const std::uint32_t bits = u32();
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

 private:
  void need(std::size_t count) const {
    if (bytes_.size() - position_ < count) fail("truncated (ends inside the header or the values)");
  }
  const std::string& bytes_;
  std::string name_;
  std::size_t position_ = 0;
};

void check_envelope(const std::string& bytes, Reader& reader) {
  if (bytes.size() < kMagicBytes + 8 || bytes.compare(0, kMagicBytes, kMagic) != 0) {
    reader.fail("not a Kernel Ladder network checkpoint (no LADDERNN magic at the start)");
  }
  const std::uint32_t version = Reader(bytes.substr(kMagicBytes, 4), "").u32();
  if (version != kCheckpointVersion) {
    reader.fail("checkpoint format version " + std::to_string(version) + ", this program reads version " +
                std::to_string(kCheckpointVersion));
  }
  const std::size_t body = bytes.size() - 4;
  if (Reader(bytes.substr(body), "").u32() != crc_of(bytes, body))
    reader.fail("checksum mismatch: the file is corrupt or truncated");
}

}  // namespace

std::string encode_checkpoint(const LeNet<float>& network) {
  std::string bytes(kMagic, kMagicBytes);
  put_u32(bytes, kCheckpointVersion);
  put_text(bytes, network.config().describe());
  const std::vector<const Parameter<float>*> parameters = network.parameters();
  put_u32(bytes, std::uint32_t(parameters.size()));
  for (const Parameter<float>* p : parameters) {
    put_text(bytes, p->name);
    put_u32(bytes, std::uint32_t(p->value.shape.size()));
    for (int extent : p->value.shape) put_u32(bytes, std::uint32_t(extent));
  }
  for (const Parameter<float>* p : parameters) {
    for (float value : p->value.values) {
      std::uint32_t bits;
      std::memcpy(&bits, &value, sizeof bits);
      put_u32(bytes, bits);
    }
  }
  put_u32(bytes, crc_of(bytes, bytes.size()));
  return bytes;
}

void decode_checkpoint(const std::string& bytes, const std::string& name, LeNet<float>& network) {
  Reader reader(bytes, name);
  check_envelope(bytes, reader);
  reader.skip(kMagicBytes + 4);  // magic and version, already checked
  const std::string architecture = reader.text();
  if (architecture != network.config().describe()) {
    reader.fail("holds a different network (\"" + architecture + "\", expected \"" + network.config().describe() +
                "\")");
  }
  std::vector<Parameter<float>*> parameters = network.parameters();
  if (reader.u32() != parameters.size()) reader.fail("holds a different number of parameter tensors");
  for (const Parameter<float>* p : parameters) {
    const std::string tensor_name = reader.text();
    const std::uint32_t rank = reader.u32();
    if (rank > 8) reader.fail("tensor " + tensor_name + " claims " + std::to_string(rank) + " dimensions");
    std::vector<int> shape(rank);
    for (int& extent : shape) extent = int(reader.u32());
    if (tensor_name != p->name || shape != p->value.shape) {
      reader.fail("tensor " + tensor_name + " " + shape_to_string(shape) + " where this network has " + p->name + " " +
                  shape_to_string(p->value.shape));
    }
  }
  std::vector<std::vector<float>> values;  // all read before any is applied
  for (const Parameter<float>* p : parameters) {
    values.emplace_back(p->value.size());
    for (float& value : values.back()) value = reader.f32();
  }
  if (reader.remaining() != 4) reader.fail("unexpected bytes after the values");  // 4: the CRC
  for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i]->value.values = std::move(values[i]);
}

void save_checkpoint(const std::string& path, const LeNet<float>& network) {
  ladder::write_file_atomically(path, encode_checkpoint(network));
}

void load_checkpoint(const std::string& path, LeNet<float>& network) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CheckpointError(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream contents;
  contents << file.rdbuf();
  decode_checkpoint(contents.str(), path, network);
}

}  // namespace ladder::nn
