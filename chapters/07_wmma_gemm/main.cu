/// \file chapters/07_wmma_gemm/main.cu
/// \brief `ch07_wmma_gemm`: the ladder so far, then the bf16 table (cuBLAS bf16, 07a to 07c).
///
///     build/bin/ch07_wmma_gemm                 # 4096³, verify, time, print both tables
///     build/bin/ch07_wmma_gemm --m 1000 --n 777 --k 513 --repeat 20
///     build/bin/ch07_wmma_gemm --exercises     # add the exercise starter
///
/// The bf16 table shows each rung as % of cuBLAS bf16 and as % of the measured
/// peak of `wmma m16n16k16 bf16` (wmma_peak.cu).
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "WMMA: tensor cores through fragments"});
}
