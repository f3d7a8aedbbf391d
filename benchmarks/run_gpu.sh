#!/usr/bin/env bash
# The whole GPU verification, in phases, on a machine with an NVIDIA GPU:
#
#   build     configure (Release, the GPU's own architecture) and build: everything
#             when the test phase runs, else only the programs (ladder_programs),
#             since the tests are most of the build
#   test      every CTest test with LADDER_REQUIRE_GPU=1: a GPU test that finds
#             no device fails; one skipped for any reason but its rung's own
#             requirement fails the phase
#   sanitize  compute-sanitizer memcheck, racecheck and synccheck on every GEMM
#             rung (build/bin/all_rungs) at 129x260x52 and 33x65x12, which reach
#             every edge path, on every conv rung (the last conv chapter)
#             on a small ragged stride-2 layer, and on a short run of chapter
#             14's GPU training; a skipped rung fails the phase
#   ladder    the last GEMM chapter's executable at 4096^3: the ladder table and its JSON
#   bench     Google Benchmark over every GEMM rung and size (bench_gemm) and
#             every conv rung and layer (bench_conv)
#   tune      issue 9's SIMT tuning sweep (build/bin/tune_simt): every candidate
#             tile configuration checked on a ragged problem, then timed beside
#             cuBLAS and chapter 06's steps at 2048^3, 4096^3 and 8192^3;
#             tune.json, and the target's verdict; then, where ncu works, Nsight
#             Compute on the best candidate beside 06e and 06e paired (ncu-tune.txt)
#   cnn       chapter 14 on the GPU, 3 epochs of Fashion-MNIST (from the kit, or
#             Debian's dataset-fashion-mnist; else 60,000 synthetic digits), then
#             the same network in PyTorch from the same weights on the same
#             batches (benchmarks/pytorch_lenet.py): equal first losses, and
#             each one's epoch time
#   record    benchmarks/results/<gpu>.json, then the tables and the chart regenerated
#   profile   Nsight Compute on every kernel of the ladder at 4096^3 (optional:
#             its failure is reported but does not fail the run)
#
#   bash benchmarks/run_gpu.sh [build-dir] [output-dir]
#
# Environment:
#   LADDER_PHASES   comma-separated phases (default: all of the above, in that order)
#   LADDER_DRY_RUN  1: print the machine and the plan (which phases run, which
#                   are skipped and why), run nothing, write nothing
#   BENCH_FILTER    a --benchmark_filter regex (default: every benchmark)
#   CMAKE_ARGS      extra configure arguments
#   LADDER_COMMIT   the commit to record when the tree has no .git (a copied checkout)
#
# On gVisor (uname -r says 4.4.0) compute-sanitizer and ncu cannot reach the
# GPU, so sanitize and profile are skipped there, with that reason.
#
# Every program runs under a time limit (ctest's per test, `timeout` for the
# rest): a kernel that deadlocks then costs minutes and is reported as a
# failure (exit 124), instead of hanging until the whole device call is lost.
#
# Without a network, bring .device_kit/ (made by `bash tools/device_kit.sh` on
# a machine with one): it is used automatically when present.
#
# The output folder gets at most 10 files, directly in it: summary.json
# (machine, test counts, sanitizer verdicts, the tuning verdict), ctest.log,
# sanitizer.log, ladder.json, bench.json, bench_conv.json, tune.json, cnn.json,
# ncu.txt and ncu-tune.txt (record.py rebuilds the results JSON from them wherever they are
# copied); none of the device calls benchmarks/README.md lists writes more
# than 8 of them (run.log, from tee, included). The last thing
# printed is a table of the phases, their status and their time.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-gpu}
out=${2:-$build/gpu-run}
phases=${LADDER_PHASES:-build,test,sanitize,ladder,bench,tune,cnn,record,profile}
all_phases="build test sanitize ladder bench tune cnn record profile"
for phase in ${phases//,/ }; do
  if [[ " $all_phases " != *" $phase "* ]]; then
    echo "run_gpu.sh: unknown phase '$phase' in LADDER_PHASES (phases: ${all_phases// /, })" >&2
    exit 2
  fi
done
dry_run=${LADDER_DRY_RUN:-0}
# The time limits (seconds) that keep a deadlocked kernel from taking the device call:
test_limit=300       # each CTest test
sanitizer_limit=240  # each compute-sanitizer run
program_limit=300    # the ladder, each tuning run, each chapter 14 run, PyTorch
bench_limit=540      # each benchmark program
if [[ -d /usr/local/cuda/bin ]]; then PATH=$PATH:/usr/local/cuda/bin; fi  # nvcc, compute-sanitizer, ncu
build=$(realpath -m "$build")
out=$(realpath -m "$out")
summary_file=-  # a dry run writes nothing
if [[ $dry_run != 1 ]]; then
  mkdir -p "$out" && summary_file=$out/summary.json
fi

# --- What the machine is: first, because everything after depends on it. ---
echo "=== machine ==="
kernel=$(uname -r)
python3 benchmarks/gpu_run.py machine "$summary_file" --kernel "$kernel"
gvisor_reason=""
if [[ $kernel == 4.4.0* ]]; then
  gvisor_reason="gVisor (kernel $kernel): compute-sanitizer and ncu cannot reach the GPU there"
fi

kit=$PWD/.device_kit
kit_args=()
if [[ -d $kit ]]; then
  if ! bash tools/device_kit.sh --check; then exit 1; fi
  kit_args=(-DCMAKE_PREFIX_PATH="$kit/prefix" -DFETCHCONTENT_FULLY_DISCONNECTED=ON
            -DFETCHCONTENT_SOURCE_DIR_GOOGLETEST="$kit/googletest" -DFETCHCONTENT_SOURCE_DIR_BENCHMARK="$kit/benchmark")
  # The kit's Fashion-MNIST, when it has it, for chapter 14's real-data test too.
  [[ -f $kit/fashion-mnist/train-images-idx3-ubyte.gz ]] && kit_args+=(-DLADDER_FASHION_MNIST_DIR="$kit/fashion-mnist")
  echo "offline kit: $kit"
else
  echo "offline kit: none (.device_kit/ is absent): GoogleTest, Google Benchmark, CLI11, nlohmann_json and zlib" \
       "must be installed or downloadable; on a machine without a network, run 'bash tools/device_kit.sh'" \
       "where there is one and bring .device_kit along"
fi

summary=()  # "phase|status|seconds"
failed=0
run_phase() {
  local name=$1 skip_reason=$2
  shift 2
  if [[ ,$phases, != *,$name,* ]]; then return 0; fi
  if [[ -n $skip_reason ]]; then
    printf '\n=== %s: skipped: %s ===\n' "$name" "$skip_reason"
    summary+=("$name|skipped|0")
    "$@" --skipped "$skip_reason"  # the phase records why it did not run
    return 0
  fi
  if [[ $dry_run == 1 ]]; then
    printf '=== %s: would run ===\n' "$name"
    return 0
  fi
  printf '\n=== %s ===\n' "$name"
  local start=$SECONDS status
  if "$@"; then status=ok; else status="FAILED (exit $?)"; fi
  if [[ $status != ok && $name != profile ]]; then failed=1; fi
  summary+=("$name|$status|$((SECONDS - start))")
}

# GEMM chapters are 01-09, convolution chapters 10-13.
last_chapter_exe() { find "$build/bin" -maxdepth 1 -name 'ch0[1-9]_*' | sort | tail -n 1; }
last_conv_chapter_exe() { find "$build/bin" -maxdepth 1 -name 'ch1[0-3]_*' | sort | tail -n 1; }

# The test executables are most of the build, and only the test phase runs
# them: without it, the programs (every chapter, solution and benchmark, and
# chapter 14) are all the other phases need, and GPU time is scarce.
build_targets=()
build_what="everything: the test phase runs every test"
if [[ ,$phases, != *,test,* ]]; then
  build_targets=(--target ladder_programs)
  build_what="the programs only (ladder_programs): no test phase, no tests"
fi

phase_build() {
  # The docs and the compile-for-other-architectures test are CI's work (it
  # has Doxygen and time); here they would only cost GPU time.
  # shellcheck disable=SC2086
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLADDER_BUILD_DOCS=OFF -DLADDER_TEST_ARCHITECTURES= \
    "${kit_args[@]}" ${CMAKE_ARGS:-} && cmake --build "$build" -j "$(nproc)" "${build_targets[@]}"
}

phase_test() {
  local status
  # -LE site: the docs site's checks need the built site (the docs target), which this run does not build.
  LADDER_REQUIRE_GPU=1 ctest --test-dir "$build" -LE site --output-on-failure -j "$(nproc)" --timeout "$test_limit" \
    --output-junit "$build/ctest.xml" >"$out/ctest.log" 2>&1
  status=$?
  ctest --test-dir "$build" --show-only=json-v1 >"$build/ctest-tests.json" 2>/dev/null
  python3 benchmarks/gpu_run.py tests "$summary_file" --junit "$build/ctest.xml" --tests-json "$build/ctest-tests.json" ||
    status=1
  return $status
}

phase_sanitize() {
  if [[ ${1:-} == --skipped ]]; then
    python3 benchmarks/gpu_run.py sanitizer "$summary_file" --log /dev/null --skipped "$2"
    return
  fi
  local exe=$build/bin/all_rungs tool shape status
  : >"$out/sanitizer.log"
  [[ -x $exe ]] || { echo "no $exe: build first" >&2; return 1; }
  # Shapes that reach every edge path: ragged m and n tiles (129 = 128 + 1,
  # 260 = 2*128 + 4, 33, 65), a partial last k-tile, and fewer k-tiles than
  # the pipeline has stages (k = 12) as well as more (k = 52).
  for tool in memcheck racecheck synccheck; do
    for shape in "129 260 52" "33 65 12"; do
      read -r m n k <<<"$shape"
      {
        printf '\n##### all_rungs %sx%sx%s --tool %s\n' "$m" "$n" "$k" "$tool"
        timeout -k 10 "$sanitizer_limit" compute-sanitizer --tool "$tool" --error-exitcode 99 "$exe" --m "$m" --n "$n" --k "$k" --warmup 0 \
          --repeat 1 --no-ceilings --no-flush --energy-seconds 0 --fail-on-skip 2>&1
        status=$?
        verdict=$([[ $status -eq 0 ]] && echo clean || echo FAILED)
        printf 'verdict: %s %s %sx%sx%s (exit %s)\n' "$verdict" "$tool" "$m" "$n" "$k" "$status"
      } >>"$out/sanitizer.log"
      grep '^verdict:' "$out/sanitizer.log" | tail -n 1
    done
    # Every conv rung (and cuDNN) on a ragged layer: odd sizes, stride 2, padding 1, C a multiple of 8.
    local conv_exe
    conv_exe=$(last_conv_chapter_exe)
    if [[ -n $conv_exe ]]; then
      {
        printf '\n##### %s ragged layer --tool %s\n' "$(basename "$conv_exe")" "$tool"
        timeout -k 10 "$sanitizer_limit" compute-sanitizer --tool "$tool" --error-exitcode 99 "$conv_exe" --n 2 --c 8 --h 17 --w 13 --k 12 --r 3 \
          --s 3 --stride 2 --pad 1 --warmup 0 --repeat 1 --no-flush --fail-on-skip 2>&1
        status=$?
        verdict=$([[ $status -eq 0 ]] && echo clean || echo FAILED)
        printf 'verdict: %s %s conv ragged layer (exit %s)\n' "$verdict" "$tool" "$status"
      } >>"$out/sanitizer.log"
      grep '^verdict:' "$out/sanitizer.log" | tail -n 1
    fi
    # Chapter 14's GPU path: a short training run (ragged last batch, augmentation, the CUDA graph)
    # and its evaluation. The sanitizer also sees the graph's replays.
    if [[ -x $build/bin/ch14_mnist_cnn ]]; then
      {
        printf '\n##### ch14_mnist_cnn short run --tool %s\n' "$tool"
        timeout -k 10 "$sanitizer_limit" compute-sanitizer --tool "$tool" --error-exitcode 99 "$build/bin/ch14_mnist_cnn" --synthetic 200 \
          --test-count 100 --epochs 1 --batch 48 --augment on 2>&1
        status=$?
        verdict=$([[ $status -eq 0 ]] && echo clean || echo FAILED)
        printf 'verdict: %s %s ch14 short run (exit %s)\n' "$verdict" "$tool" "$status"
      } >>"$out/sanitizer.log"
      grep '^verdict:' "$out/sanitizer.log" | tail -n 1
    fi
  done
  python3 benchmarks/gpu_run.py sanitizer "$summary_file" --log "$out/sanitizer.log"
}

phase_ladder() { timeout -k 10 "$program_limit" "$(last_chapter_exe)" --json "$out/ladder.json"; }

phase_bench() {
  timeout -k 10 "$bench_limit" "$build/bin/bench_gemm" --benchmark_filter="${BENCH_FILTER:-.}" --benchmark_out="$out/bench.json" \
    --benchmark_out_format=json --benchmark_counters_tabular=true || return 1
  timeout -k 10 "$bench_limit" "$build/bin/bench_conv" --benchmark_filter="${BENCH_FILTER:-.}" --benchmark_out="$out/bench_conv.json" \
    --benchmark_out_format=json --benchmark_counters_tabular=true
}

phase_tune() {
  local exe=$build/bin/tune_simt size runs=() status=0
  [[ -x $exe ]] || { echo "no $exe: build first" >&2; return 1; }
  local quick=(--precision fp32 --no-ceilings --energy-seconds 0 --fail-on-skip)
  # Correct first: every candidate on ragged m, n and k (edge tiles, a partial k-tile) against the
  # oracle; a rung that fails here is marked failed in the table whatever its speed.
  rm -f "$build/tune-check.json"
  timeout -k 10 "$program_limit" "$exe" --m 1031 --n 1029 --k 1027 --warmup 0 --repeat 1 --no-flush "${quick[@]}" \
    --json "$build/tune-check.json" || status=1
  local check_args=()
  [[ -f $build/tune-check.json ]] && check_args=(--check "$build/tune-check.json")
  # A rung that fails its check fails the phase but not the other sizes: the table shows it.
  for size in 2048 4096 8192; do
    rm -f "$build/tune-$size.json"
    timeout -k 10 "$program_limit" "$exe" --m "$size" --n "$size" --k "$size" "${quick[@]}" \
      --json "$build/tune-$size.json" || status=1
    [[ -f $build/tune-$size.json ]] && runs+=("$build/tune-$size.json")
  done
  [[ ${#runs[@]} -gt 0 ]] || return 1
  python3 benchmarks/gpu_run.py tune "$summary_file" --out "$out/tune.json" "${check_args[@]}" "${runs[@]}" || status=1
  # The evidence for the second round: Nsight Compute on the sweep's best candidate beside 06e and
  # 06e with paired lanes (shared-load wavefronts per load: 3 and 2 if chapter 06's return-path count
  # holds, 1 and 1 if only the banks count), where ncu can reach the GPU. Optional: its failure is
  # reported, the phase's status is the sweep's.
  local best
  best=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("tune", {}).get("best") or "")' \
    "$summary_file" 2>/dev/null)
  if [[ -n $best && -z $gvisor_reason ]] && command -v ncu >/dev/null; then
    echo "profiling the best of the sweep, '$best', beside 06e and 06e paired (ncu-tune.txt)"
    ncu_report "$out/ncu-tune.txt" 90 -k regex:cp_async_kernel -- "$exe" --precision fp32 --rung "$best" \
      --rung "06e cp.async 3-stage 128x128x16" --rung "tune 128x128x16 w64x32 3-stage paired" ||
      echo "tune: the profile failed (exit $?); see ncu-tune.txt"
  fi
  return $status
}

phase_cnn() {
  local exe=$build/bin/ch14_mnist_cnn data="" folder
  for folder in "$kit/fashion-mnist" /usr/share/datasets/fashion-mnist; do
    [[ -f $folder/train-images-idx3-ubyte.gz ]] && { data=$folder; break; }
  done
  local data_args=(--data "$data")
  if [[ -z $data ]]; then  # written out as IDX files, so that PyTorch reads the same images
    data=$build/cnn-synthetic
    mkdir -p "$data"
    data_args=(--synthetic 60000 --synthetic-out "$data")
  fi
  timeout -k 10 "$program_limit" "$exe" "${data_args[@]}" --epochs 3 --augment off --seed 1 --save-initial "$build/cnn-initial.ckpt" \
    --json "$build/cnn-ours.json" || return 1
  # Where a step's time goes: one more epoch, timed layer by layer (which slows it: a separate
  # run), reading the same IDX files (generated digits were written to $data above).
  timeout -k 10 "$program_limit" "$exe" --data "$data" --epochs 1 --augment off --seed 1 --layer-times --json "$build/cnn-layers.json" ||
    return 1
  # What the CUDA graph buys: two epochs with every kernel launched from the host.
  timeout -k 10 "$program_limit" "$exe" --data "$data" --epochs 2 --augment off --seed 1 --no-graph --json "$build/cnn-no-graph.json" || return 1
  # Mixed precision: the same 3 epochs with bf16 products and convolutions.
  timeout -k 10 "$program_limit" "$exe" --data "$data" --epochs 3 --augment off --seed 1 --precision bf16 --json "$build/cnn-bf16.json" || return 1
  timeout -k 10 "$program_limit" python3 benchmarks/pytorch_lenet.py --ours "$build/cnn-ours.json" --weights "$build/cnn-initial.ckpt" \
    --data "$data" --layer-times "$build/cnn-layers.json" --no-graph-run "$build/cnn-no-graph.json" \
    --bf16-run "$build/cnn-bf16.json" --out "$out/cnn.json"
}

phase_record() {
  local optional_args=() recorded
  [[ -f $out/ladder.json ]] && optional_args+=(--ladder "$out/ladder.json")
  [[ -f $out/cnn.json ]] && optional_args+=(--cnn "$out/cnn.json")
  [[ -f $out/bench_conv.json ]] && optional_args+=(--bench-conv "$out/bench_conv.json")
  [[ -f $out/tune.json ]] && optional_args+=(--tune "$out/tune.json")
  [[ -f $out/ncu.txt ]] && optional_args+=(--ncu "$out/ncu.txt")  # from an earlier profile phase into this $out
  [[ -f $out/ncu-tune.txt ]] && optional_args+=(--ncu-tune "$out/ncu-tune.txt")
  recorded=$(python3 benchmarks/record.py --summary "$summary_file" --bench "$out/bench.json" "${optional_args[@]}" \
    --out benchmarks/results) || return 1
  echo "$recorded"
  python3 benchmarks/report.py
}

# Nsight Compute on one launch of each kernel a GEMM program runs at 4096^3 (no check run, no
# warm-up, no energy window), into REPORT: the sections, then the issue-slot evidence in numbers
# (instructions issued vs. FFMAs on the fma pipe; shared loads, their wavefronts and bank conflicts,
# which tell whether the return-path count of chapter 06 holds; barrier and shared-load stalls),
# separately, so that a metric this ncu does not know costs only those lines. Bounded by
# SECONDS + 60 in all. ncu_report REPORT SECONDS [ncu filter...] -- EXE [program args...]
ncu_report() {
  local report=$1 seconds=$2 filter=() status
  shift 2
  while [[ $1 != -- ]]; do filter+=("$1"); shift; done
  shift
  local run_args=(--m 4096 --n 4096 --k 4096 --no-check --no-ceilings --no-flush --warmup 0 --repeat 1
                  --energy-seconds 0)
  timeout "$seconds" ncu "${filter[@]}" --section SpeedOfLight --section ComputeWorkloadAnalysis \
    --section InstructionStats --section LaunchStats --section Occupancy --section SchedulerStats \
    --section WarpStateStats --section MemoryWorkloadAnalysis_Tables "$@" "${run_args[@]}" >"$report" 2>&1
  status=$?
  timeout 60 ncu "${filter[@]}" --metrics "$(python3 benchmarks/ncu_metrics.py --metric-list)" \
    "$@" "${run_args[@]}" >>"$report" 2>&1 || status=$?
  grep -E 'Duration|Compute \(SM\) Throughput|Executed Ipc Active|Registers Per|Achieved Occupancy' "$report" |
    head -n 40
  python3 benchmarks/ncu_metrics.py "$report" || true  # the evidence table (none if the metrics pass failed)
  return $status
}

phase_profile() {
  if [[ ${1:-} == --skipped ]]; then return 0; fi
  # Every rung of the ladder; bounded so the run keeps inside its time.
  ncu_report "$out/ncu.txt" 150 -- "$(last_chapter_exe)"
}

if [[ ,$phases, == *,build,* ]]; then echo "build: $build_what"; fi
run_phase build "" phase_build
if [[ $failed -ne 0 ]]; then
  echo "build failed: nothing else can run" >&2
else
  run_phase test "" phase_test
  run_phase sanitize "$gvisor_reason" phase_sanitize
  run_phase ladder "" phase_ladder
  run_phase bench "" phase_bench
  run_phase tune "" phase_tune
  run_phase cnn "" phase_cnn
  run_phase record "" phase_record
  run_phase profile "$gvisor_reason" phase_profile
fi
[[ $dry_run == 1 ]] && exit 0

printf '\n%-10s %-22s %s\n' phase status seconds
for row in "${summary[@]}"; do
  IFS='|' read -r name status seconds <<<"$row"
  printf '%-10s %-22s %s\n' "$name" "$status" "$seconds"
done
exit $failed
