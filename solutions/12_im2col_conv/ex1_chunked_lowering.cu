/// \file solutions/12_im2col_conv/ex1_chunked_lowering.cu
/// \brief Exercise 1 (worked solution): lower a few images at a time, so the workspace stays small.
///
/// 12b with the batch lowered kImagesPerChunk images at a time: the workspace
/// shrinks by N / kImagesPerChunk, the GEMMs by as much.
/// solutions/12_im2col_conv/README.md works through the prediction (10 to 30 %
/// slower than 12b on resnet50-3x3-56). Measured on the H200: 1.01 ms against
/// 12b's 0.845, 20 % slower; most of the difference is likely the fixed cost
/// of each chunk's launches (in part host time, which that record's timer counted).
///
///     build/bin/sol12_im2col_conv --layer resnet50-3x3-56
#include <algorithm>

#include "chapters/12_im2col_conv/im2col_conv.cuh"
#include "common/gemm/cublas.cuh"

namespace ladder::im2col::solution1 {
namespace {

constexpr int kImagesPerChunk = 4;

/// The problem of one chunk: the same layer, `images` images.
ConvProblem chunk_problem(const ConvProblem& problem, int images) {
  ConvProblem chunk = problem;
  chunk.n = images;
  return chunk;
}

std::size_t chunk_workspace_bytes(const ConvProblem& problem) {
  return lowered_workspace_bytes(chunk_problem(problem, std::min(problem.n, kImagesPerChunk)));
}

void launch_chunked(const ConvArgs& args, cudaStream_t stream) {
  // [sol1-chunks]
  const ConvProblem& whole = args.problem;
  const std::size_t image_in = std::size_t(whole.c) * whole.h * whole.w;
  const std::size_t image_out = std::size_t(whole.k) * whole.p() * whole.q();
  for (int first_image = 0; first_image < whole.n; first_image += kImagesPerChunk) {
    ConvArgs chunk = args;  // same filters and workspace: the stream orders the chunks' reuse of it
    chunk.problem = chunk_problem(whole, std::min(kImagesPerChunk, whole.n - first_image));
    chunk.x = args.x + first_image * image_in;
    chunk.y = args.y + first_image * image_out;
    lowered_conv(chunk, cublas_sgemm, stream);
  }
  // [sol1-chunks]
}

const bool registered = register_conv({"12 sol1 im2col in chunks + cuBLAS",
                                       12,
                                       RungKind::Solution,
                                       launch_chunked,
                                       {},
                                       "solution 1: 12b lowering kImagesPerChunk images at a time",
                                       chunk_workspace_bytes});

}  // namespace
}  // namespace ladder::im2col::solution1
