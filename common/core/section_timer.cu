#include "common/core/section_timer.cuh"

#include <utility>

#include "common/core/cuda_check.cuh"

namespace ladder {

SectionTimer::~SectionTimer() {
  for (cudaEvent_t e : pool_) cudaEventDestroy(e);
}

cudaEvent_t SectionTimer::event(std::size_t index) {
  while (pool_.size() <= index) {
    cudaEvent_t e;
    LADDER_CUDA_CHECK(cudaEventCreate(&e));
    pool_.push_back(e);
  }
  return pool_[index];
}

void SectionTimer::mark(const std::string& name, cudaStream_t stream) {
  std::size_t section = 0;
  while (section < totals_.size() && totals_[section].name != name) ++section;
  if (section == totals_.size()) totals_.push_back({name, 0.0, 0});
  LADDER_CUDA_CHECK(cudaEventRecord(event(recorded_.size()), stream));
  recorded_.push_back(int(section));
}

void SectionTimer::stop(cudaStream_t stream) {
  LADDER_CUDA_CHECK(cudaEventRecord(event(recorded_.size()), stream));
  recorded_.push_back(-1);
}

void SectionTimer::collect() {
  if (recorded_.empty()) return;
  LADDER_CUDA_CHECK(cudaEventSynchronize(pool_[recorded_.size() - 1]));
  for (std::size_t i = 0; i + 1 < recorded_.size(); ++i) {
    if (recorded_[i] < 0) continue;  // a stop: nothing is timed until the next mark
    float milliseconds = 0;
    LADDER_CUDA_CHECK(cudaEventElapsedTime(&milliseconds, pool_[i], pool_[i + 1]));
    totals_[std::size_t(recorded_[i])].milliseconds += milliseconds;
    totals_[std::size_t(recorded_[i])].count += 1;
  }
  // A section still open (the last event a mark) goes on into the next collect(): its start
  // event moves to the front of the pool.
  const int open = recorded_.back();
  if (open >= 0) std::swap(pool_.front(), pool_[recorded_.size() - 1]);
  recorded_.clear();
  if (open >= 0) recorded_.push_back(open);
}

}  // namespace ladder
