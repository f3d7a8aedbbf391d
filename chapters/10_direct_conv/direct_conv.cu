/// \file chapters/10_direct_conv/direct_conv.cu
/// \brief Chapter 10: the direct convolution, rungs 10a (filter in global memory) and 10b (filter in constant memory).
///
/// Run it: `build/bin/ch10_direct_conv` (ResNet-50's 28x28x128 layer at batch
/// 32), or `--layer lenet-conv2`, or any sizes: `--n 8 --c 3 --h 33 --w 31 --k 16 --r 5 --s 5 --pad 2`.
#include "chapters/10_direct_conv/direct_conv.cuh"

namespace ladder::direct {
namespace {

// [direct-global]
/// 10a: every thread reads its weights from global memory. The 32 threads of
/// a warp share one output channel (output_element puts q fastest), so a
/// warp's weight loads name one address: one transaction, broadcast by L1.
/// (Where P·Q is not a multiple of 32, a warp that straddles two channels
/// names two: the second channel costs one more transaction.)
__global__ void direct_conv_global_kernel(ConvArgs args) {
  const long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= static_cast<long long>(args.problem.output_elements())) return;
  const OutputElement out = output_element(args.problem, index);
  args.y[index] = direct_conv_sum(args.problem, args.x, args.w, out);
}
// [direct-global]

// [direct-constant]
/// 10b: the filter bank in constant memory. The constant cache serves a
/// warp-wide read of one address in a single broadcast, and it is a separate
/// cache, so the weights stop competing with the input for L1. Its limit is
/// the price: 64 KiB for the whole bank, so only small layers qualify.
__constant__ float filter_in_constant_memory[kConstantFilterCapacity];

__global__ void direct_conv_constant_kernel(ConvArgs args) {
  const long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= static_cast<long long>(args.problem.output_elements())) return;
  const OutputElement out = output_element(args.problem, index);
  args.y[index] = direct_conv_sum(args.problem, args.x, filter_in_constant_memory, out);
}
// [direct-constant]

unsigned blocks_for(const ConvProblem& problem) {
  return static_cast<unsigned>((problem.output_elements() + kThreadsPerBlock - 1) / kThreadsPerBlock);
}

void launch_direct_global(const ConvArgs& args, cudaStream_t stream) {
  direct_conv_global_kernel<<<blocks_for(args.problem), kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

// [direct-constant-launch]
void launch_direct_constant(const ConvArgs& args, cudaStream_t stream) {
  // The copy is part of the rung's time: a real layer's weights change every
  // training step, so they must be brought in on every call.
  LADDER_CUDA_CHECK(cudaMemcpyToSymbolAsync(filter_in_constant_memory, args.w,
                                            args.problem.filter_elements() * sizeof(float), 0, cudaMemcpyDeviceToDevice,
                                            stream));
  direct_conv_constant_kernel<<<blocks_for(args.problem), kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}
// [direct-constant-launch]

const bool registered_global = register_conv({"10a direct",
                                              10,
                                              RungKind::Chapter,
                                              launch_direct_global,
                                              {},
                                              "one thread per output element, NCHW, filter from global memory"});

ConvRequirements constant_memory_requirements() {
  ConvRequirements needs;
  needs.max_filter_elements = kConstantFilterCapacity;
  return needs;
}

const bool registered_constant =
    register_conv({"10b direct, constant-memory filter", 10, RungKind::Chapter, launch_direct_constant,
                   constant_memory_requirements(), "10a with the filter bank in 64 KiB of constant memory"});

}  // namespace
}  // namespace ladder::direct
