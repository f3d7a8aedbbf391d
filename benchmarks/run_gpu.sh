#!/usr/bin/env bash
# The whole GPU verification in one go, on a machine with an NVIDIA GPU:
#   configure + build (native architecture), run every test (GPU ones included),
#   compute-sanitizer (memcheck, racecheck, synccheck) on every chapter executable
#   at a small ragged size, the benchmarks, then record the results with their
#   context in benchmarks/results/<gpu>.json and regenerate the tables and chart.
#
#   benchmarks/run_gpu.sh [build-dir] [output-dir]
#
# Environment: BENCH_FILTER (a --benchmark_filter regex, default all),
# CMAKE_ARGS (extra configure arguments, e.g. -DFETCHCONTENT_SOURCE_DIR_GOOGLETEST=...).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-$build/gpu-run}
mkdir -p "$out"
log() { printf '\n=== %s ===\n' "$*"; }

log "configure and build"
# shellcheck disable=SC2086
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-}
cmake --build "$build" -j "$(nproc)"

log "tests"
ctest --test-dir "$build" --output-on-failure -j 4 2>&1 | tee "$out/ctest.log"

log "compute-sanitizer on every chapter executable (65x33x17)"
sanitizer_status=0
for exe in "$build"/bin/ch[0-9][0-9]_* "$build"/bin/sol[0-9][0-9]_*; do
  [[ -x $exe ]] || continue
  for tool in memcheck racecheck synccheck; do
    if compute-sanitizer --tool "$tool" --error-exitcode 99 "$exe" --m 65 --n 33 --k 17 --warmup 0 --repeat 1 \
        --no-ceilings --no-flush >"$out/sanitizer_$(basename "$exe")_$tool.log" 2>&1; then
      echo "clean   $tool $(basename "$exe")"
    else
      echo "FAILED  $tool $(basename "$exe") (see $out/sanitizer_$(basename "$exe")_$tool.log)"
      sanitizer_status=1
    fi
  done
done

log "ladder at 4096^3"
last_chapter=$(ls "$build"/bin/ch[0-9][0-9]_* | grep -v mnist | sort | tail -n 1)
"$last_chapter" --json "$out/ladder.json"

log "benchmarks"
"$build/bin/bench_gemm" --benchmark_filter="${BENCH_FILTER:-.}" --benchmark_out="$out/bench.json" \
  --benchmark_out_format=json --benchmark_counters_tabular=true

log "record"
python3 benchmarks/record.py --bench "$out/bench.json" --ladder "$out/ladder.json" --out benchmarks/results
python3 benchmarks/report.py
exit $sanitizer_status
