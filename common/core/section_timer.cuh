/// \file common/core/section_timer.cuh
/// \brief Where the GPU time of a repeated sequence of launches goes: CUDA events between named
/// sections of a stream.
///
/// The sections are contiguous: mark("a") ... mark("b") ... stop() times a from its mark to b's,
/// and b from its mark to the stop, so every launch in between is counted once, in the section
/// it was launched in. Events time the GPU's work, not the host's launching; collect() waits for
/// the GPU, so a loop that collects after every repetition runs slower than without the timer.
#pragma once

#include <cuda_runtime.h>

#include <string>
#include <vector>

namespace ladder {

class SectionTimer {
 public:
  /// One section's accumulated time.
  struct Total {
    std::string name;
    double milliseconds = 0;  ///< summed over every collect()
    long count = 0;           ///< how many times it was timed
  };

  SectionTimer() = default;
  ~SectionTimer();  // destroys the events (no check: destructors must not throw)
  SectionTimer(const SectionTimer&) = delete;
  SectionTimer& operator=(const SectionTimer&) = delete;

  /// Starts section `name` on `stream`, ending the one before it, if any.
  void mark(const std::string& name, cudaStream_t stream);
  /// Ends the current section.
  void stop(cudaStream_t stream);
  /// Waits for the events recorded since the last collect() and adds each section's time to its total.
  void collect();
  /// The totals, in the order the sections were first marked.
  const std::vector<Total>& totals() const { return totals_; }

 private:
  cudaEvent_t event(std::size_t index);  // the pool's index-th event, created on first use

  std::vector<Total> totals_;
  std::vector<cudaEvent_t> pool_;
  std::vector<int> recorded_;  // per recorded event: the section it starts (-1 for a stop)
};

}  // namespace ladder
