#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/core/atomic_file.hpp"

namespace ladder {
namespace {

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AtomicFile, WritesAndReplaces) {
  const auto dir = std::filesystem::temp_directory_path() / ("ladder_atomic_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "result.json";
  write_file_atomically(path.string(), "first");
  EXPECT_EQ(read(path), "first");
  write_file_atomically(path.string(), "second");
  EXPECT_EQ(read(path), "second");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1) << "a temporary file was left behind";
  std::filesystem::remove_all(dir);
}

TEST(AtomicFile, FailureNamesTheFileAndKeepsNothing) {
  try {
    write_file_atomically("/nonexistent-dir/result.json", "x");
    FAIL() << "wrote into a missing directory";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent-dir/result.json"), std::string::npos);
  }
  // The rename fails (the target is a non-empty folder): the error names it, the folder is
  // untouched, and the temporary written beside it is gone.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("atomic_fail_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "result.json" / "inside");
  EXPECT_THROW(write_file_atomically((dir / "result.json").string(), "x"), std::runtime_error);
  EXPECT_TRUE(std::filesystem::is_directory(dir / "result.json" / "inside"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1) << "a temporary file was left behind";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ladder
