#!/usr/bin/env python3
"""Bundles one GPU run into benchmarks/results/<gpu>.json: the Google Benchmark
JSON of bench_gemm and bench_conv plus the context that makes them meaningful
(GPU, clocks, driver, CUDA version, commit, date, test counts, sanitizer
verdicts). Called by benchmarks/run_gpu.sh, or afterwards on any machine with
the files a run brought back (a run split in two gives two summaries; later
ones win):

    python3 benchmarks/record.py --summary run1/summary.json --summary run2/summary.json \
        --bench run2/bench.json --bench-conv run2/bench_conv.json --ladder run2/ladder.json \
        --ladder-conv run2/ladder_conv.json --pytorch-conv run2/pytorch_conv.json \
        --cnn run3/cnn.json --tune run3/tune.json --tune-wgmma run3/tune_wgmma.json --ncu run3/ncu.txt \
        --ncu-tune run3/ncu-tune.txt \
        --out benchmarks/results/

The record's keys: context, benchmarks (bench_gemm's JSON; null for a short
run that had time only for the ladders), conv_benchmarks
(bench_conv's; null when not given, as in records made before it existed),
ladder (the last GEMM chapter's --json at the headline size), ladder_conv
(the last conv chapter's --json on its default layer; null when not given),
conv_pytorch (PyTorch's conv2d on bench_conv's layers, pytorch_conv.py's JSON:
a second opinion on the cuDNN baseline; null when not given),
cnn (chapter 14 on the GPU beside PyTorch: pytorch_lenet.py's JSON; null
when not given), tuning (the SIMT tuning sweep: run_gpu.sh's
tune.json, tune_simt's run at each size; null when not given), tuning_wgmma
(chapter 09's sweep: tune_wgmma.json, tune_wgmma's run at each size; null
when not given), and profile
(Nsight Compute's metrics per launch, read by ncu_metrics.py from the profile
phase's ncu.txt as `ladder` and the tune phase's ncu-tune.txt as `tune`; null
when neither was given). The reports themselves are kept beside the record, as
<gpu>.ncu.txt and <gpu>.ncu-tune.txt, and named in its profile_reports: the
lessons quote figures from their sections (throughputs, occupancy, cycles per
issue) that the metrics above do not hold, and those figures can then be
checked against the report.

Without a summary's machine section it asks nvidia-smi. An optional file that
is missing or empty (a phase that did not run, or ran out of time) is left out
with a warning; a record needs bench_gemm's JSON or a ladder. Files measured on
different GPUs are refused: one record is one GPU.
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import ncu_metrics  # noqa: E402
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
from atomic_file import write_atomically  # noqa: E402


def nvidia_smi(query):
    out = subprocess.run(["nvidia-smi", f"--query-gpu={query}", "--format=csv,noheader,nounits"],
                         capture_output=True, text=True, check=True).stdout
    if not out.strip():
        raise subprocess.CalledProcessError(0, ["nvidia-smi"], output="no GPU listed")
    return [field.strip() for field in out.splitlines()[0].split(",")]


def git_commit():
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True).stdout.strip()
        return commit.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return os.environ.get("LADDER_COMMIT", "unknown")


def present(path):
    """The path of an optional input, or None, with a warning, when it is missing or empty."""
    if path and not (pathlib.Path(path).is_file() and pathlib.Path(path).stat().st_size > 0):
        print(f"record.py: warning: {path} is missing or empty: left out of the record", file=sys.stderr)
        return None
    return path


def read_json(path):
    """A file's JSON; None when no file was given (that part was not in the run)."""
    return json.loads(pathlib.Path(path).read_text()) if path else None


def read_benchmarks(path):
    """A Google Benchmark JSON, or None when no file was given. A program stopped at its time
    limit never writes the closing brackets (and loses what it had not flushed): such a file
    is read up to its last whole benchmark, with a warning, and marked "truncated"."""
    if not path:
        return None
    text = pathlib.Path(path).read_text()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        last = text.rfind("\n    }")  # the end of a benchmark: Google Benchmark indents them by four
        if "\"benchmarks\": [" not in text or last < text.index("\"benchmarks\": ["):
            raise
        data = json.loads(text[:last + len("\n    }")] + "\n  ]\n}\n")
        data["truncated"] = True
        print(f"record.py: warning: {path} was cut short: its {len(data['benchmarks'])} whole benchmarks are "
              "recorded", file=sys.stderr)
        return data


def read_profile(ladder_report, tune_report):
    """{"ladder": launches, "tune": launches} from the ncu reports given (ncu_metrics.parse); None without any."""
    profile = {}
    for key, path in (("ladder", ladder_report), ("tune", tune_report)):
        if path:
            profile[key] = ncu_metrics.parse(pathlib.Path(path).read_text(errors="replace"))
    return profile or None


def merged_summary(paths):
    """machine, tests and sanitizer sections of run_gpu.sh's summary files; later files win, but
    the phases of every call are kept, and the commits the calls measured (each once, in order)."""
    merged, phases, commits = {}, {}, []
    for path in paths or []:
        summary = json.loads(pathlib.Path(path).read_text())
        phases.update(summary.pop("phases", {}))
        commit = (summary.get("machine") or {}).get("commit")
        if commit and commit not in commits:
            commits.append(commit)
        merged.update(summary)
    if phases:
        merged["phases"] = phases
    merged["commits"] = commits
    return merged


def gpus_named(paths, summary_paths, parts):
    """Every GPU name the inputs give: the summaries' machines, the ladders' and the tuning runs'
    devices, the benchmarks' context."""
    names = {}
    for path in summary_paths or []:
        gpu = (json.loads(pathlib.Path(path).read_text()).get("machine") or {}).get("gpu")
        if gpu:
            names[path] = gpu
    for key in ("ladder", "ladder_conv"):
        if (parts.get(key) or {}).get("device", {}).get("name"):
            names[paths[key]] = parts[key]["device"]["name"]
    if (parts.get("conv_pytorch") or {}).get("gpu"):
        names[paths["conv_pytorch"]] = parts["conv_pytorch"]["gpu"]
    for key in ("tuning", "tuning_wgmma"):
        for run in (parts.get(key) or {}).get("runs", []):
            if run.get("device", {}).get("name"):
                names[paths[key]] = run["device"]["name"]
    for key in ("benchmarks", "conv_benchmarks"):
        context = (parts.get(key) or {}).get("context", {})
        if context.get("gpu"):
            names[paths[key]] = context["gpu"]
    if ((parts.get("cnn") or {}).get("ours") or {}).get("device"):
        names[paths["cnn"]] = parts["cnn"]["ours"]["device"]
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", help="bench_gemm's Google Benchmark JSON (--benchmark_out)")
    parser.add_argument("--bench-conv", help="bench_conv's Google Benchmark JSON (--benchmark_out)")
    parser.add_argument("--ladder", help="a GEMM chapter executable's --json output at the headline size")
    parser.add_argument("--ladder-conv", help="a conv chapter executable's --json output on its default layer")
    parser.add_argument("--pytorch-conv", help="benchmarks/pytorch_conv.py's --out: PyTorch on bench_conv's layers")
    parser.add_argument("--cnn", help="benchmarks/pytorch_lenet.py's --out: chapter 14 on the GPU beside PyTorch")
    parser.add_argument("--tune", help="run_gpu.sh's tune.json: the SIMT tuning sweep")
    parser.add_argument("--tune-wgmma", help="run_gpu.sh's tune_wgmma.json: chapter 09's sweep")
    parser.add_argument("--ncu", help="the profile phase's ncu.txt: Nsight Compute on the ladder at 4096^3")
    parser.add_argument("--ncu-tune", help="the tune phase's ncu-tune.txt: the sweep's best beside 06e")
    parser.add_argument("--summary", action="append", help="run_gpu.sh's summary.json (repeatable)")
    parser.add_argument("--out", required=True, help="folder for <gpu>.json")
    parser.add_argument("--replace", action="store_true",
                        help="replace a record that holds bench_gemm's results with one that does not (a short "
                             "call's ladders only); without it that is refused, so as not to lose them")
    args = parser.parse_args()
    for option in ("bench", "bench_conv", "ladder", "ladder_conv", "pytorch_conv", "cnn", "tune", "tune_wgmma", "ncu", "ncu_tune"):
        setattr(args, option, present(getattr(args, option)))
    if not (args.bench or args.ladder or args.ladder_conv):
        sys.exit("record.py: nothing to record: give bench_gemm's JSON (--bench) or a ladder (--ladder, --ladder-conv)")
    summary = merged_summary(args.summary)
    machine = summary.get("machine")
    if machine and machine.get("gpu"):
        name, driver = machine["gpu"], machine["driver"]
        sm_clock, mem_clock, sm_clock_now = machine["sm_clock_max_mhz"], machine["memory_clock_max_mhz"], \
            machine["sm_clock_mhz"]
    else:
        name, driver, sm_clock, mem_clock, sm_clock_now = nvidia_smi(
            "name,driver_version,clocks.max.sm,clocks.max.mem,clocks.sm")
    ladder = read_json(args.ladder)
    parts = {"benchmarks": read_benchmarks(args.bench), "conv_benchmarks": read_benchmarks(args.bench_conv),
             "ladder": ladder, "ladder_conv": read_json(args.ladder_conv),
             "conv_pytorch": read_json(args.pytorch_conv),
             "cnn": read_json(args.cnn), "tuning": read_json(args.tune),
             "tuning_wgmma": read_json(args.tune_wgmma)}
    paths = {"benchmarks": args.bench, "conv_benchmarks": args.bench_conv, "ladder": args.ladder,
             "ladder_conv": args.ladder_conv, "conv_pytorch": args.pytorch_conv, "tuning": args.tune,
             "tuning_wgmma": args.tune_wgmma, "cnn": args.cnn}
    gpus = gpus_named(paths, args.summary, parts)
    if not (machine and machine.get("gpu")):  # this machine's GPU names the record: it must be the files' too
        gpus["nvidia-smi on this machine"] = name
    if len(set(gpus.values())) > 1:
        listing = "; ".join(f"{path}: {gpu}" for path, gpu in gpus.items())
        sys.exit(f"record.py: these files come from different GPUs ({listing}): record each GPU's on its own")
    context = {
        "gpu": name, "driver": driver, "sm_clock_mhz": sm_clock, "memory_clock_mhz": mem_clock,
        "sm_clock_at_record_mhz": sm_clock_now,
        "cuda": ladder["device"]["runtime_cuda"] if ladder else "unknown",
        # the commit the device measured (run_gpu.sh's LADDER_COMMIT), else this checkout's
        "commit": (machine or {}).get("commit") or git_commit(), "date": datetime.date.today().isoformat(),
        # every call's, where they differ: the record's commit is the last call's
        "commits": summary["commits"] if len(summary["commits"]) > 1 else None,
        # null: that part of the verification was not in the runs recorded here
        "tests": summary.get("tests"),
        "sanitizer": summary.get("sanitizer"),
        "machine": machine,
        "phases": summary.get("phases"),
    }
    out_dir = pathlib.Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / (re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") + ".json")
    if parts["benchmarks"] is None and not args.replace and out.is_file() and \
            json.loads(out.read_text()).get("benchmarks"):
        sys.exit(f"record.py: {out} holds bench_gemm's results and this run has none: give --replace to "
                 "replace it with this run's ladders anyway")
    reports = [(report, out.with_suffix(suffix)) for report, suffix in
               ((args.ncu, ".ncu.txt"), (args.ncu_tune, ".ncu-tune.txt")) if report]
    # The reports this record's profile came from, by name: an older run's left beside it are not its own.
    record = {"context": context, **parts, "profile": read_profile(args.ncu, args.ncu_tune),
              "profile_reports": [kept.name for _, kept in reports]}
    write_atomically(out, json.dumps(record, indent=1) + "\n")
    print(f"recorded {out}")
    for report, kept in reports:
        write_atomically(kept, pathlib.Path(report).read_text(errors="replace"))
        print(f"kept {kept}")


if __name__ == "__main__":
    try:
        main()
    except (OSError, json.JSONDecodeError) as error:  # a file named on the command line is missing or not JSON
        sys.exit(f"record.py: {error}")
    except subprocess.CalledProcessError as error:  # no summary names the machine, and nvidia-smi cannot
        why = error.output if error.returncode == 0 else f"exit {error.returncode}"
        sys.exit(f"record.py: no --summary names the GPU, and {' '.join(error.cmd[:1])} failed ({why}): "
                 "give run_gpu.sh's summary.json")
    except KeyError as error:  # a summary or results file without a field it must have
        sys.exit(f"record.py: an input file lacks the field {error}")
