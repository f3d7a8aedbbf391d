/// \file common/core/exercise_tests.hpp
/// \brief When the tests of an exercise judge the learner's code. A starter is unfinished on
/// purpose, so its tests skip, saying how to run them, until the learner asks for them with
/// LADDER_TEST_EXERCISES=1. benchmarks/run_gpu.sh accepts a skip for this reason alone,
/// matching its words.
#pragma once

#include <cstdlib>
#include <cstring>

namespace ladder {

/// True when LADDER_TEST_EXERCISES is set to anything but "" or "0": the exercises' tests then run.
inline bool testing_exercises() {
  const char* value = std::getenv("LADDER_TEST_EXERCISES");
  return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
}

inline constexpr const char* kExerciseSkipReason =
    "exercise starter code: set LADDER_TEST_EXERCISES=1 to test your solution";

}  // namespace ladder

/// First line of an exercise's test: skip unless LADDER_TEST_EXERCISES is set. A macro, since
/// GTEST_SKIP returns from the function it is written in.
#define LADDER_SKIP_EXERCISE_STARTER()                                                 \
  do {                                                                                 \
    if (!::ladder::testing_exercises()) GTEST_SKIP() << ::ladder::kExerciseSkipReason; \
  } while (0)
