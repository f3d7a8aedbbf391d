/// \file solutions/05_vectorized_gemm/ex2_unaligned_fallback.cu
/// \brief Solution to chapter 05, exercise 2: misaligned problems fall back to chapter 04's 2-D kernel instead of being
/// rejected.
///
/// The launcher asks the registry, which is the interface between rungs: if
/// `05 vectorized` accepts the problem (16-byte aligned pointers, leading
/// dimensions that are multiples of 4 floats), it runs that rung; otherwise
/// it runs `04 2-D register tiling`, whose scalar loads need only 4-byte
/// alignment. No kernel is copied, and the alignment rule stays in one place:
/// the vectorized rung's own requirements.
///
/// **What the requirements say.** alignment_bytes = 4 (the default): any
/// float-aligned pointers and any leading dimensions. The rung now accepts
/// every problem, and says in its summary which path is slower.
///
/// **What the tests cover.** The shared rung tests round leading dimensions
/// up to the declared alignment, here 4 bytes, i.e. not at all. So both paths
/// run: shapes whose leading dimensions are multiples of 4 (64³, 256×256×4,
/// 2048³, 33×65×17 with 3 floats of padding: lda 20, ldb 68) take the float4
/// kernel, and the others (17×33×65: ldb 33; 1000×1234×777: lda 777; 127×129×7
/// with padding 5: lda 12 but ldb 134) take the scalar one, each with ragged
/// edges, alpha/beta and poisoned padding. Before, a float4 rung never saw an
/// odd leading dimension at all. Pointers from the tests are cudaMalloc'ed
/// (256-byte aligned), so a misaligned *pointer* (e.g. a sub-matrix starting
/// at column 1) is covered by the same check but not exercised by these shapes.
///
/// The fallback needs both rungs linked into the program: the chapter
/// executables and the benchmarks link every chapter up to 05, and the test
/// executable of these solutions links chapters 04 and 05 (CMakeLists.txt).
/// The fallback is a chapter-04 speed, not a chapter-05 one (*prediction*:
/// the gap between the two rungs in the ladder), so a library would still
/// prefer to pad its matrices to a multiple of 4 floats. On the H200 the
/// benchmarks timed only aligned shapes, where this rung runs `05 vectorized`
/// (76.1 % of cuBLAS at 4096³ against 76.0 %: the check costs nothing
/// visible). The fallback path was not timed; the two rungs it chooses
/// between took 7.72 ms and 3.55 ms at 4096³: a misaligned problem of about
/// that size would likely pay that gap.
#include <stdexcept>
#include <string>

#include "common/gemm/device.cuh"

namespace ladder {
namespace {

GemmRung linked_rung(const std::string& name) {
  const std::optional<GemmRung> rung = find_gemm(name);
  if (!rung) throw std::logic_error("05 sol2 needs the rung '" + name + "' linked into this program");
  return *rung;
}

void launch_with_fallback(const GemmArgs& args, cudaStream_t stream) {
  static const GemmRung vectorized = linked_rung("05 vectorized");
  static const GemmRung scalar = linked_rung("04 2-D register tiling");
  // The vectorized rung needs compute capability 0 (any), so only its alignment can refuse.
  const bool aligned = !unsupported_reason(vectorized, args, /*compute_capability=*/0);
  (aligned ? vectorized : scalar).launch(args, stream);
}

const bool registered = register_gemm({"05 sol2 unaligned fallback",
                                       5,
                                       RungKind::Solution,
                                       launch_with_fallback,
                                       {},
                                       "solution: 05 vectorized when 16-byte aligned, else 04 2-D (scalar loads)"});

}  // namespace
}  // namespace ladder
