/// \file common/nn/replicas.hpp
/// \brief The host threads of data parallelism: one per replica, and what happens when one of
/// them fails while the others wait for it in a collective.
///
/// A collective (an NCCL all-reduce, or the join that creates its communicator) completes only
/// when every replica takes part. A replica that throws halfway through an epoch never reaches
/// the next one, and the others then wait for it on the GPU, and their host threads in the
/// next synchronisation, forever: no exception can reach them. ReplicaGroup therefore gives a
/// failed replica a grace period in which the others may finish (they will, if they had
/// already passed their last collective, or failed too); if they do not, it stops the process
/// with one line that says which replica failed and why, instead of hanging. Host-only, so the
/// CPU tests check it with plain threads standing in for the GPUs.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace ladder::nn {

/// The thread one replica's work runs on (replicas.cpp).
class ReplicaThread;

/// Whether the replicas of a step meet in a collective, so that one's failure strands the rest.
enum class ReplicaPhase { kIndependent, kCollective };

/// N replicas: replica 0 runs on the calling thread, replica r > 0 on a ReplicaThread of its own.
class ReplicaGroup {
 public:
  /// How long a failed replica waits, in a collective phase, for the others to finish before it
  /// stops the process. Once one replica has failed, the others can only finish if they had
  /// passed their last collective of the phase, which leaves them milliseconds of work.
  static constexpr std::chrono::milliseconds kDefaultGrace{10000};

  explicit ReplicaGroup(int replicas, std::chrono::milliseconds grace = kDefaultGrace);
  ~ReplicaGroup();  // joins the threads

  int replicas() const { return int(threads_.size()) + 1; }

  /// Runs task(r) for every replica r, each on its thread, waits for all of them and rethrows
  /// the first failure (replica 0's before the others'). In a kCollective phase with two or more
  /// replicas, a replica that fails while another is still running waits `grace` for it; if it
  /// is still running then, it is stranded in a collective, and the process stops: one line on
  /// stderr naming the replica and its error, exit status 1.
  void run(const std::function<void(int)>& task, ReplicaPhase phase);

 private:
  std::chrono::milliseconds grace_;
  std::vector<std::unique_ptr<ReplicaThread>> threads_;  // replica r > 0 lives on threads_[r - 1]
};

}  // namespace ladder::nn
