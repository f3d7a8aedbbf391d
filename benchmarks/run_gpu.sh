#!/usr/bin/env bash
# The whole GPU verification in one go, on a machine with an NVIDIA GPU:
#
#   build     configure (Release, the GPU's own architecture) and build everything
#   test      every CTest test, the GPU ones included
#   sanitize  compute-sanitizer memcheck, racecheck and synccheck on the last
#             chapter's executable and every solution executable, at 65x33x17
#   ladder    the last chapter's executable at 4096^3: the ladder table and its JSON
#   bench     Google Benchmark over every rung and size
#   record    benchmarks/results/<gpu>.json (with GPU, clocks, driver, CUDA,
#             commit), then the README/docs/lesson tables and chart regenerated
#   profile   Nsight Compute on every kernel of the ladder at 4096^3 (optional:
#             its failure is reported but does not fail the run)
#
#   benchmarks/run_gpu.sh [build-dir] [output-dir]
#
# Environment:
#   LADDER_PHASES   comma-separated phases to run (default: all of the above, in that order)
#   BENCH_FILTER    a --benchmark_filter regex (default: every benchmark)
#   CMAKE_ARGS      extra configure arguments
#   LADDER_COMMIT   the commit to record when the tree has no .git (a copied checkout)
#
# Without a network, run tools/device_kit.sh first (on a machine with one) and
# bring .device_kit/ along: it is used automatically when present.
#
# Output folder: run's logs and results, at most 8 files (ctest.log,
# sanitizer.log, ladder.json, bench.json, ncu.txt, the results JSON). The last
# thing printed is a table of the phases, their status and their time.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-gpu}
out=${2:-$build/gpu-run}
phases=${LADDER_PHASES:-build,test,sanitize,ladder,bench,record,profile}
all_phases="build test sanitize ladder bench record profile"
for phase in ${phases//,/ }; do
  if [[ " $all_phases " != *" $phase "* ]]; then
    echo "run_gpu.sh: unknown phase '$phase' in LADDER_PHASES (phases: ${all_phases// /, })" >&2
    exit 2
  fi
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [[ -d /usr/local/cuda/bin ]]; then PATH=$PATH:/usr/local/cuda/bin; fi  # compute-sanitizer, ncu

summary=()  # "phase|status|seconds"
failed=0
run_phase() {
  local name=$1
  shift
  if [[ ,$phases, != *,$name,* ]]; then return 0; fi
  printf '\n=== %s ===\n' "$name"
  local start=$SECONDS status
  if "$@"; then status=ok; else status="FAILED (exit $?)"; fi
  if [[ $status != ok && $name != profile ]]; then failed=1; fi
  summary+=("$name|$status|$((SECONDS - start))")
}

last_chapter_exe() { find "$build/bin" -maxdepth 1 -name 'ch[0-9][0-9]_*' ! -name '*mnist*' | sort | tail -n 1; }

phase_build() {
  local kit_args=()
  if tools/device_kit.sh --check >/dev/null 2>&1; then
    local kit=$PWD/.device_kit
    echo "using the offline kit in $kit"
    kit_args=(-DCMAKE_PREFIX_PATH="$kit/prefix" -DFETCHCONTENT_FULLY_DISCONNECTED=ON
              -DFETCHCONTENT_SOURCE_DIR_GOOGLETEST="$kit/googletest" -DFETCHCONTENT_SOURCE_DIR_BENCHMARK="$kit/benchmark")
  fi
  # shellcheck disable=SC2086
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "${kit_args[@]}" ${CMAKE_ARGS:-} &&
    cmake --build "$build" -j "$(nproc)"
}

phase_test() {
  ctest --test-dir "$build" --output-on-failure -j 8 >"$out/ctest.log" 2>&1
  local status=$?
  grep -E 'tests passed|tests failed|\*\*\*Failed|Not Run|Timeout' "$out/ctest.log" | tail -n 25
  return $status
}

phase_sanitize() {
  local status=0 exe tool executables
  : >"$out/sanitizer.log"
  mapfile -t executables < <(last_chapter_exe; find "$build/bin" -maxdepth 1 -name 'sol[0-9][0-9]_*' | sort)
  if [[ ${#executables[@]} -eq 0 ]]; then
    echo "no chapter or solution executables in $build/bin" >&2
    return 1
  fi
  for exe in "${executables[@]}"; do
    for tool in memcheck racecheck synccheck; do
      {
        printf '\n##### %s --tool %s\n' "$(basename "$exe")" "$tool"
        compute-sanitizer --tool "$tool" --error-exitcode 99 "$exe" --m 65 --n 33 --k 17 --warmup 0 --repeat 1 \
          --no-ceilings --no-flush 2>&1
      } >>"$out/sanitizer.log"
      if [[ $? -eq 0 ]]; then
        echo "clean   $tool $(basename "$exe")"
      else
        echo "FAILED  $tool $(basename "$exe") (see sanitizer.log)"
        status=1
      fi
    done
  done
  return $status
}

phase_ladder() { "$(last_chapter_exe)" --json "$out/ladder.json"; }

phase_bench() {
  "$build/bin/bench_gemm" --benchmark_filter="${BENCH_FILTER:-.}" --benchmark_out="$out/bench.json" \
    --benchmark_out_format=json --benchmark_counters_tabular=true
}

phase_record() {
  local ladder_args=()
  [[ -f $out/ladder.json ]] && ladder_args=(--ladder "$out/ladder.json")
  local recorded
  recorded=$(python3 benchmarks/record.py --bench "$out/bench.json" "${ladder_args[@]}" --out benchmarks/results) ||
    return 1
  echo "$recorded"
  cp "${recorded#recorded }" "$out/" && python3 benchmarks/report.py
}

phase_profile() {
  # One launch of each kernel (no check run, no warm-up), every rung of the ladder.
  ncu --section SpeedOfLight --section ComputeWorkloadAnalysis --section InstructionStats --section LaunchStats \
    --section Occupancy --section SchedulerStats --section WarpStateStats --section MemoryWorkloadAnalysis_Tables \
    "$(last_chapter_exe)" --m 4096 --n 4096 --k 4096 --no-check --no-ceilings --no-flush --warmup 0 --repeat 1 \
    >"$out/ncu.txt" 2>&1
  local status=$?
  # The issue-slot evidence in numbers: instructions issued vs. FFMAs (fma pipe),
  # shared-load bank conflicts, barrier stalls. Separate, so that a metric this
  # ncu does not know costs only these lines.
  ncu --metrics smsp__inst_executed.sum,smsp__inst_executed_pipe_fma.sum,sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active,l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum,smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio \
    "$(last_chapter_exe)" --m 4096 --n 4096 --k 4096 --no-check --no-ceilings --no-flush --warmup 0 --repeat 1 \
    >>"$out/ncu.txt" 2>&1 || status=$?
  grep -E '^\s+[a-z_]+.*\(|Duration|Compute \(SM\) Throughput|Executed Ipc Active|Registers Per|Achieved Occupancy' \
    "$out/ncu.txt" | head -n 60
  return $status
}

run_phase build phase_build
if [[ $failed -ne 0 ]]; then
  echo "build failed: nothing else can run" >&2
else
  run_phase test phase_test
  run_phase sanitize phase_sanitize
  run_phase ladder phase_ladder
  run_phase bench phase_bench
  run_phase record phase_record
  run_phase profile phase_profile
fi

printf '\n%-10s %-22s %s\n' phase status seconds
for row in "${summary[@]}"; do
  IFS='|' read -r name status seconds <<<"$row"
  printf '%-10s %-22s %s\n' "$name" "$status" "$seconds"
done
exit $failed
