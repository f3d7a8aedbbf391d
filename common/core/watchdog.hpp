/// \file common/core/watchdog.hpp
/// \brief Ends a ladder program whose rung has run past a time limit: the only way out of a kernel
/// that never finishes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace ladder {

/// The exit status of a program that a RungWatchdog ended.
inline constexpr int kHungExitStatus = 3;

/// What a RungWatchdog writes on stderr, on a line of its own, before the rung's name:
/// benchmarks/run_gpu.sh reads it to run the program again without that rung (--skip-rung).
inline constexpr const char* kHungRungPrefix = "hung rung: ";

/// Watches one rung at a time. A kernel whose threads wait on an mbarrier that no one will arrive
/// on never returns, and nothing on the host can stop it: the program blocks in its next
/// synchronisation for good, and an outer timeout that kills it then loses every rung after the
/// hung one. Given a limit, the watchdog's own thread ends the program as soon as one rung has run
/// longer, naming that rung; the driver frees the GPU when the process goes.
class RungWatchdog {
 public:
  /// `limit_seconds` 0: never fires, and starts no thread.
  explicit RungWatchdog(double limit_seconds);
  ~RungWatchdog();
  RungWatchdog(const RungWatchdog&) = delete;
  RungWatchdog& operator=(const RungWatchdog&) = delete;

  /// From now on, `rung` has the limit to finish: until the next start() or stop().
  void start(const std::string& rung);
  void stop();

 private:
  void watch();

  double limit_seconds_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string rung_;  ///< empty: none is watched
  std::chrono::steady_clock::time_point deadline_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace ladder
