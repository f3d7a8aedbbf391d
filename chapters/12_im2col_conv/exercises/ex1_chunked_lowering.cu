/// \file chapters/12_im2col_conv/exercises/ex1_chunked_lowering.cu
/// \brief Exercise 1 (starter): lower a few images at a time, so the workspace stays small.
///
/// 12b lowers the whole batch at once: for ResNet-50's 56x56x64 layer at batch
/// 32 that is a 231 MB matrix beside a 26 MB input. This rung's workspace holds
/// the lowering of kImagesPerChunk images only, and the launcher must walk the
/// batch chunk by chunk: for each chunk, a sub-problem with n = the chunk's
/// size, x and y advanced to its first image, and lowered_conv on it. As
/// given, it converts the first chunk only, and the tests fail on every batch
/// larger than one chunk.
///
///     LADDER_TEST_EXERCISES=1 ctest --test-dir build -R Chapter12Exercise
///     build/bin/ch12_im2col_conv --exercises --layer resnet50-3x3-56
///
/// Before measuring, predict: the workspace for the 56x56x64 layer (12b: 257
/// MB), how many GEMMs run and their M, and whether the smaller GEMMs cost
/// more time than the smaller workspace saves (how many 128-row output tiles
/// does one chunk's GEMM have, against 132 SMs?).
#include <algorithm>

#include "chapters/12_im2col_conv/im2col_conv.cuh"
#include "common/gemm/cublas.cuh"

namespace ladder::im2col::exercise1 {
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
  // TODO: loop over the batch in chunks of kImagesPerChunk images (the last
  // may be smaller). Each chunk's x starts first_image * C*H*W floats in, its
  // y first_image * K*P*Q floats in; the workspace is reused by every chunk.
  ConvArgs chunk = args;
  chunk.problem = chunk_problem(args.problem, std::min(args.problem.n, kImagesPerChunk));
  lowered_conv(chunk, cublas_sgemm, stream);
}

const bool registered = register_conv({"12 ex1 im2col in chunks + cuBLAS",
                                       12,
                                       RungKind::Exercise,
                                       launch_chunked,
                                       {},
                                       "exercise 1: 12b lowering kImagesPerChunk images at a time",
                                       chunk_workspace_bytes});

}  // namespace
}  // namespace ladder::im2col::exercise1
