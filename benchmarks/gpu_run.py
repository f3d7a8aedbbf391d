#!/usr/bin/env python3
"""The bookkeeping of benchmarks/run_gpu.sh, one subcommand per step. Each adds
its section to the run's summary.json (machine, tests, sanitizer), which
record.py bundles with the measurements.

    python3 benchmarks/gpu_run.py machine SUMMARY --kernel "$(uname -r)"     # SUMMARY "-": print only
    python3 benchmarks/gpu_run.py tests SUMMARY --junit ctest.xml --tests-json ctest-tests.json
    python3 benchmarks/gpu_run.py sanitizer SUMMARY --log sanitizer.log
    python3 benchmarks/gpu_run.py tune SUMMARY --out tune.json --check tune-check.json tune-2048.json ...
    python3 benchmarks/gpu_run.py tune SUMMARY --sweep wgmma --out tune_wgmma.json ... tune-wgmma-2048.json ...
    python3 benchmarks/gpu_run.py phase SUMMARY --name test --status ok --seconds 95

`tune` writes a sweep's runs (one JSON per size: tune_simt's, or with --sweep
wgmma tune_wgmma's) into one file for record.py, prints them side by side, best
rung first, with the targets checked for the best (report.py's table and
verdict: the SIMT targets, or chapter 09's), and exits 1 when a rung failed its
check. `tests` exits 1 when a test failed, or when a GPU test was skipped for a reason
other than a documented requirement of its rung: on a GPU machine, "needs a
CUDA device" means the CUDA set-up is broken, not that the test may pass.
"""
import argparse
import collections
import json
import pathlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
from atomic_file import write_atomically  # noqa: E402

# Why a GPU test may be skipped on a working GPU: the rung itself says it
# cannot run the case (unsupported_reason: a GEMM or conv rung's requirement),
# the test is an exercise starter, which is unfinished on purpose, the build
# found no NCCL, which only chapter 14's --gpus needs (cmake/LadderNccl.cmake;
# the record shows the count), NCCL's own start fails on this machine (a
# virtual machine's view of its PCI devices, say; the record shows why), or the
# test checks what a build without cuDNN does and this one has it. Anything else fails the phase, and so does a
# requirement that names a missing cuDNN: the GPU machine has the wheel, and
# without it the conv tables would have no baseline.
ALLOWED_GPU_SKIPS = (r"does not support this case:", r"exercise starter code", r"this build has no NCCL",
                     r"^NCCL cannot start on this machine: ", r"^this build has cuDNN ")
FORBIDDEN_GPU_SKIPS = (r"no cuDNN", r"without cuDNN")


def load(path):
    path = pathlib.Path(path)
    return json.loads(path.read_text()) if path.is_file() else {}


def save(path, summary):
    """Writes the summary; "-" (a dry run) writes nothing."""
    if path == "-":
        return
    write_atomically(path, json.dumps(summary, indent=1) + "\n")  # an interrupted run never leaves half a file


def run(command):
    """First line of a command's output, or None when it cannot run."""
    if shutil.which(command[0]) is None:
        return None
    result = subprocess.run(command, capture_output=True, text=True)
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0].strip() if result.returncode == 0 and lines else None


def checkout_commit():
    """HEAD, marked "-dirty" when tracked files differ from it; None outside a git checkout."""
    commit = run(["git", "rev-parse", "HEAD"])
    if commit is None:
        return None
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                             text=True).stdout.strip()
    return commit + ("-dirty" if changed else "")


def is_gvisor(kernel):
    # gVisor reports a fixed Linux 4.4.0; compute-sanitizer and ncu cannot
    # reach the GPU's debug and profiling interfaces there.
    return kernel.startswith("4.4.0")


def machine(args):
    gpu = run(["nvidia-smi", "--query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem",
               "--format=csv,noheader,nounits"])
    fields = [f.strip() for f in gpu.split(",")] if gpu else []
    nvcc = subprocess.run(["nvcc", "--version"], capture_output=True, text=True).stdout if shutil.which("nvcc") else ""
    release = re.search(r"release ([0-9.]+)", nvcc)
    facts = {
        "kernel": args.kernel,
        "gvisor": is_gvisor(args.kernel),
        "gpu": fields[0] if fields else None,
        "driver": fields[1] if fields else None,
        "sm_clock_mhz": fields[2] if fields else None,
        "sm_clock_max_mhz": fields[3] if fields else None,
        "memory_clock_mhz": fields[4] if fields else None,
        "memory_clock_max_mhz": fields[5] if fields else None,
        "compute_capability": run(["nvidia-smi", "--query-gpu=compute_cap", "--format=csv,noheader"]),
        "nvcc": release.group(1) if release else None,
        "cmake": (run(["cmake", "--version"]) or "").replace("cmake version ", "") or None,
        "commit": args.commit or checkout_commit(),  # what was measured, for record.py
    }
    summary = load(args.summary)
    if (summary.get("machine") or {}).get("commit") != facts["commit"]:
        summary = {}  # an earlier call's tests and verdicts were of other code: not this call's to record
    summary["machine"] = facts
    save(args.summary, summary)
    for key, value in facts.items():
        print(f"{key:22} {value if value is not None else 'n/a'}")


def skip_reason(case):
    """The reason a skipped test gave: gtest's line after 'Skipped', else CTest's."""
    out = case.findtext("system-out") or ""
    match = re.search(r": Skipped\n(.+)", out)
    if match:
        return match.group(1).strip()
    skipped = case.find("skipped")
    return skipped.get("message", "skipped") if skipped is not None else "skipped"


def tests(args):
    if not pathlib.Path(args.junit).is_file():  # ctest was stopped (the call's time ran out) before writing it
        summary = load(args.summary)
        summary["tests"] = {"incomplete": f"no {pathlib.Path(args.junit).name}: ctest did not finish"}
        save(args.summary, summary)
        print(f"tests: incomplete: ctest wrote no {args.junit}; ctest.log has what ran")
        return 1
    labels = {}
    for test in json.loads(pathlib.Path(args.tests_json).read_text())["tests"]:
        for prop in test.get("properties", []):
            if prop["name"] == "LABELS":
                labels[test["name"]] = prop["value"]
    counts = collections.Counter()
    allowed = collections.Counter()
    forbidden = []
    failed = []
    for case in ElementTree.parse(args.junit).getroot().iter("testcase"):
        name, status = case.get("name"), case.get("status")
        if status == "run":
            counts["passed"] += 1
        elif status in ("notrun", "disabled"):
            counts["skipped"] += 1
            reason = skip_reason(case)
            if "gpu" not in labels.get(name, []):
                allowed["cpu test: " + reason] += 1
            elif any(re.search(p, reason) for p in ALLOWED_GPU_SKIPS) and \
                    not any(re.search(p, reason) for p in FORBIDDEN_GPU_SKIPS):
                allowed[re.split(r":", reason)[0] if "exercise" in reason else reason] += 1
            else:
                forbidden.append((name, reason))
        else:
            counts["failed"] += 1
            failed.append(name)
    summary = load(args.summary)
    summary["tests"] = {"passed": counts["passed"], "failed": counts["failed"], "skipped": counts["skipped"],
                        "skipped_with_reason": dict(allowed), "gpu_tests_skipped_wrongly": len(forbidden)}
    save(args.summary, summary)
    print(f"tests: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    for reason, count in sorted(allowed.items()):
        print(f"  skipped, allowed: {count} x {reason}")
    for name in failed[:20]:
        print(f"  FAILED: {name}")
    for name, reason in forbidden[:20]:
        print(f"  GPU test skipped without a rung requirement: {name}: {reason}")
    if len(forbidden) > 20:
        print(f"  ... and {len(forbidden) - 20} more GPU tests skipped the same way")
    return 1 if failed or forbidden else 0


# run_gpu.sh writes one such line after each sanitizer run, or SKIPPED for one the call had no
# time left for.
VERDICT = re.compile(r"^verdict: (clean|FAILED|SKIPPED) ", re.MULTILINE)


def sanitizer(args):
    log = pathlib.Path(args.log)
    verdicts = VERDICT.findall(log.read_text()) if log.exists() else []
    ran = [v for v in verdicts if v != "SKIPPED"]
    section = {"runs": len(ran), "clean": ran.count("clean")}
    if "SKIPPED" in verdicts:
        section["not_run"] = verdicts.count("SKIPPED")  # out of time: the phase is incomplete
    if args.skipped:
        section["skipped"] = args.skipped
    summary = load(args.summary)
    summary["sanitizer"] = section
    save(args.summary, summary)
    print(f"sanitizer: {section['clean']} of {section['runs']} runs clean"
          + (f", {section['not_run']} not run (out of time)" if "not_run" in section else "")
          + (f" (skipped: {args.skipped})" if args.skipped else ""))
    complete = ran and section["clean"] == section["runs"] and "not_run" not in section
    return 0 if args.skipped or complete else 1


def tune(args):
    # report.py holds the targets and the table; imported here only, so that the other steps
    # need no more than this file.
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    import report

    runs = sorted((json.loads(pathlib.Path(path).read_text()) for path in args.runs),
                  key=lambda run: run["problem"]["m"])
    tuning = {"runs": runs, "check": json.loads(pathlib.Path(args.check).read_text()) if args.check else None}
    write_atomically(args.out, json.dumps(tuning, indent=1) + "\n")
    _, failed, best, verdict = report.sweep_verdict(tuning, args.sweep)
    summary = load(args.summary)
    summary[report.SWEEPS[args.sweep]["summary"]] = {
        "device": runs[0]["device"]["name"], "best": best, "targets": verdict, "failed": failed}
    save(args.summary, summary)
    print("".join(report.tuning_table({report.SWEEPS[args.sweep]["key"]: tuning}, args.sweep)), end="")
    return 1 if failed else 0


def best_simt(args):
    """The best SIMT rung of bench_gemm's run (report.best_rung at the headline size: chapters 01-06 and their
    solutions), and the first of the programs whose --list holds it, printed as "PROGRAM<tab>RUNG"; nothing
    when no rung or no program has it. The run is the first of the files given that is there: bench_gemm's
    JSON, or a record of benchmarks/results (whose `benchmarks` holds one), for a call without a bench phase."""
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
    import report

    found = [pathlib.Path(path) for path in args.bench
             if pathlib.Path(path).is_file() and pathlib.Path(path).stat().st_size > 0]
    if not found:
        return 0
    bench = json.loads(found[0].read_text())
    if isinstance(bench.get("benchmarks"), dict):  # a record: bench_gemm's JSON is its "benchmarks"
        bench = bench["benchmarks"]
    rows = report.gemm_rows({"benchmarks": bench}).get("fp32", {})
    best = report.best_rung(rows)
    if best is None:
        return 0
    for program in args.programs:
        try:
            listing = subprocess.run([program, "--list"], capture_output=True, text=True).stdout.splitlines()
        except OSError as error:  # not built, or not a program: look in the next one
            print(f"gpu_run.py best-simt: {program}: {error.strerror}", file=sys.stderr)
            continue
        if any(re.match(re.escape(best) + r"(\s{2,}|$)", line) for line in listing):
            print(f"{program}\t{best}")
            return 0
    return 0


def phase(args):
    """One phase's status and time, as run_gpu.sh's closing table prints it: kept in the summary too,
    so that a call cut short still says which phases finished."""
    summary = load(args.summary)
    summary.setdefault("phases", {})[args.name] = {"status": args.status, "seconds": args.seconds}
    save(args.summary, summary)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("machine", help="record and print what the machine is")
    p.add_argument("summary")
    p.add_argument("--kernel", required=True, help="uname -r")
    p.add_argument("--commit", help="the commit measured (LADDER_COMMIT; else git rev-parse HEAD)")
    p = commands.add_parser("tests", help="count CTest results; fail on a GPU test skipped without a rung reason")
    p.add_argument("summary")
    p.add_argument("--junit", required=True, help="ctest --output-junit FILE")
    p.add_argument("--tests-json", required=True, help="ctest --show-only=json-v1 output (the labels)")
    p = commands.add_parser("sanitizer", help="count the sanitizer verdict lines of the log")
    p.add_argument("summary")
    p.add_argument("--log", required=True)
    p.add_argument("--skipped", help="why the sanitizers did not run (recorded instead of verdicts)")
    p = commands.add_parser("tune", help="a sweep's runs side by side, and its targets' verdict")
    p.add_argument("summary")
    p.add_argument("--sweep", choices=("simt", "wgmma"), default="simt",
                   help="tune_simt's runs (fp32, the summary's `tune`) or tune_wgmma's (bf16, `tune_wgmma`)")
    p.add_argument("--out", required=True, help="the combined JSON (written atomically)")
    p.add_argument("--check", help="the sweep's --json of the ragged correctness run: its failures count too")
    p.add_argument("runs", nargs="+", help="the sweep program's --json files, one per size")
    p = commands.add_parser("best-simt", help="the best SIMT rung of a bench_gemm run, and a program that has it")
    p.add_argument("bench", nargs="+", help="bench_gemm --benchmark_out's JSON, or records: the first there counts")
    p.add_argument("--programs", nargs="+", required=True, help="the programs to look in, in order")
    p = commands.add_parser("phase", help="record a phase's status and time")
    p.add_argument("summary")
    p.add_argument("--name", required=True)
    p.add_argument("--status", required=True)
    p.add_argument("--seconds", type=int, required=True)
    args = parser.parse_args()
    return {"machine": machine, "tests": tests, "sanitizer": sanitizer, "tune": tune, "best-simt": best_simt,
            "phase": phase}[args.command](args) or 0


if __name__ == "__main__":
    sys.exit(main())
