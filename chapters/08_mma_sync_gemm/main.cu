/// \file chapters/08_mma_sync_gemm/main.cu
/// \brief `ch08_mma_sync_gemm`: the ladder so far, then the bf16 table with rungs 08a to 08e.
///
///     build/bin/ch08_mma_sync_gemm                  # 4096³: verify, time, print both tables
///     build/bin/ch08_mma_sync_gemm --m 8192 --n 8192 --k 8192
///     build/bin/ch08_mma_sync_gemm --exercises      # add the exercise starter
///
/// The bf16 table shows each rung as % of cuBLAS bf16 and as % of the mma.sync peak that
/// mma_peak.cu measures on this GPU first.
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {LADDER_CHAPTER, "mma.sync: tensor cores by hand"});
}
