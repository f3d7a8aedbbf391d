/// \file all_conv_rungs.cu
/// \brief `all_conv_rungs`: cuDNN, every conv rung of chapters 10-13 and every worked conv solution in one table.
///
///     build/bin/all_conv_rungs --n 2 --c 8 --h 17 --w 13 --k 12 --r 3 --s 3 --stride 2 --pad 1 --fail-on-skip
///
/// The conv chapter executables show the ladder up to their chapter, and each
/// solution executable adds only its own rungs. This one links each conv rung
/// once, so that `benchmarks/run_gpu.sh` puts the solutions under
/// compute-sanitizer too, in the same few runs as the chapters.
#include "common/conv/runner.cuh"

int main(int argc, char** argv) {
  return ladder::conv_chapter_main(argc, argv, {0, "Every conv rung of every chapter, and the worked solutions"});
}
