/// \file common/conv/cudnn.cuh
/// \brief cuDNN as the vendor rungs of the convolution ladder, at its fastest algorithm.
///
/// Every conv table starts with cuDNN at the table's precision and layout:
///
/// | rung          | x, w, y                 | arithmetic                                     |
/// |---------------|-------------------------|------------------------------------------------|
/// | "cuDNN"       | fp32 NCHW, KCRS, NCHW   | fp32 FMA only: no TF32 tensor cores            |
/// | "cuDNN bf16"  | bf16 NHWC, KRSC, NHWC   | tensor cores, fp32 accumulation                |
///
/// cuDNN implements a convolution in several ways (implicit GEMM, explicit
/// GEMM, FFT, Winograd, ...) and which is fastest depends on the shape. So the
/// first call for a problem asks cuDNN to time them all
/// (cudnnFindConvolutionForwardAlgorithmEx) and keeps the fastest, with the
/// workspace it needs; later calls run only that one. That first call
/// synchronizes and takes far longer than the rest: make it an untimed warm-up,
/// as the runner's warm-up runs do.
///
/// This header does not include cudnn.h, so everything that uses the cuDNN
/// rungs builds without cuDNN too; then the launchers throw and the registry
/// skips the rungs with the reason (ConvRequirements::needs_cudnn).
#pragma once

#include <string>

#include "common/conv/conv.cuh"

namespace ladder {

/// y = conv(x, w) in fp32, NCHW activations and KCRS filters, through cuDNN's
/// fastest algorithm for the problem that does not use TF32. Manages its own
/// workspace (ConvArgs::workspace is ignored). Throws CudaError when cuDNN
/// fails, and std::runtime_error when the build has no cuDNN.
void cudnn_conv(const ConvArgs& args, cudaStream_t stream);

/// The same in bf16, NHWC activations and KRSC filters, fp32 accumulation,
/// tensor cores allowed. Needs compute capability 8.0.
void cudnn_bf16_conv(const Bf16ConvArgs& args, cudaStream_t stream);

/// The registry entry for cudnn_conv ("cuDNN", chapter 0, vendor).
ConvRung cudnn_rung();

/// The registry entry for cudnn_bf16_conv ("cuDNN bf16", chapter 0, vendor).
ConvRung cudnn_bf16_rung();

/// The short name of the algorithm the cuDNN rung of `precision` chose for `problem` on the
/// current device, "IMPLICIT_PRECOMP_GEMM"; empty as cudnn_algorithm_note is. The tables show it
/// beside the rung's name.
std::string cudnn_algorithm_name(const ConvProblem& problem, ConvPrecision precision);

/// The algorithm the cuDNN rung of `precision` chose for `problem` on the
/// current device, in one line, e.g. "IMPLICIT_PRECOMP_GEMM, workspace 1.2 MB,
/// 0.412 ms in cudnnFind, fastest of 6 algorithms cuDNN found"; empty when it
/// has not run that problem yet (or the build has no cuDNN).
std::string cudnn_algorithm_note(const ConvProblem& problem, ConvPrecision precision);

/// The cuDNN library loaded at run time, "9.19.0"; empty when the build has no cuDNN.
std::string cudnn_version();

}  // namespace ladder
