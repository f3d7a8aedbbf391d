/// \file chapters/10_direct_conv/exercises/ex1_channel_fastest.cu
/// \brief Exercise 1 (starter): give consecutive threads consecutive output channels instead of pixels.
///
/// 10a numbers its threads with q fastest (direct::output_element). Number
/// them with k fastest instead: thread index = ((n·P + p)·Q + q)·K + k, which
/// is the NHWC order of the output. Write the mapping below (the TODO). As
/// given, every thread claims output (0, 0, 0, 0), so the test fails.
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter10Exercise
///     build/bin/ch10_direct_conv --exercises
///
/// Before measuring, predict for the ResNet-50 28x28x128 layer: how many
/// distinct addresses a warp's input load names (10a: 32 neighbouring ones, or
/// 32 on every other word with a stride of 2), how many its weight load names (10a: 1), how many
/// 32-byte sectors its store touches (10a: 4), and so whether this rung is
/// faster or slower than 10a, and by roughly how much.
#include "chapters/10_direct_conv/direct_conv.cuh"

namespace ladder::direct::exercise1 {
namespace {

/// The output element of thread `index` with k fastest.
__device__ OutputElement output_element_channel_fastest(const ConvProblem& problem, long long index) {
  // TODO: peel k off first (index % K), then q, then p; what is left is n.
  (void)problem;
  (void)index;
  return {0, 0, 0, 0};
}

__global__ void channel_fastest_kernel(ConvArgs args) {
  const long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= static_cast<long long>(args.problem.output_elements())) return;
  const OutputElement out = output_element_channel_fastest(args.problem, index);
  args.y[conv::nkpq_offset(args.problem, out.n, out.k, out.p, out.q)] =
      direct_conv_sum(args.problem, args.x, args.w, out);
}

void launch_channel_fastest(const ConvArgs& args, cudaStream_t stream) {
  const auto blocks = static_cast<unsigned>((args.problem.output_elements() + kThreadsPerBlock - 1) / kThreadsPerBlock);
  channel_fastest_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(args);
  LADDER_CHECK_LAUNCH();
}

const bool registered = register_conv({"10 ex1 direct, k fastest",
                                       10,
                                       RungKind::Exercise,
                                       launch_channel_fastest,
                                       {},
                                       "exercise 1: 10a with consecutive threads on consecutive output channels"});

}  // namespace
}  // namespace ladder::direct::exercise1
