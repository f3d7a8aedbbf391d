/// \file chapters/12_im2col_conv/im2col_conv.cu
/// \brief Chapter 12: im2col + GEMM. 12a multiplies with chapter 06's best SIMT GEMM, 12b with cuBLAS.
///
/// Run it: `build/bin/ch12_im2col_conv` (ResNet-50's 28x28x128 layer at batch
/// 32); the table shows 10a-12b against cuDNN, and the lesson explains why the
/// extra memory of the lowering can pay.
#include <cstdint>
#include <stdexcept>

#include "chapters/12_im2col_conv/im2col_conv.cuh"
#include "common/gemm/cublas.cuh"
#include "common/gemm/row_slabs.cuh"

namespace ladder::im2col {

namespace {

constexpr int kThreadsPerBlock = 256;

unsigned blocks_for(long long elements) {
  return static_cast<unsigned>((elements + kThreadsPerBlock - 1) / kThreadsPerBlock);
}

// [im2col-kernel]
/// One thread per element of the lowered matrix, the tap index fastest: the
/// threads of a warp write 32 consecutive floats of one row (coalesced), and
/// read taps of one output position, which for s fastest are neighbouring
/// input columns. The matrix is R·S times the size of the input (stride 1),
/// so the writes are the traffic that matters; each input value is read R·S
/// times, mostly from L1 and L2.
__global__ void im2col_kernel(ConvProblem pr, const float* __restrict__ x, float* lowered, long long lowered_ld) {
  const long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int taps = pr.gemm_k();
  if (index >= pr.gemm_m() * taps) return;
  const long long row = index / taps;
  const int tap = static_cast<int>(index % taps);
  lowered[row * lowered_ld + tap] = lowered_value(pr, x, row, tap);
}
// [im2col-kernel]

/// filterᵀ[tap][k] = w[k][tap]: the filter bank (K × C·R·S, row-major) as
/// the GEMM's B operand. Small (K·C·R·S floats), so a plain transpose will do.
__global__ void transpose_filter_kernel(ConvProblem pr, const float* __restrict__ w, float* filter_t,
                                        long long filter_t_ld) {
  const long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= static_cast<long long>(pr.filter_elements())) return;
  const int k = static_cast<int>(index % pr.k), tap = static_cast<int>(index / pr.k);
  filter_t[tap * filter_t_ld + k] = w[static_cast<long long>(k) * pr.gemm_k() + tap];
}

/// y[n][k][p][q] = out[im2col_row(n, p, q)][k]: the GEMM's NHWC rows back to
/// NCHW. q fastest, so the stores coalesce; the loads stride by a row of out.
__global__ void out_to_nchw_kernel(ConvProblem pr, const float* __restrict__ out, long long out_ld, float* y) {
  const long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= static_cast<long long>(pr.output_elements())) return;
  const int q = static_cast<int>(index % pr.q());
  const int p = static_cast<int>(index / pr.q() % pr.p());
  const long long nk = index / (static_cast<long long>(pr.p()) * pr.q());
  const int k = static_cast<int>(nk % pr.k), n = static_cast<int>(nk / pr.k);
  y[index] = out[conv::im2col_row(pr, n, p, q) * out_ld + k];
}

}  // namespace

LoweredMatrices carve_workspace(const ConvArgs& args) {
  const LoweredLayout layout = lowered_layout(args.problem);
  if (args.workspace == nullptr || args.workspace_bytes < layout.total_bytes)
    throw std::invalid_argument("im2col: the workspace is smaller than lowered_workspace_bytes(problem)");
  // The layout aligns each matrix to 256 bytes from the base: a GEMM's 16-byte loads need the base aligned too.
  if (reinterpret_cast<std::uintptr_t>(args.workspace) % 256 != 0)
    throw std::invalid_argument("im2col: the workspace must be 256-byte aligned, as cudaMalloc's memory is");
  auto* base = static_cast<unsigned char*>(args.workspace);
  return {reinterpret_cast<float*>(base + layout.lowered_offset),
          reinterpret_cast<float*>(base + layout.filter_t_offset), reinterpret_cast<float*>(base + layout.out_offset),
          layout};
}

// [lowered-conv]
void lowered_conv(const ConvArgs& args, GemmLauncher gemm, cudaStream_t stream) {
  const ConvProblem& pr = args.problem;
  const LoweredMatrices m = carve_workspace(args);
  im2col_kernel<<<blocks_for(pr.gemm_m() * pr.gemm_k()), kThreadsPerBlock, 0, stream>>>(pr, args.x, m.lowered,
                                                                                        m.layout.lowered_ld);
  LADDER_CHECK_LAUNCH();
  transpose_filter_kernel<<<blocks_for(static_cast<long long>(pr.filter_elements())), kThreadsPerBlock, 0, stream>>>(
      pr, args.w, m.filter_t, m.layout.filter_t_ld);
  LADDER_CHECK_LAUNCH();
  // out (N·P·Q × K) = lowered (N·P·Q × C·R·S) · filterᵀ (C·R·S × K), row-major, beta = 0.
  const GemmArgs product{static_cast<int>(pr.gemm_m()),
                         pr.gemm_n(),
                         pr.gemm_k(),
                         1.0f,
                         0.0f,
                         m.lowered,
                         static_cast<int>(m.layout.lowered_ld),
                         m.filter_t,
                         static_cast<int>(m.layout.filter_t_ld),
                         m.out,
                         static_cast<int>(m.layout.out_ld)};
  gemm(product, stream);
  out_to_nchw_kernel<<<blocks_for(static_cast<long long>(pr.output_elements())), kThreadsPerBlock, 0, stream>>>(
      pr, m.out, m.layout.out_ld, args.y);
  LADDER_CHECK_LAUNCH();
}
// [lowered-conv]

namespace {

/// Chapter 06's fastest rung (its lesson's last step): the SIMT GEMM this
/// project built. Looked up by name, so this chapter needs no header of 06.
constexpr const char* kSimtGemm = "06e cp.async 3-stage 128x128x16";

/// 06e's block tile has 128 rows.
constexpr int kSimtGemmTileRows = 128;

void launch_with_simt_gemm(const ConvArgs& args, cudaStream_t stream) {
  static const std::optional<GemmRung> gemm = find_gemm(kSimtGemm);
  if (!gemm) throw std::logic_error(std::string("12a needs the GEMM rung '") + kSimtGemm + "' linked in");
  // 06e puts its row tiles on grid.y (at most 65,535 of them); N·P·Q can be
  // taller than that, so the product runs in slabs of rows.
  lowered_conv(
      args,
      [](const GemmArgs& product, cudaStream_t s) {
        launch_in_row_slabs(product, kSimtGemmTileRows, [s](const GemmArgs& slab) { gemm->launch(slab, s); });
      },
      stream);
}

void launch_with_cublas(const ConvArgs& args, cudaStream_t stream) { lowered_conv(args, cublas_sgemm, stream); }

/// 06e copies with cp.async (sm_80), and indexes its matrices with 32-bit ints. cuBLAS takes
/// them at any size whose rows, columns and leading dimensions fit an int, which ConvProblem's
/// own limits already ensure, so 12b needs nothing beyond the workspace.
ConvRequirements simt_gemm_requirements() {
  ConvRequirements needs;
  needs.min_compute_capability = 80;
  needs.max_lowered_elements = (1LL << 31) - 1;
  return needs;
}

const bool registered[] = {
    register_conv({"12a im2col + 06e GEMM", 12, RungKind::Chapter, launch_with_simt_gemm, simt_gemm_requirements(),
                   "lower to an N*P*Q x C*R*S matrix, multiply with chapter 06's best SIMT GEMM, permute to NCHW",
                   lowered_workspace_bytes}),
    register_conv({"12b im2col + cuBLAS",
                   12,
                   RungKind::Chapter,
                   launch_with_cublas,
                   {},
                   "the same lowering, multiplied by cuBLAS SGEMM (fp32, no TF32)",
                   lowered_workspace_bytes}),
};

}  // namespace
}  // namespace ladder::im2col
