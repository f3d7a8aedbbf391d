// RungWatchdog (common/core/watchdog.hpp): it ends the program when, and only when, a rung runs
// past its limit, and says which rung.
#include "common/core/watchdog.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/core/tests/death_tests.hpp"

namespace ladder {
namespace {

using std::chrono::milliseconds;

TEST(RungWatchdog, RungsThatFinishInTimeAreLeftAlone) {
  RungWatchdog watchdog(2.0);  // far from the sleeps: a loaded machine oversleeps
  for (const char* rung : {"first", "second", "third"}) {
    watchdog.start(rung);
    std::this_thread::sleep_for(milliseconds(800));  // 2.4 s in all: more than the limit, spread over three
    watchdog.stop();
  }
  watchdog.start("started and never stopped");  // the destructor ends the watch
}

TEST(RungWatchdog, NoLimitWatchesNothing) {
  RungWatchdog watchdog(0);
  watchdog.start("slow");
  std::this_thread::sleep_for(milliseconds(50));
  watchdog.stop();
}

TEST(RungWatchdogDeathTest, ARungPastItsLimitEndsTheProgramWithItsName) {
  use_threadsafe_death_tests();
  const auto stuck = [] {
    RungWatchdog watchdog(0.1);
    watchdog.start("09e stuck");
    std::this_thread::sleep_for(std::chrono::seconds(30));
  };
  EXPECT_EXIT(stuck(), testing::ExitedWithCode(kHungExitStatus),
              "'09e stuck' has not finished after 0.1 s \\(--rung-timeout\\)(.|\n)*hung rung: 09e stuck\n");
}

TEST(RungWatchdogDeathTest, AStartRestartsTheClock) {
  use_threadsafe_death_tests();
  const auto second_stuck = [] {
    RungWatchdog watchdog(0.3);
    watchdog.start("quick");
    std::this_thread::sleep_for(milliseconds(200));
    watchdog.start("slow");  // a fresh 0.3 s: the watchdog fires at about 0.5 s, naming this one
    std::this_thread::sleep_for(std::chrono::seconds(30));
  };
  EXPECT_EXIT(second_stuck(), testing::ExitedWithCode(kHungExitStatus), "hung rung: slow\n");
}

}  // namespace
}  // namespace ladder
