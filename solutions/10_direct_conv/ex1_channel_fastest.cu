/// \file solutions/10_direct_conv/ex1_channel_fastest.cu
/// \brief Exercise 1 (worked solution): give consecutive threads consecutive output channels instead of pixels.
///
/// 10a numbers its threads with q fastest; this rung numbers them with k
/// fastest, the NHWC order of the output. solutions/10_direct_conv/README.md
/// works through the prediction the exercise asks for (3 to 10 times slower
/// than 10a). Measured on the H200: 14.5 ms on resnet50-3x3-28 against 10a's
/// 4.26, 3.4 times as long.
///
///     build/bin/sol10_direct_conv --layer resnet50-3x3-28
#include "chapters/10_direct_conv/direct_conv.cuh"

namespace ladder::direct::solution1 {
namespace {

/// The output element of thread `index` with k fastest.
__device__ OutputElement output_element_channel_fastest(const ConvProblem& problem, long long index) {
  // [sol1-mapping]
  const int k = static_cast<int>(index % problem.k);
  index /= problem.k;
  const int q = static_cast<int>(index % problem.q());
  index /= problem.q();
  return {static_cast<int>(index / problem.p()), k, static_cast<int>(index % problem.p()), q};
  // [sol1-mapping]
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

const bool registered = register_conv({"10 sol1 direct, k fastest",
                                       10,
                                       RungKind::Solution,
                                       launch_channel_fastest,
                                       {},
                                       "solution 1: 10a with consecutive threads on consecutive output channels"});

}  // namespace
}  // namespace ladder::direct::solution1
