#include "common/core/watchdog.hpp"

#include <cstdio>
#include <cstdlib>

namespace ladder {

RungWatchdog::RungWatchdog(double limit_seconds) : limit_seconds_(limit_seconds) {
  if (limit_seconds_ > 0) thread_ = std::thread([this] { watch(); });
}

RungWatchdog::~RungWatchdog() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  changed_.notify_one();
  thread_.join();
}

void RungWatchdog::start(const std::string& rung) {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rung_ = rung;
    deadline_ = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                       std::chrono::duration<double>(limit_seconds_));
  }
  changed_.notify_one();
}

void RungWatchdog::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rung_.clear();
  }
  changed_.notify_one();
}

void RungWatchdog::watch() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!closing_) {
    if (rung_.empty()) {
      changed_.wait(lock);
      continue;
    }
    changed_.wait_until(lock, deadline_);
    if (closing_ || rung_.empty() || std::chrono::steady_clock::now() < deadline_) continue;  // woken, or restarted
    // The main thread is stuck inside a CUDA call: no destructor can run, so what the tables have
    // printed is flushed, the rung named, and the process ended at once.
    std::fflush(stdout);
    std::fprintf(stderr,
                 "\nwatchdog: '%s' has not finished after %g s (--rung-timeout): most likely a kernel that never "
                 "finishes, such as a deadlock; ending the program\n%s%s\n",
                 rung_.c_str(), limit_seconds_, kHungRungPrefix, rung_.c_str());
    std::fflush(stderr);
    std::_Exit(kHungExitStatus);
  }
}

}  // namespace ladder
