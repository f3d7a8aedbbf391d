#include "common/nn/replicas.hpp"

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace ladder::nn {

/// A thread that runs the tasks posted to it, in order, so that everything one replica does
/// (its CUDA context's current device, its launches, its NCCL calls) comes from one thread.
class ReplicaThread {
 public:
  ReplicaThread();
  ~ReplicaThread();  // runs what is queued, then joins
  ReplicaThread(const ReplicaThread&) = delete;
  ReplicaThread& operator=(const ReplicaThread&) = delete;

  /// Runs `task` on this thread after the ones posted before; the future holds its exception.
  std::future<void> post(std::function<void()> task);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::packaged_task<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;  // last: it starts once the members it uses exist
};

ReplicaThread::ReplicaThread() : thread_([this] { run(); }) {}

ReplicaThread::~ReplicaThread() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_one();
  thread_.join();
}

std::future<void> ReplicaThread::post(std::function<void()> task) {
  std::packaged_task<void()> packaged(std::move(task));
  std::future<void> done = packaged.get_future();
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(packaged));
  }
  ready_.notify_one();
  return done;
}

void ReplicaThread::run() {
  for (;;) {
    std::packaged_task<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

namespace {

std::string reason(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

/// Which replicas of a phase are done, failed or not; a failed replica waits on it for the rest.
struct PhaseProgress {
  explicit PhaseProgress(int replicas) : done(std::size_t(replicas), false) {}
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<bool> done;
  int finished = 0;
};

/// The one line, then the exit: no destructor runs, as the stranded threads still hold their
/// replicas, and a destructor that waited for their GPU work would wait forever too.
[[noreturn]] void stop_stranded(int failed, const std::exception_ptr& failure, const std::vector<bool>& done,
                                std::chrono::milliseconds grace) {
  std::string waiting;
  int count = 0;
  for (std::size_t r = 0; r < done.size(); ++r)
    if (!done[r]) waiting += (count++ == 0 ? "" : ", ") + std::to_string(r);
  const std::string line =
      "error: data parallel: replica " + std::to_string(failed) + " failed (" + reason(failure) + "), and " +
      (count == 1 ? "replica " + waiting + " still waits" : "replicas " + waiting + " still wait") +
      " for it in a collective after " + std::to_string(grace.count()) + " ms; stopping the process\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  std::_Exit(1);
}

}  // namespace

ReplicaGroup::ReplicaGroup(int replicas, std::chrono::milliseconds grace) : grace_(grace) {
  if (replicas < 1) throw std::invalid_argument("ReplicaGroup: at least one replica");
  for (int r = 1; r < replicas; ++r) threads_.push_back(std::make_unique<ReplicaThread>());
}

ReplicaGroup::~ReplicaGroup() = default;

void ReplicaGroup::run(const std::function<void(int)>& task, ReplicaPhase phase) {
  const bool collective = phase == ReplicaPhase::kCollective && replicas() > 1;
  PhaseProgress progress(replicas());
  const auto finish = [&progress](int r) {
    {
      const std::lock_guard<std::mutex> lock(progress.mutex);
      progress.done[std::size_t(r)] = true;
      ++progress.finished;
    }
    progress.changed.notify_all();
  };
  const auto replica = [&](int r) {
    try {
      task(r);
    } catch (...) {
      finish(r);
      if (collective) {
        std::unique_lock<std::mutex> lock(progress.mutex);
        const int everyone = int(progress.done.size());
        if (!progress.changed.wait_for(lock, grace_, [&] { return progress.finished == everyone; }))
          stop_stranded(r, std::current_exception(), progress.done, grace_);
      }
      throw;
    }
    finish(r);
  };

  std::vector<std::future<void>> others;
  for (int r = 1; r < replicas(); ++r)
    others.push_back(threads_[std::size_t(r) - 1]->post([&replica, r] { replica(r); }));
  std::exception_ptr failure;
  try {
    replica(0);
  } catch (...) {
    failure = std::current_exception();
  }
  for (std::future<void>& other : others) {
    try {
      other.get();
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace ladder::nn
