#!/usr/bin/env python3
"""CPU tests of benchmarks/run_gpu.sh and its bookkeeping (gpu_run.py), so that
the first minutes of a GPU session are not spent mending them:

- --help, and a mistyped option refused before anything runs;
- the phase selection and the plan a dry run prints;
- gVisor detection (a stand-in `uname` reporting 4.4.0) skipping sanitize and profile;
- the offline kit: absent (a message), incomplete (the missing parts, exit 1);
- test counting: a GPU test skipped for want of a device fails the phase, one
  skipped by its rung's own requirement does not;
- sanitizer verdict counting;
- the tuning sweeps' runs side by side, and their targets' verdicts;
- the record phase recording a call's ladders without bench.json, and handing bench_conv.json, ladder_conv.json, cnn.json and
  tune.json and tune_wgmma.json to record.py when earlier phases wrote them;
- the ladder phase running the last GEMM and the last conv chapter, the second whatever the first did;
- the tune phase carrying on past a failed size, and counting the ragged check's failures;
  chapter 09's sweep after the SIMT one, on a compute capability 9.0 GPU only;
- a rung that hangs or breaks the CUDA context left out of its program's later runs.

    python3 benchmarks/test_run_gpu.py      # also run by CTest (run_gpu_script)
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

import ncu_metrics
from test_report import tuning_run

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent


def stand_in(folder, name, script):
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)


class RunGpuScriptTest(unittest.TestCase):
    """run_gpu.sh in a scratch copy of the files it needs, with stand-in tools."""

    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp())
        parts = ("benchmarks/run_gpu.sh", "benchmarks/gpu_run.py", "benchmarks/ncu_metrics.py", "tools/device_kit.sh",
                 "tools/atomic_file.py")
        for part in parts:
            (self.tmp / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / part, self.tmp / part)
        self.bin = self.tmp / "bin"
        self.bin.mkdir()
        self.compute_cap = "9.0"
        stand_in(self.bin, "nvidia-smi", 'case "$*" in *compute_cap*) cat "$(dirname "$0")/compute_cap" ;;\n'
                 "*) echo 'NVIDIA H200, 580.1, 345, 1980, 3201, 3201' ;; esac\n")
        self.kernel = "6.18.44-fc"
        stand_in(self.bin, "uname", 'if [ "$1" = -r ]; then cat "$(dirname "$0")/kernel"; else echo Linux; fi\n')

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_script(self, phases=None, dry_run=True):
        (self.bin / "kernel").write_text(self.kernel + "\n")
        (self.bin / "compute_cap").write_text(self.compute_cap + "\n")
        env = dict(os.environ, PATH=f"{self.bin}:{os.environ['PATH']}")
        env.pop("LADDER_PHASES", None)
        if phases is not None:
            env["LADDER_PHASES"] = phases
        if dry_run:
            env["LADDER_DRY_RUN"] = "1"
        return subprocess.run(["bash", str(self.tmp / "benchmarks/run_gpu.sh"), str(self.tmp / "b"),
                               str(self.tmp / "out")], capture_output=True, text=True, env=env)

    def test_help_prints_the_phases_and_runs_nothing(self):
        result = subprocess.run(["bash", str(self.tmp / "benchmarks/run_gpu.sh"), "--help"], capture_output=True,
                                text=True, cwd=self.tmp)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stdout.startswith("The whole GPU verification"), result.stdout[:80])
        self.assertIn("LADDER_BUDGET_S", result.stdout)
        self.assertNotIn("=== machine ===", result.stdout)

    def test_an_option_or_a_third_argument_is_a_usage_error_before_anything_runs(self):
        for args in (["--bogus"], ["b", "out", "extra"]):
            result = subprocess.run(["bash", str(self.tmp / "benchmarks/run_gpu.sh"), *args], capture_output=True,
                                    text=True, cwd=self.tmp)
            self.assertEqual(result.returncode, 2, args)
            self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
            self.assertEqual(result.stdout, "", "nothing ran")
        self.assertFalse((self.tmp / "--bogus").exists())

    def test_unknown_phase_is_a_usage_error(self):
        result = self.run_script("build,tset")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown phase 'tset'", result.stderr)

    def test_dry_run_prints_the_machine_first_and_only_the_chosen_phases(self):
        result = self.run_script("build,test,sanitize")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "=== machine ===")
        self.assertIn("gpu                    NVIDIA H200", result.stdout)
        self.assertIn("kernel                 6.18.44-fc", result.stdout)
        for phase in ("build", "test", "sanitize"):
            self.assertIn(f"=== {phase}: would run ===", result.stdout)
        for phase in ("ladder", "bench", "tune", "record", "profile"):
            self.assertNotIn(f"=== {phase}", result.stdout)
        self.assertFalse((self.tmp / "out").exists(), "a dry run writes nothing")

    def test_build_is_the_programs_only_without_the_test_phase(self):
        with_tests = self.run_script("build,test,sanitize")
        self.assertIn("build: everything", with_tests.stdout)
        without_tests = self.run_script("build,ladder,bench,record,profile")
        self.assertIn("build: the programs only (ladder_programs)", without_tests.stdout)
        self.assertNotIn("test_ch09_wgmma_tma_gemm", without_tests.stdout)
        sanitize_only = self.run_script("build,sanitize")
        self.assertIn("and test_ch09_wgmma_tma_gemm for the sanitize phase", sanitize_only.stdout)
        self.assertNotIn("build:", self.run_script("ladder").stdout, "no build phase, no build line")

    def test_gvisor_skips_sanitize_and_profile_with_the_reason(self):
        self.kernel = "4.4.0"
        result = self.run_script()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("=== sanitize: skipped: gVisor (kernel 4.4.0)", result.stdout)
        self.assertIn("=== profile: skipped: gVisor (kernel 4.4.0)", result.stdout)
        self.assertIn("=== bench: would run ===", result.stdout)
        self.assertIn("=== tune: would run ===", result.stdout)

    def test_no_kit_says_how_to_make_one(self):
        result = self.run_script("build")
        self.assertIn("offline kit: none", result.stdout)
        self.assertIn("bash tools/device_kit.sh", result.stdout)

    def test_record_phase_passes_the_conv_benchmarks_when_the_bench_phase_wrote_them(self):
        for part in ("benchmarks/record.py", "benchmarks/report.py"):
            shutil.copy(ROOT / part, self.tmp / part)
        out, record = self.tmp / "out", self.tmp / "benchmarks/results/NVIDIA_H200.json"
        out.mkdir()
        (out / "bench.json").write_text(json.dumps({"benchmarks": []}))
        result = self.run_script("record", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIsNone(json.loads(record.read_text())["conv_benchmarks"], "no bench_conv.json: none recorded")
        (out / "bench_conv.json").write_text(json.dumps({"benchmarks": [{"name": "conv/cuDNN/lenet-conv1"}]}))
        result = self.run_script("record", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(json.loads(record.read_text())["conv_benchmarks"]["benchmarks"][0]["name"],
                         "conv/cuDNN/lenet-conv1")
        self.assertIsNone(json.loads(record.read_text())["ladder_conv"], "no ladder_conv.json: none recorded")
        (out / "ladder_conv.json").write_text(json.dumps({"program": "ch13_implicit_gemm_conv", "results": []}))
        result = self.run_script("record", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(json.loads(record.read_text())["ladder_conv"]["program"], "ch13_implicit_gemm_conv")
        self.assertIsNone(json.loads(record.read_text())["cnn"], "no cnn.json: none recorded")
        (out / "cnn.json").write_text(json.dumps({"ours": {"device": "NVIDIA H200"}, "modes": {}}))
        result = self.run_script("record", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(json.loads(record.read_text())["cnn"]["ours"]["device"], "NVIDIA H200")
        self.assertIsNone(json.loads(record.read_text())["tuning"], "no tune.json: none recorded")
        (out / "tune.json").write_text(json.dumps({"runs": [], "check": None}))
        result = self.run_script("record", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(json.loads(record.read_text())["tuning"], {"runs": [], "check": None})
        self.assertIsNone(json.loads(record.read_text())["tuning_wgmma"], "no tune_wgmma.json: none recorded")
        (out / "tune_wgmma.json").write_text(json.dumps({"runs": [], "check": None}))
        result = self.run_script("record", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(json.loads(record.read_text())["tuning_wgmma"], {"runs": [], "check": None})

    def test_record_phase_records_the_ladders_of_a_call_that_had_no_time_for_the_benchmarks(self):
        for part in ("benchmarks/record.py", "benchmarks/report.py"):
            shutil.copy(ROOT / part, self.tmp / part)
        out, record = self.tmp / "out", self.tmp / "benchmarks/results/NVIDIA_H200.json"
        out.mkdir()
        result = self.run_script("record", dry_run=False)
        self.assertNotEqual(result.returncode, 0, "nothing to record is a failed phase")
        self.assertIn("neither bench.json nor a ladder", result.stderr)
        (out / "ladder.json").write_text(json.dumps({"program": "ch09_wgmma_tma_gemm", "results": [],
                                                     "device": {"name": "NVIDIA H200", "runtime_cuda": "13.0"}}))
        result = self.run_script("record", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIsNone(json.loads(record.read_text())["benchmarks"])
        self.assertEqual(json.loads(record.read_text())["ladder"]["program"], "ch09_wgmma_tma_gemm")

    def test_tune_phase_keeps_going_past_a_failed_size_and_fails_at_the_end(self):
        # At 2048^3 a candidate fails its check; in the ragged check another, wrong at the edges only.
        self.stand_in_sweep("tune_simt", """
bad = {"tune bad": "FAIL: relative error 1"} if size == 2048 else {}
if size == 2305:
    bad = {"tune edges": "FAIL: max error 2"}
run = tuning_run(size, {"06e": 80.0, "tune bad": 99.0, "tune edges": 99.5}, bad)
status = 1 if bad else 0
""")
        self.stand_in_tune_wgmma()
        stand_in(self.bin, "ncu", 'echo "$@" >> "$(dirname "$0")/ncu-calls"\n')
        result = self.run_script("tune", dry_run=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        # The best of the sweep (neither wrong rung) profiled beside 06e, its kernels only.
        calls = (self.bin / "ncu-calls").read_text().splitlines()
        self.assertEqual(len(calls), 3, "the sections, the metrics, then the stall reasons")
        for call in calls:
            self.assertIn("-k regex:warp_tiling|cp_async|register_prefetch", call)
            self.assertIn("--rung 06e --rung 06e cp.async 3-stage 128x128x16", call)
            self.assertEqual(call.count("--rung"), 3, "each rung once")
        self.assertRegex(result.stdout, r"tune +FAILED \(exit 1\)")
        sizes = [run["problem"]["m"] for run in json.loads((self.tmp / "out/tune.json").read_text())["runs"]]
        self.assertEqual(sizes, [2048, 4096, 8192], "the sizes after the failure still ran")
        self.assertIn("| tune bad | failed its check | failed its check | failed its check |", result.stdout)
        self.assertIn("| tune edges | failed its check | failed its check | failed its check |", result.stdout)
        self.assertIn("best rung at 4096³ (06e)", result.stdout, "neither wrong rung can be the best")
        # Chapter 09's sweep ran too, on the H200's compute capability 9.0, after the SIMT one.
        self.assertLess(result.stdout.index("The SIMT tuning sweep"), result.stdout.index("Chapter 09's sweep"))
        wgmma = json.loads((self.tmp / "out/tune_wgmma.json").read_text())
        self.assertEqual([run["problem"]["m"] for run in wgmma["runs"]], [2048, 4096, 8192])
        self.assertEqual(wgmma["check"]["problem"]["m"], 2305)
        summary = json.loads((self.tmp / "out/summary.json").read_text())
        self.assertEqual(summary["tune_wgmma"]["best"], "tune09 bands 16, 1 in flight, cluster 2")
        self.assertEqual(summary["tune"]["best"], "06e", "each sweep keeps its own verdict")

    def stand_in_sweep(self, program, body):
        """A stand-in sweep program in b/bin: Python whose `body` sees its arguments (`args`), its --m
        (`size`) and test_report's tuning_run, and sets `run`, which goes to its --json, and maybe
        `status`, its exit status."""
        for part in ("benchmarks/report.py", "benchmarks/test_report.py"):
            shutil.copy(ROOT / part, self.tmp / part)
        (self.tmp / "b/bin").mkdir(parents=True, exist_ok=True)
        stand_in(self.tmp / "b/bin", program, f"""exec {sys.executable} - "$@" <<'PY'
import json, sys
sys.path.insert(0, "{self.tmp / 'benchmarks'}")
from test_report import tuning_run
args = sys.argv[1:]
size = int(args[args.index("--m") + 1])
status = 0
{body}
open(args[args.index("--json") + 1], "w").write(json.dumps(run))
sys.exit(status)
PY
""")

    def stand_in_tune_wgmma(self):
        """A stand-in tune_wgmma: at every size 09c and one candidate, at bf16, the candidate ahead."""
        self.stand_in_sweep("tune_wgmma", """
assert args[args.index("--precision") + 1] == "bf16"
run = tuning_run(size, {"09c persistent": 85.0, "tune09 bands 16, 1 in flight, cluster 2": 101.0}, precision="bf16")
""")

    def test_chapter_9s_sweep_is_not_run_on_a_gpu_other_than_compute_capability_9_0(self):
        self.stand_in_sweep("tune_simt", 'run = tuning_run(size, {"06e": 80.0})')
        self.stand_in_tune_wgmma()
        self.compute_cap = "8.0"
        result = self.run_script("tune", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("tune: chapter 09's sweep (tune_wgmma) not run: it needs compute capability 9.0, this GPU has "
                      "'8.0'", result.stdout)
        self.assertFalse((self.tmp / "out/tune_wgmma.json").exists())
        self.assertTrue((self.tmp / "out/tune.json").exists())

    def test_ladder_phase_runs_the_last_gemm_and_the_last_conv_chapter_each_with_its_json(self):
        (self.tmp / "b/bin").mkdir(parents=True)
        for program in ("ch08_mma_sync_gemm", "ch09_wgmma_tma_gemm", "ch10_direct_conv", "ch13_implicit_gemm_conv",
                        "ch14_mnist_cnn"):
            # The GEMM chapter fails: the conv chapter still runs, and the phase fails.
            status = 1 if program == "ch09_wgmma_tma_gemm" else 0
            stand_in(self.tmp / "b/bin", program, f'echo "{program} $@" >> "{self.bin}/ladder-calls"\nexit {status}\n')
        result = self.run_script("ladder", dry_run=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        calls = (self.bin / "ladder-calls").read_text().splitlines()
        self.assertEqual(calls, [f"ch09_wgmma_tma_gemm --rung-timeout 60 --json {self.tmp}/out/ladder.json",
                                 f"ch13_implicit_gemm_conv --rung-timeout 60 --json {self.tmp}/out/ladder_conv.json"])

    def test_a_rung_that_hangs_is_left_out_of_its_programs_later_runs_and_fails_the_phase(self):
        (self.tmp / "b/bin").mkdir(parents=True)
        # 09e hangs; once it is left out, 09d faults; the third run, without either, finishes.
        stand_in(self.tmp / "b/bin", "ch09_wgmma_tma_gemm", f'''echo "$@" >> "{self.bin}/ladder-calls"
case "$*" in
  *"--skip-rung 09d"*) exit 0 ;;
  *"--skip-rung 09e stuck"*) echo "context broken by rung: 09d" >&2; exit 1 ;;
  *) echo "hung rung: 09e stuck" >&2; exit 3 ;;
esac
''')
        stand_in(self.tmp / "b/bin", "ch13_implicit_gemm_conv", f'echo "$@" >> "{self.bin}/conv-calls"\n')
        result = self.run_script("ladder", dry_run=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        json_flag = f"--json {self.tmp}/out/ladder.json"
        self.assertEqual((self.bin / "ladder-calls").read_text().splitlines(), [
            f"--rung-timeout 60 {json_flag}",
            f"--rung-timeout 60 --skip-rung 09e stuck {json_flag}",
            f"--rung-timeout 60 --skip-rung 09e stuck --skip-rung 09d {json_flag}"])
        self.assertIn("LEFT OUT: ch09_wgmma_tma_gemm: '09e stuck' did not finish within 60 s; running it again "
                      "without that rung", result.stdout)
        self.assertIn("LEFT OUT: ch09_wgmma_tma_gemm: '09d' faulted, and left the CUDA context unusable",
                      result.stdout)
        self.assertIn("context broken by rung: 09d", result.stderr, "the program's own stderr still shows")
        self.assertEqual((self.bin / "conv-calls").read_text().splitlines(),
                         [f"--rung-timeout 60 --json {self.tmp}/out/ladder_conv.json"], "the hangs were ch09's only")

    def test_a_candidate_that_hangs_in_the_ragged_check_is_left_out_of_every_size(self):
        self.stand_in_sweep("tune_simt", """
skipped = [args[i + 1] for i, flag in enumerate(args) if flag == "--skip-rung"]
if "tune stuck" not in skipped:
    sys.stderr.write("hung rung: tune stuck\\n")
    sys.exit(3)
run = tuning_run(size, {"06e": 80.0, "tune stuck": 0.0}, {"tune stuck": "skipped: left out by --skip-rung"})
""")
        self.compute_cap = "8.0"
        result = self.run_script("tune", dry_run=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertEqual(result.stdout.count("LEFT OUT: tune_simt: 'tune stuck'"), 1, "once, in the check run")
        self.assertIn("| tune stuck | hung or faulted: left out | hung or faulted: left out | hung or faulted: left out |",
                      result.stdout)
        tuning = json.loads((self.tmp / "out/tune.json").read_text())
        self.assertEqual([run["problem"]["m"] for run in tuning["runs"]], [2048, 4096, 8192])
        self.assertEqual(tuning["check"]["problem"]["m"], 2305)

    def test_profile_phase_runs_ncu_on_the_last_gemm_chapter_at_4096(self):
        (self.tmp / "b/bin").mkdir(parents=True)
        stand_in(self.tmp / "b/bin", "ch09_wgmma_tma_gemm", "exit 0\n")
        stand_in(self.tmp / "b/bin", "ch08_mma_sync_gemm", "exit 0\n")
        stand_in(self.tmp / "b/bin", "ch13_implicit_gemm_conv", "exit 0\n")
        stand_in(self.bin, "ncu", 'echo "$@" >> "$(dirname "$0")/ncu-calls"\n')
        result = self.run_script("profile", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        calls = (self.bin / "ncu-calls").read_text().splitlines()
        self.assertEqual(len(calls), 9, "per GEMM precision and for the conv layer: sections, metrics, stall reasons")
        report = (self.tmp / "out/ncu.txt").read_text()
        self.assertEqual((report.count(ncu_metrics.STALL_PASS + "\n"), report.count(ncu_metrics.STALL_PASS_END)),
                         (3, 3), "each program's stall pass between the markers ncu_metrics.py looks for")
        for call in calls[6:]:  # chapter 13's 13d and wgmma rungs in bf16 on the 14 x 14 layer, beside cuDNN
            self.assertIn("ch13_implicit_gemm_conv --layer resnet50-3x3-14 --precision bf16 --rung ", call)
            for rung in ("13d tile tuned per layer", "13g implicit GEMM, wgmma", "13h wgmma tuned per layer, split-K",
                         "13i masked gather, wgmma tuned"):
                self.assertIn(f"--rung {rung} ", call)
            self.assertIn(" --no-check", call)
            self.assertNotIn("--m 4096", call)
        for precision, sections, metrics, stalls in (("fp32", *calls[0:3]), ("bf16", *calls[3:6])):
            self.assertIn("--section SpeedOfLight", sections)
            self.assertIn("--metrics smsp__inst_executed.sum", metrics)
            self.assertIn("--metrics regex:^smsp__average_warps_issue_stalled_", stalls)
            for call in (sections, metrics, stalls):
                self.assertIn(f"ch09_wgmma_tma_gemm --m 4096 --n 4096 --k 4096 --no-ceilings --precision {precision} "
                              "--no-check", call)
                self.assertNotIn("-k regex", call)
                # No peak micro-benchmarks; one timed launch per rung and nothing else; the GPU's clocks as found.
                for flag in ("--no-peaks", "--profile-from-start off", "--profiler-ranges", "--clock-control none"):
                    self.assertIn(flag, call)

    def test_profile_phase_also_profiles_the_best_simt_rung_where_a_solution_holds_it(self):
        shutil.copy(ROOT / "benchmarks/report.py", self.tmp / "benchmarks/report.py")
        (self.tmp / "b/bin").mkdir(parents=True)
        stand_in(self.tmp / "b/bin", "ch09_wgmma_tma_gemm", 'echo "06e cp.async 3-stage 128x128x16    6  chapter"\n')
        stand_in(self.tmp / "b/bin", "sol05_vectorized_gemm", 'echo "05 sol3 BK 16                     5  solution"\n')
        stand_in(self.bin, "ncu", 'echo "$@" >> "$(dirname "$0")/ncu-calls"\n')
        (self.tmp / "out").mkdir()
        bench = [{"name": f"gemm/{rung}/4096/manual_time", "run_type": "iteration", "real_time": ms,
                  "time_unit": "ms", "TFLOP/s": 1.0, "pct_of_cublas": pct, "label": "fp32"}
                 for rung, ms, pct in (("cuBLAS", 2.7, 100.0), ("06e cp.async 3-stage 128x128x16", 3.6, 75.1),
                                       ("05 sol3 BK 16", 3.3, 81.8))]
        # This call's benchmarks; then, in a call without a bench phase, a record's.
        (self.tmp / "benchmarks/results").mkdir(parents=True, exist_ok=True)
        for where in ("out/bench.json", "benchmarks/results/NVIDIA_H200.json"):
            (self.tmp / "out/bench.json").unlink(missing_ok=True)
            (self.bin / "ncu-calls").unlink(missing_ok=True)
            run = {"benchmarks": bench}
            (self.tmp / where).write_text(json.dumps(run if where.startswith("out") else {"benchmarks": run}))
            result = self.run_script("profile", dry_run=False)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn("profile: the best SIMT rung, '05 sol3 BK 16' (sol05_vectorized_gemm)", result.stdout)
            calls = (self.bin / "ncu-calls").read_text().splitlines()
            self.assertEqual(len(calls), 9, "the two ladders and the best rung: sections, metrics and stall reasons")
            for call in calls[6:9]:
                self.assertIn("sol05_vectorized_gemm --m 4096 --n 4096 --k 4096 --no-ceilings --precision fp32 "
                              "--rung 05 sol3 BK 16 --no-check", call)

    def sanitize_with_stand_ins(self, kernel_filter, with_tests=True):
        """The sanitize phase over stand-in programs and a compute-sanitizer that records its
        arguments; its --help lists --kernel-name where kernel_filter. Returns the result and
        the recorded calls."""
        (self.tmp / "b/bin").mkdir(parents=True)
        for program in ("all_rungs", "all_conv_rungs", "ch14_mnist_cnn"):
            stand_in(self.tmp / "b/bin", program, "exit 0\n")
        if with_tests:
            (self.tmp / "b/tests").mkdir()
            stand_in(self.tmp / "b/tests", "test_ch09_wgmma_tma_gemm", "exit 0\n")
        help_text = "  --kernel-name arg   key1=val1" if kernel_filter else "  --tool arg"
        stand_in(self.bin, "compute-sanitizer",
                 f'if [ "$1" = --help ]; then echo "{help_text}"; exit 0; fi\n'
                 'echo "$@" >> "$(dirname "$0")/sanitizer-calls"\n')
        result = self.run_script("sanitize", dry_run=False)
        self.assertEqual(result.returncode, 0 if with_tests else 1, result.stdout + result.stderr)
        return result, (self.bin / "sanitizer-calls").read_text().splitlines()

    def test_racecheck_and_synccheck_judge_our_kernels_only_where_the_sanitizer_can_filter(self):
        _, calls = self.sanitize_with_stand_ins(kernel_filter=True)
        for call in calls:
            # memcheck still sees cuBLAS and cuDNN, whose faults may be our arguments' fault.
            self.assertEqual("--kernel-name kns=6ladder --kernel-name kns=ladder:: " in call,
                             "--tool memcheck" not in call, call)
            # ...and only memcheck runs cuBLAS at all: racecheck could not run one of its bf16 kernels.
            if "/all_rungs " in call:
                self.assertEqual("--no-vendor" in call, "--tool memcheck" not in call, call)

    def test_without_the_filter_every_kernel_is_checked_and_the_log_says_so(self):
        result, calls = self.sanitize_with_stand_ins(kernel_filter=False)
        self.assertFalse(any("--kernel-name" in call for call in calls))
        self.assertIn("racecheck and synccheck also check vendor kernels", result.stdout)

    def test_sanitize_phase_runs_every_rung_and_fails_on_skips_only_where_every_rung_fits(self):
        result, calls = self.sanitize_with_stand_ins(kernel_filter=True)
        self.assertEqual(len(calls), 18, "3 tools x (3 GEMM shapes, the conv layer, 09c's and 09d's B n x k, chapter 14)")
        gemm = [call for call in calls if "/all_rungs " in call]
        self.assertEqual(len(gemm), 9)
        for call in gemm:
            self.assertIn("--no-peaks", call, "no instruction-peak micro-benchmarks under the sanitizer")
            # 07a and 07 sol1 take whole fragments only: the ragged shapes may skip them.
            self.assertEqual("--fail-on-skip" in call, "--m 160 --n 96 --k 48" in call, call)
        conv = [call for call in calls if "/all_conv_rungs " in call]
        self.assertEqual(len(conv), 3)
        self.assertTrue(all("--fail-on-skip" in call for call in conv))
        self.assertTrue(all("--no-peaks" in call for call in conv), "no mma.sync micro-benchmark under the sanitizer")
        self.assertTrue(all("--energy-seconds 0" in call for call in conv), "no energy window under the sanitizer")
        b_n_by_k = [call for call in calls if "/test_ch09_wgmma_tma_gemm " in call]
        self.assertEqual(len(b_n_by_k), 3)
        for call in b_n_by_k:  # racecheck and synccheck without the case that calls cuBLAS DGEMM
            self.assertTrue(call.endswith("--gtest_filter=*B_n_by_k*" if "--tool memcheck" in call else
                                          "--gtest_filter=*B_n_by_k*-*2304x2560x1088*"), call)
        self.assertIn("sanitizer: 18 of 18 runs clean", result.stdout)

    def test_a_missing_test_binary_fails_its_sanitizer_runs(self):
        result, calls = self.sanitize_with_stand_ins(kernel_filter=True, with_tests=False)
        self.assertEqual(len(calls), 15, "the other runs still run")
        self.assertIn("verdict: FAILED memcheck 09c, 09d B n x k (no ", result.stdout)

    def test_a_call_out_of_time_skips_its_phases_and_still_prints_its_table(self):
        (self.tmp / "b/bin").mkdir(parents=True)
        stand_in(self.tmp / "b/bin", "ch09_wgmma_tma_gemm", "exit 0\n")
        env_budget = os.environ.get("LADDER_BUDGET_S")
        os.environ["LADDER_BUDGET_S"] = "20"  # under the 30 s a phase needs to start
        try:
            result = self.run_script("ladder,profile", dry_run=False)
        finally:
            if env_budget is None:
                os.environ.pop("LADDER_BUDGET_S")
            else:
                os.environ["LADDER_BUDGET_S"] = env_budget
        self.assertEqual(result.returncode, 1, "a phase not run is not verified")
        self.assertIn("=== ladder: skipped: out of time:", result.stdout)
        self.assertRegex(result.stdout, r"ladder +skipped +0\n")
        phases = json.loads((self.tmp / "out/summary.json").read_text())["phases"]
        self.assertEqual(phases["ladder"]["status"], "skipped")
        self.assertFalse((self.tmp / "out/ladder.json").exists())

    def test_a_bench_filter_that_matches_nothing_leaves_no_empty_json(self):
        (self.tmp / "b/bin").mkdir(parents=True)
        # As Google Benchmark: a filter that matches nothing is said on stderr, with exit status 0.
        lister = ('case "$*" in *--benchmark_list_tests*) case "$0" in *bench_gemm) echo gemm/x;; '
                  '*) echo "Failed to match any benchmarks against regex: gemm" >&2;; esac; exit 0;; esac\n'
                  'for a in "$@"; do case $a in --benchmark_out=*) echo "{}" > "${a#--benchmark_out=}";; esac; done\n')
        stand_in(self.tmp / "b/bin", "bench_gemm", lister)
        stand_in(self.tmp / "b/bin", "bench_conv", lister)
        env_filter = os.environ.get("BENCH_FILTER")
        os.environ["BENCH_FILTER"] = os.environ["BENCH_CONV_FILTER"] = "gemm"
        try:
            result = self.run_script("bench", dry_run=False)
        finally:
            os.environ.pop("BENCH_CONV_FILTER")
            if env_filter is None:
                os.environ.pop("BENCH_FILTER")
            else:
                os.environ["BENCH_FILTER"] = env_filter
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertTrue((self.tmp / "out/bench.json").exists())
        self.assertFalse((self.tmp / "out/bench_conv.json").exists())
        self.assertIn("bench_conv: no benchmark matches 'gemm': not run", result.stdout)

    def test_the_rung_the_tune_phase_profiles_beside_the_best_exists(self):
        script = (ROOT / "benchmarks/run_gpu.sh").read_text()
        steps = (ROOT / "chapters/06_warp_tiling_gemm/warp_tiling_gemm.cu").read_text()
        self.assertIn('"06e cp.async 3-stage 128x128x16" "tune 128x128x16 w64x32 3-stage paired"', script)
        self.assertIn('"06e cp.async 3-stage 128x128x16"', steps)

    def test_the_cnn_phase_measures_the_time_to_99_percent_where_the_kit_has_mnist(self):
        kit = self.tmp / ".device_kit"
        for part in ("googletest/CMakeLists.txt", "benchmark/CMakeLists.txt",
                     "prefix/share/cmake/CLI11/CLI11Config.cmake",
                     "prefix/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake", "prefix/include/zlib.h",
                     "prefix/include/zconf.h", "prefix/lib/libz.a", "fashion-mnist/train-images-idx3-ubyte.gz"):
            (kit / part).parent.mkdir(parents=True, exist_ok=True)
            (kit / part).write_text("")
        (self.tmp / "b/bin").mkdir(parents=True)
        # Stand-ins that note their arguments: chapter 14 writes its --json, the comparison its --out.
        calls = self.tmp / "calls"
        stand_in(self.tmp / "b/bin", "ch14_mnist_cnn", f'echo "ch14 $*" >> {calls}\n'
                 'while [ $# -gt 0 ]; do [ "$1" = --json ] && echo {{}} > "$2"; shift; done\n')
        stand_in(self.tmp / "benchmarks", "pytorch_lenet.py", f'import sys\nopen("{calls}", "a").write('
                 '"pytorch " + " ".join(sys.argv[1:]) + "\\n")\n')
        result = self.run_script("cnn", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("cnn: no MNIST in the kit", result.stdout)
        self.assertNotIn("--to-target-mnist-run", calls.read_text())
        (kit / "mnist").mkdir()
        (kit / "mnist/train-images-idx3-ubyte.gz").write_text("")
        calls.unlink()
        result = self.run_script("cnn", dry_run=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        lines = calls.read_text().splitlines()
        self.assertTrue(any(line.startswith(f"ch14 --data {kit}/mnist --epochs 10") for line in lines), lines)
        self.assertIn(f"--to-target-mnist-run {self.tmp}/b/cnn-mnist.json", lines[-1])
        self.assertTrue(all(f"--data {kit}/fashion-mnist" in line for line in lines if "mnist --epochs 10" not in line
                            and line.startswith("ch14 --data")), "the other runs stay on Fashion-MNIST")

    def test_incomplete_kit_names_the_missing_parts_and_stops(self):
        (self.tmp / ".device_kit/googletest").mkdir(parents=True)
        (self.tmp / ".device_kit/googletest/CMakeLists.txt").write_text("")
        result = self.run_script("build")
        self.assertEqual(result.returncode, 1)
        self.assertIn("missing Google Benchmark sources", result.stdout + result.stderr)
        self.assertNotIn("would run", result.stdout)


def junit(cases):
    """A CTest JUnit file: (name, status, gtest output)."""
    body = []
    for name, status, out in cases:
        skipped = '<skipped message="SKIP_REGULAR_EXPRESSION_MATCHED" />' if status == "notrun" else ""
        failure = '<failure message="Failed" />' if status == "fail" else ""
        body.append(f'<testcase name="{name}" classname="{name}" time="0.1" status="{status}">{skipped}{failure}'
                    f"<system-out>{out}</system-out></testcase>")
    return f'<testsuite name="x" tests="{len(cases)}">{"".join(body)}</testsuite>'


def show_only(labels):
    return json.dumps({"tests": [{"name": name, "properties": [{"name": "LABELS", "value": value}]}
                                 for name, value in labels.items()]})


def gtest_skip(reason):
    return f"[ RUN      ] X\n/src/test.cu:12: Skipped\n{reason}\n[  SKIPPED ] X (0 ms)\n"


class GpuRunBookkeepingTest(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp())
        self.summary = self.tmp / "summary.json"

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def gpu_run(self, *args):
        return subprocess.run([sys.executable, str(HERE / "gpu_run.py"), *args], capture_output=True, text=True)

    def count_tests(self, cases, labels):
        (self.tmp / "ctest.xml").write_text(junit(cases))
        (self.tmp / "tests.json").write_text(show_only(labels))
        return self.gpu_run("tests", str(self.summary), "--junit", str(self.tmp / "ctest.xml"), "--tests-json",
                            str(self.tmp / "tests.json"))

    def test_a_call_for_another_commit_starts_a_fresh_summary(self):
        self.summary.write_text(json.dumps({"machine": {"commit": "old"}, "tests": {"passed": 9},
                                            "sanitizer": {"runs": 3}}))
        self.assertEqual(self.gpu_run("machine", str(self.summary), "--kernel", "6.1", "--commit", "old").returncode, 0)
        self.assertEqual(json.loads(self.summary.read_text())["tests"], {"passed": 9}, "the same code: kept")
        self.assertEqual(self.gpu_run("machine", str(self.summary), "--kernel", "6.1", "--commit", "new").returncode, 0)
        summary = json.loads(self.summary.read_text())
        self.assertEqual(summary["machine"]["commit"], "new")
        self.assertNotIn("tests", summary, "an older commit's test counts are not this call's")
        self.assertNotIn("sanitizer", summary)

    def test_rung_requirement_skips_are_allowed(self):
        result = self.count_tests(
            [("cpu_ok", "run", ""), ("gpu_ok", "run", ""),
             ("cp_async", "notrun", gtest_skip("06 warp tiling does not support this case: needs sm_80")),
             ("starter", "notrun", gtest_skip("exercise starter code: set LADDER_TEST_EXERCISES=1")),
             ("no_nccl", "notrun",
              gtest_skip("this build has no NCCL (CMake found none): it cannot train on --gpus 1")),
             ("nccl_vm", "notrun", gtest_skip("NCCL cannot start on this machine: ncclCommInitRank(...): unhandled "
                                              "system error")),
             ("ptxas_table", "notrun", "")],
            {"cpu_ok": ["cpu"], "gpu_ok": ["gpu"], "cp_async": ["gpu"], "starter": ["gpu"], "no_nccl": ["gpu"],
             "nccl_vm": ["gpu"], "ptxas_table": ["cpu"]})
        self.assertEqual(result.returncode, 0, result.stdout)
        tests = json.loads(self.summary.read_text())["tests"]
        self.assertEqual((tests["passed"], tests["failed"], tests["skipped"]), (2, 0, 5))
        self.assertIn("tests: 2 passed, 0 failed, 5 skipped", result.stdout)

    def test_conv_and_cudnn_skips_are_allowed_but_a_missing_cudnn_is_not(self):
        result = self.count_tests(
            [("conv13", "notrun", gtest_skip("13a does not support this case: C must be a multiple of 8")),
             ("without_cudnn", "notrun", gtest_skip("this build has cuDNN 9.19.0"))],
            {"conv13": ["gpu"], "without_cudnn": ["gpu"]})
        self.assertEqual(result.returncode, 0, result.stdout)
        result = self.count_tests(
            [("cudnn_rung", "notrun", gtest_skip("cuDNN does not support this case: this build has no cuDNN (CMake "
                                                  "found none; see LADDER_WITH_CUDNN)"))],
            {"cudnn_rung": ["gpu"]})
        self.assertEqual(result.returncode, 1, "the GPU machine has the cuDNN wheel: without it, no baseline")
        self.assertIn("GPU test skipped without a rung requirement: cudnn_rung", result.stdout)

    def test_tests_without_a_junit_file_are_incomplete(self):
        (self.tmp / "tests.json").write_text(show_only({}))
        result = self.gpu_run("tests", str(self.summary), "--junit", str(self.tmp / "none.xml"), "--tests-json",
                              str(self.tmp / "tests.json"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("incomplete", json.loads(self.summary.read_text())["tests"])

    def test_sanitizer_runs_skipped_for_time_leave_it_incomplete(self):
        log = self.tmp / "sanitizer.log"
        log.write_text("verdict: clean memcheck 129x260x52 (exit 0)\n"
                       "verdict: SKIPPED all_rungs 33x65x12 racecheck (out of time: 40 s left)\n")
        result = self.gpu_run("sanitizer", str(self.summary), "--log", str(log))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(json.loads(self.summary.read_text())["sanitizer"], {"runs": 1, "clean": 1, "not_run": 1})

    def test_phases_are_kept_in_the_summary(self):
        self.gpu_run("phase", str(self.summary), "--name", "build", "--status", "ok", "--seconds", "90")
        self.gpu_run("phase", str(self.summary), "--name", "test", "--status", "TIMED OUT (exit 124)",
                     "--seconds", "300")
        self.assertEqual(json.loads(self.summary.read_text())["phases"],
                         {"build": {"status": "ok", "seconds": 90},
                          "test": {"status": "TIMED OUT (exit 124)", "seconds": 300}})

    def test_gpu_test_skipped_for_want_of_a_device_fails(self):
        result = self.count_tests(
            [("gpu_ok", "run", ""), ("rung", "notrun", gtest_skip("needs a CUDA device: no usable CUDA device"))],
            {"gpu_ok": ["gpu"], "rung": ["gpu"]})
        self.assertEqual(result.returncode, 1)
        self.assertIn("GPU test skipped without a rung requirement: rung: needs a CUDA device", result.stdout)
        self.assertEqual(json.loads(self.summary.read_text())["tests"]["gpu_tests_skipped_wrongly"], 1)

    def test_a_failed_test_fails(self):
        result = self.count_tests([("rung", "fail", "")], {"rung": ["gpu"]})
        self.assertEqual(result.returncode, 1)
        self.assertIn("FAILED: rung", result.stdout)

    def test_sanitizer_verdicts_are_counted(self):
        log = self.tmp / "sanitizer.log"
        log.write_text("verdict: clean memcheck 129x260x52 (exit 0)\nverdict: FAILED racecheck 33x65x12 (exit 99)\n")
        result = self.gpu_run("sanitizer", str(self.summary), "--log", str(log))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(json.loads(self.summary.read_text())["sanitizer"], {"runs": 2, "clean": 1})
        log.write_text("verdict: clean memcheck 129x260x52 (exit 0)\n")
        self.assertEqual(self.gpu_run("sanitizer", str(self.summary), "--log", str(log)).returncode, 0)

    def test_sanitizer_without_verdicts_fails(self):
        (self.tmp / "empty.log").write_text("")
        empty_log = str(self.tmp / "empty.log")
        self.assertEqual(self.gpu_run("sanitizer", str(self.summary), "--log", empty_log).returncode, 1)

    def tune_run(self, size, percents, statuses=None, precision="fp32"):
        """A sweep's --json file at size^3 (test_report's synthetic run), its path."""
        path = self.tmp / f"tune-{precision}-{size}.json"
        path.write_text(json.dumps(tuning_run(size, percents, statuses, precision)))
        return str(path)

    def tune(self, runs):
        return self.gpu_run("tune", str(self.summary), "--out", str(self.tmp / "tune.json"), *runs)

    def test_tune_ranks_the_rungs_and_checks_the_targets_for_the_best(self):
        runs = [self.tune_run(4096, {"a": 96.0, "b": 93.0}), self.tune_run(2048, {"a": 91.0, "b": 85.0}),
                self.tune_run(8192, {"a": 92.0, "b": 99.0})]
        result = self.tune(runs)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertLess(result.stdout.index("| a |"), result.stdout.index("| b |"), "best at 4096^3 first")
        self.assertIn("| a | 45.5, 91.0 % | 48.0, 96.0 % | 46.0, 92.0 % |", result.stdout)
        targets = json.loads(self.summary.read_text())["tune"]["targets"]
        self.assertIn("best rung at 4096³ (a): 96.0 %", targets)
        self.assertIn("lowest from 2048 to 8192: 91.0 % at 2048³", targets)
        self.assertNotIn("not met", targets)
        combined = json.loads((self.tmp / "tune.json").read_text())
        self.assertEqual([run["problem"]["m"] for run in combined["runs"]], [2048, 4096, 8192])

    def test_tune_fails_when_a_rung_failed_its_check_and_names_it(self):
        runs = [self.tune_run(2048, {"a": 88.0, "bad": 99.0}, {"bad": "FAIL: relative error 1e-2"}),
                self.tune_run(4096, {"a": 93.5, "bad": 99.0})]
        result = self.tune(runs)
        self.assertEqual(result.returncode, 1)
        self.assertIn("| bad | failed its check | failed its check |", result.stdout)
        tune = json.loads(self.summary.read_text())["tune"]
        self.assertEqual(tune["failed"], ["bad"])
        self.assertIn("(a): 93.5 % of cuBLAS at 4096³ (target ≥ 95 %: **not met**)", tune["targets"])

    def test_the_wgmma_sweep_keeps_its_verdict_apart_and_answers_chapter_9s_targets(self):
        runs = [self.tune_run(size, {"09c persistent": pct}, precision="bf16")
                for size, pct in ((2048, 97.0), (4096, 105.5), (8192, 99.0))]
        result = self.gpu_run("tune", str(self.summary), "--sweep", "wgmma", "--out", str(self.tmp / "tune_wgmma.json"),
                              *runs)
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = json.loads(self.summary.read_text())
        self.assertNotIn("tune", summary, "the SIMT sweep's verdict is not touched")
        targets = summary["tune_wgmma"]["targets"]
        self.assertIn("4096³: 105.5 % (09c persistent; target ≥ 105 %: met)", targets)
        self.assertIn("8192³: 99.0 % (09c persistent; target ≥ 100 %: **not met**)", targets)
        self.assertIn("| 09c persistent | 48.5, 97.0 % | 52.8, 105.5 % | 49.5, 99.0 % |", result.stdout)


if __name__ == "__main__":
    unittest.main()
