/// \file all_rungs.cu
/// \brief `all_rungs`: every rung of every chapter and every worked solution in one table.
///
///     build/bin/all_rungs --m 129 --n 260 --k 52 --no-ceilings --fail-on-skip
///
/// The chapter executables each show the ladder up to their chapter, and the
/// solution executables repeat it with their own rungs added. This one links
/// each rung once, so that `benchmarks/run_gpu.sh` can put all of them under
/// compute-sanitizer in a few runs.
#include "common/gemm/runner.cuh"

int main(int argc, char** argv) {
  return ladder::gemm_chapter_main(argc, argv, {0, "Every rung of every chapter, and the worked solutions"});
}
