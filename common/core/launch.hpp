/// \file common/core/launch.hpp
/// \brief A rung's launcher of either precision, shared by the GEMM and convolution registries.
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>

namespace ladder {

/// A rung's launcher, of either precision: a rung registers a plain function
/// (`void(const Fp32Args&, cudaStream_t)` or the bf16 one) and the precision
/// follows from its argument type. The constructors are implicit so that a
/// registration names the function alone.
template <typename Fp32Args, typename Bf16Args, typename PrecisionTag, PrecisionTag kFp32, PrecisionTag kBf16>
class TwoPrecisionLaunch {
 public:
  using Fp32Launcher = void (*)(const Fp32Args& args, cudaStream_t stream);
  using Bf16Launcher = void (*)(const Bf16Args& args, cudaStream_t stream);

  TwoPrecisionLaunch() = default;
  TwoPrecisionLaunch(Fp32Launcher fp32) : fp32_(fp32) {}  // NOLINT: implicit on purpose
  TwoPrecisionLaunch(Bf16Launcher bf16) : bf16_(bf16) {}  // NOLINT
  explicit operator bool() const { return fp32_ != nullptr || bf16_ != nullptr; }
  PrecisionTag precision() const { return bf16_ != nullptr ? kBf16 : kFp32; }

  /// Launches; throws std::logic_error when the arguments are of the other precision (a
  /// runner's bug: it picks each rung's arguments by precision()).
  void operator()(const Fp32Args& args, cudaStream_t stream) const {
    if (fp32_ == nullptr) throw std::logic_error("launch: fp32 arguments given to a bf16 rung");
    fp32_(args, stream);
  }
  void operator()(const Bf16Args& args, cudaStream_t stream) const {
    if (bf16_ == nullptr) throw std::logic_error("launch: bf16 arguments given to an fp32 rung");
    bf16_(args, stream);
  }

 private:
  Fp32Launcher fp32_ = nullptr;
  Bf16Launcher bf16_ = nullptr;
};

}  // namespace ladder
