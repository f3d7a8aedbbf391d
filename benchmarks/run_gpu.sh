#!/usr/bin/env bash
# The whole GPU verification, in phases, on a machine with an NVIDIA GPU:
#
#   build     configure (Release, the GPU's own architecture) and build: everything
#             when the test phase runs, else only the programs (ladder_programs),
#             since the tests are most of the build
#   test      every CTest test but CI's checks of the source (labels site, docs,
#             build), with LADDER_REQUIRE_GPU=1: a GPU test that finds
#             no device fails; one skipped for any reason but its rung's own
#             requirement fails the phase
#   sanitize  compute-sanitizer memcheck, racecheck and synccheck on every GEMM
#             rung (build/bin/all_rungs) at 129x260x52 and 33x65x12, which reach
#             every edge path, and 160x96x48, which every rung takes; on every
#             conv rung and solution (all_conv_rungs) on a small ragged stride-2
#             layer; on chapter 09's rung tests with B stored n x k; and on a
#             short run of chapter 14's GPU training; a rung
#             skipped at 160x96x48 or on the layer fails the phase
#   ladder    the last GEMM chapter's executable at 4096^3, then the last conv chapter's on its
#             default layer: the ladder tables, with energy, and their JSON
#   bench     Google Benchmark over every GEMM rung and size (bench_gemm) and
#             every conv rung and layer (bench_conv)
#   tune      issue 9's SIMT tuning sweep (build/bin/tune_simt): every candidate
#             tile configuration checked on a ragged problem, then timed beside
#             cuBLAS and chapter 06's steps at 2048^3, 4096^3 and 8192^3;
#             tune.json, and the target's verdict; on a compute capability 9.0
#             GPU the same for chapter 09's sweep (build/bin/tune_wgmma, bf16,
#             beside cuBLAS bf16 and 09a-09e: tune_wgmma.json, issue 13's
#             targets); then, where ncu works, Nsight Compute on the SIMT
#             sweep's best candidate beside 06e and 06e paired (ncu-tune.txt)
#   cnn       chapter 14 on the GPU, 3 epochs of Fashion-MNIST (from the kit, or
#             Debian's dataset-fashion-mnist; else 60,000 synthetic digits), then
#             the same network in PyTorch from the same weights on the same
#             batches (benchmarks/pytorch_lenet.py): equal first losses, and
#             each one's epoch time; and 10 epochs for the time to 90 %, and
#             on the kit's MNIST, when it has it, 10 more for the time to 99 %
#   profile   Nsight Compute on every kernel of the ladder at 4096^3, on the best
#             SIMT rung when a solution holds it, and on chapter 13's 13d and
#             13g-13i beside cuDNN on resnet50-3x3-14 (optional: its failure is
#             reported but does not fail the run)
#   record    benchmarks/results/<gpu>.json, then the tables and the chart
#             regenerated: last, so that it holds this call's profile
#
#   bash benchmarks/run_gpu.sh [build-dir] [output-dir]
#
# Environment:
#   LADDER_PHASES   comma-separated phases (default: all of the above, in that order)
#   LADDER_DRY_RUN  1: print the machine and the plan (which phases run, which
#                   are skipped and why), run nothing, write nothing
#   BENCH_FILTER    a --benchmark_filter regex for bench_gemm (default: every benchmark)
#   BENCH_CONV_FILTER  the same for bench_conv (default: every benchmark); a program whose
#                   filter matches nothing is not run (its JSON would be empty)
#   CMAKE_ARGS      extra configure arguments
#   LADDER_COMMIT   the commit to record when the tree has no .git (a copied checkout)
#   LADDER_BUDGET_S the seconds this whole call may take (unset: no limit, for a GPU of
#                   your own; a device command of 10 minutes sets 570 or less). Every time
#                   limit below is cut to what is left of it, and a phase that starts with
#                   under 30 seconds left is skipped as out of time, so that the call ends
#                   by itself, with its summary and its table, instead of being killed
#                   halfway through a phase.
#
# On gVisor (uname -r says 4.4.0) compute-sanitizer and ncu cannot reach the
# GPU, so sanitize and profile are skipped there, with that reason.
#
# Every program runs under a time limit (ctest's per test, `timeout` for the
# rest): a kernel that deadlocks then costs minutes and is reported as a
# failure (exit 124), instead of hanging until the whole device call is lost.
# The ladder programs and the tuning sweeps also watch each rung (--rung-timeout):
# one that deadlocks ends its program within a minute, naming itself, and the
# program runs again without it (--skip-rung), its row saying so; likewise a
# rung whose fault would leave every rung after it unmeasured.
#
# Without a network, bring .device_kit/ (made by `bash tools/device_kit.sh` on
# a machine with one): it is used automatically when present.
#
# The output folder gets at most 13 files, directly in it: summary.json
# (machine, test counts, sanitizer verdicts, the tuning verdicts), ctest.log,
# sanitizer.log, ladder.json, ladder_conv.json, bench.json, bench_conv.json, pytorch_conv.json,
# tune.json, tune_wgmma.json, cnn.json, ncu.txt and ncu-tune.txt (record.py rebuilds the results
# JSON from them wherever they are copied); none of the device calls benchmarks/README.md lists
# writes more than 8 of them (run.log, from tee, included). The last thing
# printed is a table of the phases, their status and their time.
set -uo pipefail
export PYTHONUNBUFFERED=1  # a program stopped by its time limit keeps what it had printed
# --help prints the comment above; an option or a third argument is a mistake, said in one line
# before anything runs (a typo must not become a build folder).
usage="usage: bash benchmarks/run_gpu.sh [build-dir] [output-dir]; see --help"
for arg in "$@"; do
  case $arg in
    -h | --help)
      sed -n '2,/^set -uo pipefail/{/^set -uo pipefail/d;s/^# \{0,1\}//;p;}' "$0"
      exit 0 ;;
    -*)
      echo "run_gpu.sh: unknown option '$arg' ($usage)" >&2
      exit 2 ;;
  esac
done
if (( $# > 2 )); then
  echo "run_gpu.sh: $# arguments, at most 2 ($usage)" >&2
  exit 2
fi
cd "$(dirname "$0")/.." || exit 1
build=${1:-build-gpu}
out=${2:-$build/gpu-run}
phases=${LADDER_PHASES:-build,test,sanitize,ladder,bench,tune,cnn,profile,record}
all_phases="build test sanitize ladder bench tune cnn profile record"
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
rung_limit=60        # one rung of a ladder program or a sweep: its check, warm-ups and timed runs
budget=${LADDER_BUDGET_S:-86400}  # unset: a day, which no run comes near
# The smaller of a limit and what is left of the call's budget (less 20 s for the bookkeeping
# that closes it), never below 1: `timeout 0` would mean no limit at all.
limit() {
  local want=$1 left=$((budget - SECONDS - 20))
  ((left < want)) && want=$left
  ((want < 1)) && want=1
  echo "$want"
}
if [[ -d /usr/local/cuda/bin ]]; then PATH=$PATH:/usr/local/cuda/bin; fi  # nvcc, compute-sanitizer, ncu
build=$(realpath -m "$build")
out=$(realpath -m "$out")
summary_file=-  # a dry run writes nothing
if [[ $dry_run != 1 ]]; then
  mkdir -p "$out" && summary_file=$out/summary.json
  # What the phases of this call write, from an earlier call into the same $out, goes first: the
  # record then holds this call's results or none, never an older call's under this call's commit.
  declare -A phase_outputs=([ladder]="ladder.json ladder_conv.json" [bench]="bench.json bench_conv.json pytorch_conv.json"
    [tune]="tune.json tune_wgmma.json ncu-tune.txt" [cnn]="cnn.json" [profile]="ncu.txt")
  for phase in "${!phase_outputs[@]}"; do
    if [[ ,$phases, == *,$phase,* ]]; then
      for file in ${phase_outputs[$phase]}; do rm -f "${out:?}/$file"; done
    fi
  done
fi

# --- What the machine is: first, because everything after depends on it. ---
echo "=== machine ==="
kernel=$(uname -r)
python3 benchmarks/gpu_run.py machine "$summary_file" --kernel "$kernel" ${LADDER_COMMIT:+--commit "$LADDER_COMMIT"}
# The tune phase's second sweep runs sm_90a code, which only a compute capability 9.0 GPU runs.
compute_cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n 1)
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
record_phase() {  # name status seconds: the closing table's row, and the same in summary.json
  summary+=("$1|$2|$3")
  [[ $dry_run == 1 ]] || python3 benchmarks/gpu_run.py phase "$summary_file" --name "$1" --status "$2" --seconds "$3"
}
print_phases() {
  printf '\n%-10s %-26s %s\n' phase status seconds
  local row name status seconds
  for row in "${summary[@]}"; do
    IFS='|' read -r name status seconds <<<"$row"
    printf '%-10s %-26s %s\n' "$name" "$status" "$seconds"
  done
}
run_phase() {
  local name=$1 skip_reason=$2
  shift 2
  if [[ ,$phases, != *,$name,* ]]; then return 0; fi
  if [[ -z $skip_reason && $dry_run != 1 && $((budget - SECONDS)) -lt 30 ]]; then
    skip_reason="out of time: $((budget - SECONDS)) s left of the $budget s it may use (LADDER_BUDGET_S)"
    [[ $name != profile ]] && failed=1  # not verified is not passed
  fi
  if [[ -n $skip_reason ]]; then
    printf '\n=== %s: skipped: %s ===\n' "$name" "$skip_reason"
    record_phase "$name" "skipped" 0
    # A phase with more to record about its skip has a hook for it: phase_sanitize_skipped.
    if declare -F "$1_skipped" >/dev/null; then "$1_skipped" "$skip_reason"; fi
    return 0
  fi
  if [[ $dry_run == 1 ]]; then
    printf '=== %s: would run ===\n' "$name"
    return 0
  fi
  printf '\n=== %s (%s s left) ===\n' "$name" "$((budget - SECONDS))"
  local start=$SECONDS status code
  "$@"
  code=$?
  case $code in
    0) status=ok ;;
    124 | 137) status="TIMED OUT (exit $code)" ;;
    *) status="FAILED (exit $code)" ;;
  esac
  if [[ $code -ne 0 && $name != profile ]]; then failed=1; fi
  record_phase "$name" "$status" "$((SECONDS - start))"
}

# GEMM chapters are 01-09, convolution chapters 10-13.
last_chapter_exe() { find "$build/bin" -maxdepth 1 -name 'ch0[1-9]_*' | sort | tail -n 1; }
last_conv_chapter_exe() { find "$build/bin" -maxdepth 1 -name 'ch1[0-3]_*' | sort | tail -n 1; }
gemm_problem=(--m 4096 --n 4096 --k 4096 --no-ceilings)  # what the GEMM programs are profiled on

# The test executables are most of the build, and only the test phase runs
# them: without it, the programs (every chapter, solution and benchmark, and
# chapter 14) are all the other phases need, and GPU time is scarce.
build_targets=()
build_what="everything: the test phase runs every test"
if [[ ,$phases, != *,test,* ]]; then
  build_targets=(--target ladder_programs)
  build_what="the programs only (ladder_programs): no test phase, no tests"
  if [[ ,$phases, == *,sanitize,* ]]; then  # the sanitize phase runs chapter 09's B n x k tests
    build_targets+=(--target test_ch09_wgmma_tma_gemm)
    build_what+=", and test_ch09_wgmma_tma_gemm for the sanitize phase"
  fi
fi

phase_build() {
  # The docs and the compile-for-other-architectures test are CI's work (it
  # has Doxygen and time); here they would only cost GPU time.
  # shellcheck disable=SC2086
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLADDER_BUILD_DOCS=OFF -DLADDER_TEST_ARCHITECTURES= \
    "${kit_args[@]}" ${CMAKE_ARGS:-} || return 1
  # What the optional libraries came to: a missing cuDNN leaves the conv tables without their
  # baseline, and is better known now than after the benchmarks.
  grep -E '^(LADDER_HAVE_CUDNN|LADDER_CUDNN_VERSION|LADDER_HAVE_NCCL|ZLIB_LIBRARY)[:=]' "$build/CMakeCache.txt" |
    sed 's/^/configured: /'
  timeout -k 10 "$(limit 100000)" cmake --build "$build" -j "$(nproc)" "${build_targets[@]}"
}

phase_test() {
  local status
  rm -f "$build/ctest.xml" "$build/ctest-tests.json"  # a kept build folder must not lend an old run's results
  # Not the labels site (the docs site's checks need the built site, which this run does not
  # build), docs and build: the lessons' quoted code, register and SASS tables, the format, the
  # scripts' own tests and the machine code's instructions are CI's checks of the source, and
  # here would only compare this machine's toolkit and tools with CI's.
  LADDER_REQUIRE_GPU=1 timeout -k 10 "$(limit 100000)" ctest --test-dir "$build" -LE 'site|docs|build' --output-on-failure \
    -j "$(nproc)" --timeout "$(limit "$test_limit")" --output-junit "$build/ctest.xml" >"$out/ctest.log" 2>&1
  status=$?
  ctest --test-dir "$build" --show-only=json-v1 >"$build/ctest-tests.json" 2>/dev/null
  python3 benchmarks/gpu_run.py tests "$summary_file" --junit "$build/ctest.xml" --tests-json "$build/ctest-tests.json" ||
    status=1
  return $status
}

# out_of_time WHAT: with under 45 s of the call left, logs a SKIPPED verdict for WHAT and succeeds.
out_of_time() {
  ((budget - SECONDS >= 45)) && return 1
  printf 'verdict: SKIPPED %s (out of time: %s s left)\n' "$1" "$((budget - SECONDS))" | tee -a "$out/sanitizer.log"
}

phase_sanitize_skipped() { python3 benchmarks/gpu_run.py sanitizer "$summary_file" --log /dev/null --skipped "$1"; }

# sanitize_run LOG TOOL FILTER WHAT PROGRAM [ARGS...]: PROGRAM under compute-sanitizer's TOOL, which
# checks the kernels that FILTER picks (its --kernel-name flags; empty: every kernel), its output
# into LOG, closed by the verdict line that gpu_run.py counts.
sanitize_run() {
  local log=$1 tool=$2 filter=$3 what=$4 status
  # The sanitizer serialises launches, so time_on_gpu's hold of the stream would only time out.
  local -x LADDER_STREAM_HOLD=0
  shift 4
  {
    printf '\n##### %s --tool %s\n' "$what" "$tool"
    # shellcheck disable=SC2086 # filter: flags whose values hold no spaces, split on purpose
    timeout -k 10 "$(limit "$sanitizer_limit")" compute-sanitizer --tool "$tool" $filter --error-exitcode 99 "$@" 2>&1
    status=$?
    printf 'verdict: %s %s %s (exit %s)\n' "$([[ $status -eq 0 ]] && echo clean || echo FAILED)" "$tool" "$what" "$status"
  } >"$log"
}

phase_sanitize() {
  local exe=$build/bin/all_rungs conv_exe=$build/bin/all_conv_rungs cnn_exe=$build/bin/ch14_mnist_cnn
  local b_n_by_k_tests=$build/tests/test_ch09_wgmma_tma_gemm
  local tool shape shape_flags m n k logs log vendor b_n_by_k_filter
  local sanitizer_help own_kernels="" filter
  : >"$out/sanitizer.log"
  [[ -x $exe ]] || { echo "no $exe: build first" >&2; return 1; }
  # racecheck and synccheck judge our kernels only: every one of them lives in namespace ladder,
  # and a hazard report from inside cuBLAS or cuDNN is not ours to fix. memcheck still checks the
  # vendor kernels, since a wrong leading dimension passed to cuBLAS faults there. Filters add up:
  # 6ladder matches the mangled name (as compute-sanitizer 2026.4's help says it compares),
  # ladder:: the demangled one, should this machine's version compare that instead; a filter that
  # matched nothing would pass every run unchecked. Without the option, everything is checked.
  # (The help is read whole first: grep -q quitting early would break the pipe, and pipefail
  # would then read that as "no filter".)
  sanitizer_help=$(compute-sanitizer --help 2>/dev/null)
  if [[ $sanitizer_help == *"--kernel-name "* ]]; then
    own_kernels="--kernel-name kns=6ladder --kernel-name kns=ladder::"
  else
    echo "compute-sanitizer has no --kernel-name: racecheck and synccheck also check vendor kernels" |
      tee -a "$out/sanitizer.log"
  fi
  # One wave per tool, memcheck first; within a wave the runs go side by side, since a sanitizer
  # run spends most of its time on the CPU (instrumenting every module it loads), and the
  # machine has cores to spare. The logs are joined in order afterwards.
  for tool in memcheck racecheck synccheck; do
    out_of_time "every $tool run" && continue
    logs=()
    filter="" vendor=""
    # racecheck and synccheck leave cuBLAS out altogether (--no-vendor): on the H200, racecheck
    # failed inside one of cuBLAS's bf16 kernels at 160x96x48 ("failed to handle a hardware
    # exception"), which left the context unusable and the tensor-core rungs after it unchecked.
    [[ $tool != memcheck ]] && filter=$own_kernels vendor="--no-vendor"
    # Shapes that reach every edge path: ragged m and n tiles (129 = 128 + 1,
    # 260 = 2*128 + 4, 33, 65), a partial last k-tile, and fewer k-tiles than
    # the pipeline has stages (k = 12) as well as more (k = 52). The WMMA rungs
    # that take whole fragments only (07a: multiples of 16, 07 sol1: of 32) skip
    # those two, so the third is made of whole 32s, and there a skip for any
    # reason fails: every rung runs under each tool at least once.
    for shape in "129 260 52" "33 65 12" "160 96 48 --fail-on-skip"; do
      read -r m n k shape_flags <<<"$shape"
      logs+=("$build/sanitize-$tool-${m}x${n}x${k}.log")
      # shellcheck disable=SC2086 # vendor, shape_flags: empty, or one flag
      sanitize_run "${logs[-1]}" "$tool" "$filter" "${m}x${n}x${k}" "$exe" --m "$m" --n "$n" --k "$k" --warmup 0 --repeat 1 \
        --no-ceilings --no-peaks --no-flush --energy-seconds 0 $vendor $shape_flags &
    done
    # Every conv rung, chapters and solutions (and cuDNN), on a ragged layer: odd sizes, stride 2,
    # padding 1, C a multiple of 8.
    if [[ -x $conv_exe ]]; then
      logs+=("$build/sanitize-$tool-conv.log")
      sanitize_run "${logs[-1]}" "$tool" "$filter" "conv ragged layer" "$conv_exe" --n 2 --c 8 --h 17 --w 13 --k 12 --r 3 --s 3 \
        --stride 2 --pad 1 --warmup 0 --repeat 1 --no-flush --no-peaks --energy-seconds 0 --fail-on-skip &
    fi
    # B stored n x k (09c's and 09d's BStoredNByK), a launch all_rungs does not make: chapter 09's rung
    # tests in that layout, ragged, with alpha and beta, and across tiles (skipped off compute
    # capability 9.0). racecheck and synccheck leave out the case whose fp64 reference is cuBLAS
    # DGEMM (the others' is the CPU's), for the reason they run all_rungs with --no-vendor. A
    # missing binary is a failed run, and LADDER_REQUIRE_GPU fails a test that finds no device.
    b_n_by_k_filter='*B_n_by_k*'
    [[ $tool != memcheck ]] && b_n_by_k_filter+='-*2304x2560x1088*'
    logs+=("$build/sanitize-$tool-b-n-by-k.log")
    if [[ -x $b_n_by_k_tests ]]; then
      LADDER_REQUIRE_GPU=1 sanitize_run "${logs[-1]}" "$tool" "$filter" "09c, 09d B n x k" "$b_n_by_k_tests" \
        --gtest_filter="$b_n_by_k_filter" &
    else
      echo "verdict: FAILED $tool 09c, 09d B n x k (no $b_n_by_k_tests: not built)" >"${logs[-1]}"
    fi
    # Chapter 14's GPU path: a short training run (ragged last batch, augmentation, the CUDA graph)
    # and its evaluation. The sanitizer also sees the graph's replays.
    if [[ -x $cnn_exe ]]; then
      logs+=("$build/sanitize-$tool-ch14.log")
      sanitize_run "${logs[-1]}" "$tool" "$filter" "ch14 short run" "$cnn_exe" --synthetic 200 --test-count 100 --epochs 1 \
        --batch 48 --augment on &
    fi
    wait
    for log in "${logs[@]}"; do
      cat "$log" >>"$out/sanitizer.log"
      grep '^verdict:' "$log" || echo "verdict: FAILED $tool ${log##*/} (no verdict: the run did not finish)" |
        tee -a "$out/sanitizer.log"
    done
  done
  python3 benchmarks/gpu_run.py sanitizer "$summary_file" --log "$out/sanitizer.log"
}

# run_rungs PROGRAM ARGS...: a ladder program (or a sweep) under the program limit, each of its
# rungs under rung_limit. A rung past it ends the program with exit 3 and the line "hung rung:
# NAME" on stderr (common/core/watchdog.hpp); a rung whose fault leaves the CUDA context unusable
# (chapter 09's mbarrier waits trap after 20 s) is named by "context broken by rung: NAME", and
# every rung after it goes unmeasured. Either way the program runs again with every such rung
# so far left out (--skip-rung, which its row and the record show), up to 3 times. Its status
# is then at least 1: a hang or a fault is a failure, whatever the rest did.
declare -A left_out  # program -> the rungs that hung or faulted in it during this call, one per line
run_rungs() {
  local exe=$1 rung why status=0 reruns=0 skips errors
  shift
  errors=$build/$(basename "$exe")-stderr.txt
  while true; do
    skips=()
    while IFS= read -r rung; do
      [[ -n $rung ]] && skips+=(--skip-rung "$rung")
    done <<<"${left_out[$exe]:-}"
    # stderr (the progress lines, and the culprit's name) goes on as it comes, and into $errors.
    {
      timeout -k 10 "$(limit "$program_limit")" "$exe" --rung-timeout "$rung_limit" "${skips[@]}" "$@" \
        2>&1 1>&3 3>&- | tee "$errors" >&2 3>&-
      status=${PIPESTATUS[0]}
    } 3>&1
    rung=$(sed -n 's/^hung rung: //p' "$errors" | head -n 1)
    why="did not finish within $rung_limit s"
    if [[ -z $rung ]]; then
      rung=$(sed -n 's/^context broken by rung: //p' "$errors" | head -n 1)
      why="faulted, and left the CUDA context unusable"
    fi
    ((status != 0)) && [[ -n $rung ]] || break
    reruns=$((reruns + 1))
    left_out[$exe]+=$rung$'\n'
    echo "LEFT OUT: $(basename "$exe"): '$rung' $why; running it again without that rung"
    ((reruns < 3)) || break
  done
  ((reruns > 0 && status == 0)) && status=1
  return $status
}

# The conv ladder runs too, on the conv chapters' default layer (ResNet-50's 3x3 at 28x28): the
# energy and the % of mma.sync's peak of every conv rung, which bench_conv does not measure. Both
# run, whatever the first one did.
phase_ladder() {
  local status=0 conv_exe
  run_rungs "$(last_chapter_exe)" --json "$out/ladder.json" || status=$?
  conv_exe=$(last_conv_chapter_exe)
  if [[ -n $conv_exe ]]; then
    run_rungs "$conv_exe" --json "$out/ladder_conv.json" || status=$?
  fi
  return $status
}

# bench_one PROGRAM FILTER JSON RESERVE [ARGS...]: Google Benchmark opens its output file before it
# applies the filter, so a filter that matches nothing would leave an empty JSON behind: not run
# then. A program that cannot even list its benchmarks fails. RESERVE seconds of the budget are
# left for what follows. A program stopped at its limit leaves its JSON without its closing
# brackets; record.py reads such a file up to its last whole benchmark.
bench_one() {
  local exe=$1 filter=$2 json=$3 reserve=$4 listed status errors=$build/bench-list-errors.txt
  shift 4
  # stdout alone: Google Benchmark says on stderr, and exits 0, when nothing matches.
  listed=$("$exe" --benchmark_filter="$filter" --benchmark_list_tests=true 2>"$errors")
  status=$?
  if ((status != 0)); then
    echo "$(basename "$exe") cannot list its benchmarks (exit $status): $(cat "$errors")"
    return "$status"
  fi
  if [[ -z $listed ]]; then
    echo "$(basename "$exe"): no benchmark matches '$filter': not run"
    return 0
  fi
  rm -f "$json"
  local seconds=$(($(limit "$bench_limit") - reserve))
  ((seconds < 1)) && seconds=1
  timeout -k 10 "$seconds" "$exe" --benchmark_filter="$filter" --benchmark_out="$json" \
    --benchmark_out_format=json --benchmark_counters_tabular=true "$@"
}

phase_bench() {
  # Both programs run, whatever the first one did. bench_conv leaves the record phase 40 s (a
  # phase needs 30 s to start), and bench_gemm leaves bench_conv 90 s more.
  local status=0 record_reserve=40
  # No energy windows here: the ladder phase measures each rung's energy at the headline size
  # and on one conv layer, and a quarter of a second for each of some 510 benchmarks would cost
  # the call two minutes.
  bench_one "$build/bin/bench_gemm" "${BENCH_FILTER:-.}" "$out/bench.json" $((record_reserve + 90)) \
    --energy_seconds=0 || status=$?
  bench_one "$build/bin/bench_conv" "${BENCH_CONV_FILTER:-.}" "$out/bench_conv.json" "$record_reserve" \
    --energy_seconds=0 || status=$?
  # A second opinion on the cuDNN baseline: PyTorch's conv2d (cuDNN's graph API, benchmark mode) on
  # the same layers. Evidence, not a verdict: its failure is reported, the phase's status is ours.
  local seconds=$((budget - SECONDS - record_reserve))
  ((seconds > 60)) && seconds=60
  if [[ -s $out/bench_conv.json ]] && python3 -c 'import torch' 2>/dev/null && ((seconds >= 30)); then
    timeout -k 10 "$seconds" python3 benchmarks/pytorch_conv.py --quiet \
      --bench-conv "$out/bench_conv.json" --out "$out/pytorch_conv.json" ||
      echo "bench: pytorch_conv.py failed (exit $?): no PyTorch row in the conv tables"
  fi
  return $status
}

# One tuning sweep: program $1 on $2 problems, its JSON gathered into $out/$3.json by gpu_run.py
# tune --sweep $4. Correct first: every rung on ragged m, n and k (edge tiles, a partial k-tile)
# against the oracle; a rung that fails there is marked failed in the table whatever its speed.
# 2305 x 2565 is 19 x 11 tiles of 128 x 256: an odd number of tile rows (a cluster pair's second
# CTA finds none in the last), and 209 tiles, so a persistent CTA carries its ring and its
# epilogue from one tile into the next, at the edges too; 1031 is 17 k-tiles of 64 (not a
# multiple of 3 or 4 stages), the last one partial.
# A rung that fails its check fails the sweep but not the other sizes: the table shows it. The
# JSON is rewritten after each size, so that a call cut short keeps the sizes it finished.
run_sweep() {
  local exe=$1 precision=$2 name=$3 sweep=$4 size runs=() status=0
  [[ -x $exe ]] || { echo "no $exe: build first" >&2; return 1; }
  local quick=(--precision "$precision" --no-ceilings --energy-seconds 0 --fail-on-skip)
  rm -f "$build/$name-check.json"
  run_rungs "$exe" --m 2305 --n 2565 --k 1031 --warmup 0 --repeat 1 --no-flush "${quick[@]}" \
    --json "$build/$name-check.json" || status=1
  local check_args=()
  [[ -f $build/$name-check.json ]] && check_args=(--check "$build/$name-check.json")
  local combined=0
  for size in 2048 4096 8192; do
    if ((budget - SECONDS < 60)); then
      echo "$name: out of time before ${size}^3 ($((budget - SECONDS)) s left)"
      status=1
      break
    fi
    rm -f "$build/$name-$size.json"
    run_rungs "$exe" --m "$size" --n "$size" --k "$size" "${quick[@]}" --json "$build/$name-$size.json" || status=1
    [[ -f $build/$name-$size.json ]] || continue
    runs+=("$build/$name-$size.json")
    python3 benchmarks/gpu_run.py tune "$summary_file" --sweep "$sweep" --out "$out/$name.json" "${check_args[@]}" \
      "${runs[@]}" >"$build/$name-table.txt"
    combined=$?
  done
  [[ ${#runs[@]} -gt 0 ]] || return 1
  cat "$build/$name-table.txt"
  ((combined == 0)) || status=1
  return $status
}

phase_tune() {
  local status=0
  run_sweep "$build/bin/tune_simt" fp32 tune simt || status=1
  # Chapter 09's sweep: its candidates are sm_90a code, which runs on compute capability 9.0 only.
  if [[ $compute_cap == 9.0 ]]; then
    run_sweep "$build/bin/tune_wgmma" bf16 tune_wgmma wgmma || status=1
  else
    echo "tune: chapter 09's sweep (tune_wgmma) not run: it needs compute capability 9.0, this GPU has" \
         "'${compute_cap:-unknown}'"
  fi
  # The evidence for the second round: Nsight Compute on the SIMT sweep's best candidate beside 06e
  # and 06e with paired lanes (shared-load wavefronts per load: 3 and 2 if chapter 06's return-path
  # count holds, 1 and 1 if only the banks count), where ncu can reach the GPU. Optional: its failure
  # is reported, the phase's status is the sweeps'.
  local best
  best=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("tune", {}).get("best") or "")' \
    "$summary_file" 2>/dev/null)
  local profiled=() rung
  for rung in "$best" "06e cp.async 3-stage 128x128x16" "tune 128x128x16 w64x32 3-stage paired"; do
    [[ -n $rung && " ${profiled[*]} " != *" --rung $rung "* ]] && profiled+=(--rung "$rung")
  done
  # The profile is evidence, not a verdict: it yields to the cnn phase, when that follows, 4 minutes.
  local needed=120
  [[ ,$phases, == *,cnn,* ]] && needed=$((needed + 240))
  if [[ -n $best && -z $gvisor_reason ]] && command -v ncu >/dev/null && ((budget - SECONDS >= needed)); then
    echo "profiling the best of the sweep, '$best', beside 06e and 06e paired (ncu-tune.txt)"
    # Every kernel of those rungs: the best may be any of chapter 06's kernels.
    ncu_report "$out/ncu-tune.txt" "$(limit 90)" -k regex:'warp_tiling|cp_async|register_prefetch' -- \
      "$build/bin/tune_simt" "${gemm_problem[@]}" --precision fp32 "${profiled[@]}" ||
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
    rm -rf "$data" && mkdir -p "$data"  # this call's digits, whatever an older build left there
    data_args=(--synthetic 60000 --synthetic-out "$data")
  fi
  timeout -k 10 "$(limit "$program_limit")" "$exe" "${data_args[@]}" --epochs 3 --augment off --seed 1 --save-initial "$build/cnn-initial.ckpt" \
    --json "$build/cnn-ours.json" || return 1
  # Where a step's time goes: one more epoch, timed layer by layer (which slows it: a separate
  # run), reading the same IDX files (generated digits were written to $data above).
  timeout -k 10 "$(limit "$program_limit")" "$exe" --data "$data" --epochs 1 --augment off --seed 1 --layer-times --json "$build/cnn-layers.json" ||
    return 1
  # What the CUDA graph buys: two epochs with every kernel launched from the host.
  timeout -k 10 "$(limit "$program_limit")" "$exe" --data "$data" --epochs 2 --augment off --seed 1 --no-graph --json "$build/cnn-no-graph.json" || return 1
  # Mixed precision: the same 3 epochs with bf16 products and convolutions.
  timeout -k 10 "$(limit "$program_limit")" "$exe" --data "$data" --epochs 3 --augment off --seed 1 --precision bf16 --json "$build/cnn-bf16.json" || return 1
  # Time to the target accuracy (90 % on Fashion-MNIST, 99 % on digits): the default recipe over
  # 10 epochs, the cosine schedule stretched over all of them (the CPU path reached 90 % on
  # Fashion-MNIST at epoch 6 of 10: chapter 14's lesson).
  timeout -k 10 "$(limit "$program_limit")" "$exe" --data "$data" --epochs 10 --seed 1 --json "$build/cnn-to-target.json" || return 1
  # And on MNIST itself, where the kit brought it (tools/device_kit.sh): its time to 99 %.
  local mnist_args=()
  if [[ -f $kit/mnist/train-images-idx3-ubyte.gz ]]; then
    timeout -k 10 "$(limit "$program_limit")" "$exe" --data "$kit/mnist" --epochs 10 --seed 1 \
      --json "$build/cnn-mnist.json" || return 1
    mnist_args=(--to-target-mnist-run "$build/cnn-mnist.json")
  else
    echo "cnn: no MNIST in the kit ($kit/mnist): no time to 99 % on it"
  fi
  # pytorch_lenet.py writes cnn.json (the project's runs) before its first PyTorch mode and again
  # after each one: a mode that fails or runs out of time costs only itself.
  timeout -k 10 "$(limit "$program_limit")" python3 benchmarks/pytorch_lenet.py --ours "$build/cnn-ours.json" --weights "$build/cnn-initial.ckpt" \
    --data "$data" --layer-times "$build/cnn-layers.json" --no-graph-run "$build/cnn-no-graph.json" \
    --bf16-run "$build/cnn-bf16.json" --to-target-run "$build/cnn-to-target.json" "${mnist_args[@]}" --out "$out/cnn.json"
}

phase_record() {
  local optional_args=() recorded
  # A short call may have had time for the ladders only: they are recorded without the benchmarks.
  [[ -s $out/bench.json || -s $out/ladder.json || -s $out/ladder_conv.json ]] ||
    { echo "record: neither bench.json nor a ladder: the bench and ladder phases wrote nothing" >&2; return 1; }
  [[ -s $out/bench.json ]] && optional_args+=(--bench "$out/bench.json")
  [[ -f $out/ladder.json ]] && optional_args+=(--ladder "$out/ladder.json")
  [[ -f $out/ladder_conv.json ]] && optional_args+=(--ladder-conv "$out/ladder_conv.json")
  [[ -f $out/cnn.json ]] && optional_args+=(--cnn "$out/cnn.json")
  [[ -s $out/bench_conv.json ]] && optional_args+=(--bench-conv "$out/bench_conv.json")
  [[ -s $out/pytorch_conv.json ]] && optional_args+=(--pytorch-conv "$out/pytorch_conv.json")
  [[ -f $out/tune.json ]] && optional_args+=(--tune "$out/tune.json")
  [[ -f $out/tune_wgmma.json ]] && optional_args+=(--tune-wgmma "$out/tune_wgmma.json")
  [[ -f $out/ncu.txt ]] && optional_args+=(--ncu "$out/ncu.txt")  # this call's profile, or a kept one's
  [[ -f $out/ncu-tune.txt ]] && optional_args+=(--ncu-tune "$out/ncu-tune.txt")
  recorded=$(python3 benchmarks/record.py --summary "$summary_file" "${optional_args[@]}" \
    --out benchmarks/results) || return 1
  echo "$recorded"
  python3 benchmarks/report.py
}

# Nsight Compute on one launch of each kernel a program runs on the problem its arguments name (no
# check run, no warm-up, no energy window), into REPORT: the sections, then the issue-slot evidence in numbers
# (instructions issued vs. FFMAs on the fma pipe; shared loads, their wavefronts and bank conflicts,
# which tell whether the return-path count of chapter 06 holds; barrier and shared-load stalls),
# separately, so that a metric this ncu does not know costs only those lines; then every stall
# reason and pipe. Bounded by SECONDS + 120 in all. ncu_report REPORT SECONDS [ncu filter...] -- EXE [program args...]
ncu_report() {
  local report=$1 seconds=$2 filter=() status
  # Nsight Compute serialises launches: time_on_gpu's hold of the stream (also inside 13d's and
  # cuBLASLt's own searches, which --profiler-ranges does not reach) would only time out.
  local -x LADDER_STREAM_HOLD=0
  shift 2
  while [[ $1 != -- ]]; do filter+=("$1"); shift; done
  shift
  # --profiler-ranges with --profile-from-start off: one timed launch per rung is profiled, and
  # nothing else (not the untimed first launch, where cuBLASLt searches its algorithms).
  # --clock-control none: ncu would otherwise lock the GPU's clocks to base while it profiles,
  # and a borrowed GPU's settings are left as they are found.
  local run_args=(--no-check --no-peaks --no-flush --warmup 0 --repeat 1 --energy-seconds 0 --profiler-ranges)
  local ncu_args=(--clock-control none --profile-from-start off "${filter[@]}")
  timeout -k 10 "$seconds" ncu "${ncu_args[@]}" --section SpeedOfLight --section ComputeWorkloadAnalysis \
    --section InstructionStats --section LaunchStats --section Occupancy --section SchedulerStats \
    --section WarpStateStats --section MemoryWorkloadAnalysis_Tables "$@" "${run_args[@]}" >"$report" 2>&1
  status=$?
  timeout -k 10 "$(limit 60)" ncu "${ncu_args[@]}" --metrics "$(python3 benchmarks/ncu_metrics.py --metric-list)" \
    "$@" "${run_args[@]}" >>"$report" 2>&1 || status=$?
  # Every stall reason and every pipe's activity, by pattern, in a pass of its own between the marker
  # lines ncu_metrics.py looks for: a pattern this ncu rejects costs only this pass, and is no failure.
  python3 benchmarks/ncu_metrics.py --stall-marker begin >>"$report"
  timeout -k 10 "$(limit 60)" ncu "${ncu_args[@]}" --metrics "$(python3 benchmarks/ncu_metrics.py --stall-metric-list)" \
    "$@" "${run_args[@]}" >>"$report" 2>&1 || echo "ncu_report: the stall pass failed (exit $?); see $report"
  python3 benchmarks/ncu_metrics.py --stall-marker end >>"$report"
  grep -E 'Duration|Compute \(SM\) Throughput|Executed Ipc Active|Registers Per|Achieved Occupancy' "$report" |
    head -n 40
  python3 benchmarks/ncu_metrics.py "$report" || true  # the evidence table (none if the metrics pass failed)
  return $status
}

phase_profile() {
  # Every rung of the ladder, bounded so the run keeps inside its time. ncu prints its report only
  # when the program exits, so each precision is its own run: one cut short loses only itself.
  local status=0 precision part
  : >"$out/ncu.txt"
  for precision in fp32 bf16; do
    if ((budget - SECONDS < 60)); then
      echo "profile: out of time before the $precision ladder" | tee -a "$out/ncu.txt"
      status=1
      continue
    fi
    part=$build/ncu-$precision.txt
    ncu_report "$part" "$(limit 120)" -- "$(last_chapter_exe)" "${gemm_problem[@]}" --precision "$precision" ||
      status=$?
    cat "$part" >>"$out/ncu.txt"
  done
  # The best SIMT rung of this call's benchmarks (else of the recorded ones: a call that profiles
  # without benchmarking), when a solution's program holds it (the ladder runs the chapters' rungs
  # only): the rung whose limits issue 9's note must show.
  local best_exe="" best_rung=""
  if ((budget - SECONDS >= 60)); then
    IFS=$'\t' read -r best_exe best_rung < <(python3 benchmarks/gpu_run.py best-simt "$out/bench.json" \
      benchmarks/results/*.json --programs "$(last_chapter_exe)" "$build"/bin/sol0[1-6]_* 2>/dev/null)
  fi
  if [[ -n $best_exe && $best_exe != "$(last_chapter_exe)" ]]; then
    echo "profile: the best SIMT rung, '$best_rung' ($(basename "$best_exe"))"
    ncu_report "$build/ncu-best.txt" "$(limit 60)" -- "$best_exe" "${gemm_problem[@]}" --precision fp32 \
      --rung "$best_rung" || status=$?
    cat "$build/ncu-best.txt" >>"$out/ncu.txt"
  fi
  # Chapter 13's bf16 rungs on the ResNet-50 layer the kept H200 profile covers (14 x 14 x 256, 36
  # k-tiles of 64 at 98 blocks of 128 x 128, cuDNN's own tile), beside cuDNN, which always runs: 13d,
  # whose kernels that profile holds, for a same-run reference, and 13g-13i, which it does not.
  local conv_exe conv_rungs=(--rung "13d tile tuned per layer" --rung "13g implicit GEMM, wgmma"
    --rung "13h wgmma tuned per layer, split-K" --rung "13i masked gather, wgmma tuned")
  conv_exe=$(last_conv_chapter_exe)
  if [[ -n $conv_exe ]] && ((budget - SECONDS >= 60)); then
    echo "profile: chapter 13's bf16 rungs 13d and 13g-13i beside cuDNN on resnet50-3x3-14 ($(basename "$conv_exe"))"
    ncu_report "$build/ncu-conv.txt" "$(limit 90)" -- "$conv_exe" --layer resnet50-3x3-14 --precision bf16 \
      "${conv_rungs[@]}" || status=$?
    cat "$build/ncu-conv.txt" >>"$out/ncu.txt"
  fi
  return $status
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
  # The record comes last, so that it holds this call's profile; the profile leaves it 40 s.
  record_reserve=0
  [[ ,$phases, == *,record,* ]] && record_reserve=40
  budget=$((budget - record_reserve))
  run_phase profile "$gvisor_reason" phase_profile
  budget=$((budget + record_reserve))
  run_phase record "" phase_record
fi
[[ $dry_run == 1 ]] && exit 0

print_phases
exit $failed
