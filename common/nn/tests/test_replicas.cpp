// The host threads of data parallelism (common/nn/replicas.hpp), with plain threads standing in
// for the GPUs: each replica keeps its thread, failures come back as exceptions, and a replica
// that fails while the others wait for it in a collective stops the process instead of hanging.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/core/tests/death_tests.hpp"
#include "common/nn/replicas.hpp"

namespace ladder::nn {
namespace {

using std::chrono::milliseconds;

/// A collective that never completes: what a replica's host thread meets when a peer it waits
/// for has gone. It gives up after `patience`, so that a group that failed to stop the process
/// makes the test fail instead of hanging it.
void wait_for_a_peer_that_never_comes(milliseconds patience) {
  std::mutex mutex;
  std::condition_variable never;
  std::unique_lock<std::mutex> lock(mutex);
  never.wait_for(lock, patience, [] { return false; });
}

/// The message of what `run` throws, or "" if it throws nothing.
template <class Run>
std::string failure_of(Run&& run) {
  try {
    run();
  } catch (const std::exception& error) {
    return error.what();
  }
  return "";
}

/// What `group` reports when, in `phase`, replica `failing` throws `message` while the others
/// work for `others_take`.
std::string one_fails(ReplicaGroup& group, int failing, const char* message, milliseconds others_take,
                      ReplicaPhase phase) {
  return failure_of([&] {
    group.run(
        [&](int r) {
          if (r == failing) throw std::runtime_error(message);
          std::this_thread::sleep_for(others_take);
        },
        phase);
  });
}

TEST(ReplicaGroup, RunsEachReplicaOnAThreadOfItsOwnAndKeepsIt) {
  ReplicaGroup group(4);
  ASSERT_EQ(group.replicas(), 4);
  std::vector<std::thread::id> first(4), second(4);
  group.run([&](int r) { first[std::size_t(r)] = std::this_thread::get_id(); }, ReplicaPhase::kIndependent);
  group.run([&](int r) { second[std::size_t(r)] = std::this_thread::get_id(); }, ReplicaPhase::kCollective);
  EXPECT_EQ(first[0], std::this_thread::get_id()) << "replica 0 runs on the calling thread";
  EXPECT_EQ(std::set<std::thread::id>(first.begin(), first.end()).size(), 4u);
  EXPECT_EQ(first, second) << "a replica's CUDA device is current on its own thread only";
}

TEST(ReplicaGroup, RunsTheReplicasAtTheSameTime) {
  // Each waits until all have started: run in turn, they would never finish.
  ReplicaGroup group(3);
  std::atomic<int> started{0};
  group.run(
      [&](int) {
        ++started;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (started < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
        if (started < 3) throw std::runtime_error("the replicas ran one after another");
      },
      ReplicaPhase::kCollective);
}

TEST(ReplicaGroup, RethrowsAFailureOnceEveryReplicaIsDone) {
  ReplicaGroup group(3);
  std::atomic<int> finished{0};
  const std::string what = failure_of([&] {
    group.run(
        [&](int r) {
          if (r == 2) throw std::runtime_error("replica 2 is out of memory");
          std::this_thread::sleep_for(milliseconds(50));
          ++finished;
        },
        ReplicaPhase::kIndependent);
  });
  EXPECT_EQ(what, "replica 2 is out of memory");
  EXPECT_EQ(finished, 2) << "run returned before the others were done";
}

TEST(ReplicaGroup, ReplicaZerosFailureComesFirst) {
  ReplicaGroup group(2);
  const std::string what = failure_of([&] {
    group.run([](int r) { throw std::runtime_error("failure of replica " + std::to_string(r)); },
              ReplicaPhase::kCollective);
  });
  EXPECT_EQ(what, "failure of replica 0");
}

TEST(ReplicaGroup, ACollectiveFailureEveryReplicaSharesComesBack) {
  // The same bad setting on every GPU: all fail, nobody is stranded, the error is an exception.
  ReplicaGroup group(3, milliseconds(60000));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(failure_of([&] {
              group.run([](int) { throw std::invalid_argument("batch too large"); }, ReplicaPhase::kCollective);
            }),
            "batch too large");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30)) << "waited out the grace period";
}

TEST(ReplicaGroup, ACollectiveFailureAfterTheOthersLastCollectiveComesBack) {
  // The others had passed their last all-reduce: they finish within the grace period.
  ReplicaGroup group(3, milliseconds(20000));
  EXPECT_EQ(one_fails(group, 1, "replica 1 failed to copy its loss", milliseconds(100), ReplicaPhase::kCollective),
            "replica 1 failed to copy its loss");
}

TEST(ReplicaGroup, OneReplicaNeverWaits) {
  ReplicaGroup group(1, milliseconds(60000));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(failure_of([&] { group.run([](int) { throw std::runtime_error("alone"); }, ReplicaPhase::kCollective); }),
            "alone");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST(ReplicaGroup, RefusesNoReplicas) { EXPECT_THROW(ReplicaGroup(0), std::invalid_argument); }

void strand_replicas_0_and_2() {
  ReplicaGroup group(3, milliseconds(200));
  group.run(
      [](int r) {
        if (r == 1) throw std::runtime_error("an illegal memory access");
        wait_for_a_peer_that_never_comes(std::chrono::seconds(30));
      },
      ReplicaPhase::kCollective);
}

TEST(ReplicaGroupDeathTest, AFailureThatStrandsTheOthersStopsTheProcessWithOneLine) {
  use_threadsafe_death_tests();
  EXPECT_EXIT(strand_replicas_0_and_2(), ::testing::ExitedWithCode(1),
              "error: data parallel: replica 1 failed \\(an illegal memory access\\), and replicas 0, 2 still wait "
              "for it in a collective after 200 ms; stopping the process");
}

TEST(ReplicaGroup, AnIndependentFailureNeverStopsTheProcess) {
  // Construction, say: nobody waits for anybody, so the failure is an exception, however long the others take.
  ReplicaGroup group(2, milliseconds(10));
  EXPECT_EQ(one_fails(group, 0, "no memory on GPU 0", milliseconds(300), ReplicaPhase::kIndependent),
            "no memory on GPU 0");
}

}  // namespace
}  // namespace ladder::nn
