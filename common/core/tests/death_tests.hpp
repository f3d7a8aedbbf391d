/// \file common/core/tests/death_tests.hpp
/// \brief The death-test style for code that starts threads (a watchdog, a replica group).
#pragma once

#include <gtest/gtest.h>

namespace ladder {

/// A death test forks; with threads running, gtest's "threadsafe" style re-runs the test from
/// the start in the child instead, so the threads exist there too. Call first in the test.
inline void use_threadsafe_death_tests() {
#ifdef GTEST_FLAG_SET
  GTEST_FLAG_SET(death_test_style, "threadsafe");
#else
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
#endif
}

}  // namespace ladder
