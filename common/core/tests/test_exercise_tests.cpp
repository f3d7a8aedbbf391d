// When an exercise's tests judge the learner's code: LADDER_TEST_EXERCISES read the way
// LADDER_REQUIRE_GPU is, so that =0 means off, as a learner would expect.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "common/core/exercise_tests.hpp"

namespace {

TEST(ExerciseTests, OnlyANonZeroValueTurnsThemOn) {
  const char* before = std::getenv("LADDER_TEST_EXERCISES");
  const std::optional<std::string> saved = before ? std::optional<std::string>(before) : std::nullopt;
  unsetenv("LADDER_TEST_EXERCISES");
  EXPECT_FALSE(ladder::testing_exercises());
  for (const char* off : {"", "0"}) {
    setenv("LADDER_TEST_EXERCISES", off, 1);
    EXPECT_FALSE(ladder::testing_exercises()) << "LADDER_TEST_EXERCISES='" << off << "'";
  }
  for (const char* on : {"1", "yes"}) {
    setenv("LADDER_TEST_EXERCISES", on, 1);
    EXPECT_TRUE(ladder::testing_exercises()) << "LADDER_TEST_EXERCISES='" << on << "'";
  }
  if (saved)
    setenv("LADDER_TEST_EXERCISES", saved->c_str(), 1);
  else
    unsetenv("LADDER_TEST_EXERCISES");
}

}  // namespace
