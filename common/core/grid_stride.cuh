/// \file common/core/grid_stride.cuh
/// \brief The grid-stride loop as a range: `for (std::size_t i : grid_stride(count))`, and
/// the grid's limit in y and z.
///
/// Thread t of a grid of T threads takes elements t, t + T, t + 2T, ... below `count`, so
/// any grid covers any count, and a grid capped at a few waves still covers a huge one
/// (chapter 01's exercise 1 writes the loop out by hand). Indices are std::size_t: counts
/// past 2^31 elements do not overflow.
#pragma once

#include <cstddef>

namespace ladder {

/// The most blocks a grid holds in y or in z (x takes 2^31 - 1).
inline constexpr int kMaxGridY = 65535;

class GridStride {
 public:
  class Iterator {
   public:
    __device__ Iterator(std::size_t index, std::size_t step) : index_(index), step_(step) {}
    __device__ std::size_t operator*() const { return index_; }
    __device__ Iterator& operator++() {
      index_ += step_;
      return *this;
    }
    /// Only compared with end(): "not past the count yet".
    __device__ bool operator!=(const Iterator& end) const { return index_ < end.index_; }

   private:
    std::size_t index_, step_;
  };

  __device__ explicit GridStride(std::size_t count) : count_(count) {}
  __device__ Iterator begin() const {
    return {blockIdx.x * std::size_t(blockDim.x) + threadIdx.x, std::size_t(gridDim.x) * blockDim.x};
  }
  __device__ Iterator end() const { return {count_, 0}; }

 private:
  std::size_t count_;
};

/// This thread's indices below `count` in a grid-stride loop over a 1-D grid.
__device__ inline GridStride grid_stride(std::size_t count) { return GridStride(count); }

}  // namespace ladder
