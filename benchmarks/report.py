#!/usr/bin/env python3
"""Turns recorded results (benchmarks/results/*.json) into the tables and chart of the docs.

Nothing here is typed by hand: every number comes from a results file written
by benchmarks/record.py on a GPU. It rewrites the blocks between
`<!-- results:begin ... -->` and `<!-- results:end -->` in README.md,
docs/results.md and every chapter's README.md, and draws
docs/images/ladder.png, ladder_sizes.png and roofline.png (needs matplotlib).

A block with `chapter=N` shows chapter N's rungs; one without shows every
rung. Chapter 14's block shows the CNN beside PyTorch instead (the record's
`cnn`, from pytorch_lenet.py), with its targets; chapter 06's adds the SIMT
tuning sweep (the record's `tuning`, from run_gpu.sh's tune phase) and its
Nsight Compute evidence; a block marked `profile` adds the ladder's (the
record's `profile`, from ncu_metrics.py), and one marked `nsight` (a lesson
that quotes Nsight Compute in its prose) says where those figures can be
checked: the run's kept reports, or only the record's metrics where the
reports were not kept. The chapter programs' own runs (the
record's `ladder` at 4096³ and `ladder_conv` on one layer) add what Google
Benchmark does not measure: % of each instruction's peak, and the energy.
Each precision gets its own table, measured against the vendor library at
that precision: fp32 GEMM rungs against cuBLAS, bf16 ones against cuBLAS
bf16, fp32 NCHW convolutions against cuDNN, bf16 NHWC ones against cuDNN bf16.
A % of one precision's vendor is never shown next to the other's.

    python3 benchmarks/report.py            # rewrite tables and chart
    python3 benchmarks/report.py --check    # fail if a table is stale (CI)
"""
import argparse
import collections
import json
import math
import os
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import ncu_metrics  # noqa: E402
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
from atomic_file import save_figure_atomically, write_atomically  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
# The GPU whose numbers are the project's headline: its record comes first in every table and
# is the one the charts draw; a record from any other GPU follows, under its own name.
HEADLINE_GPU = "NVIDIA H200"
CHART = ROOT / "docs" / "images" / "ladder.png"
SIZES_CHART = ROOT / "docs" / "images" / "ladder_sizes.png"
ROOFLINE_CHART = ROOT / "docs" / "images" / "roofline.png"
ELEMENT_BYTES = {"fp32": 4, "bf16": 2}
BLOCK = re.compile(r"(<!-- results:begin(?P<args>[^>]*)-->\n)(.*?)(<!-- results:end -->)", re.S)
HEADLINE = 4096
SIMT_LAST_CHAPTER = 6  # chapters 01-06 run on the CUDA cores; issue 3's targets apply to them
TARGET_HEADLINE_PCT, TARGET_BAND_PCT, TARGET_SIZES = 95, 90, (2048, 8192)
# The tensor-core chapters' targets, for their best rung in each case: {chapter: ({case: least % of
# cuBLAS bf16}, least % of the instruction's peak at the headline size, or None)}.
TENSOR_CORE_TARGETS = {
    8: ({"4096": 70, "8192": 70}, 90),
    9: ({"2048": 95, "4096": 105, "8192": 100, "16384x14336x4096": 95, "16384x4096x14336": 95}, None),
}
PROFILE_LADDER_INTRO = (
    f"Nsight Compute on one launch of every kernel of the ladder at {HEADLINE}³ (run_gpu.sh's profile phase). "
    "By the banks alone, a conflict-free shared load of at most 128 bytes takes 1 wavefront (05's loads average "
    "1.5, 06a–06e's 1); chapter 06's return-path count predicts 2 or 4 for an `LDS.128` (3 on average for 05 and "
    "06a–06e):")
PROFILE_TUNE_INTRO = (
    "Nsight Compute on the sweep's best candidate beside 06e and 06e with paired lanes (run_gpu.sh's tune "
    "phase; the return-path count predicts 3 wavefronts per shared load for 06e and 2 with paired lanes, the "
    "banks alone 1 for both):")
NO_RESULTS = ("No results recorded yet: run `benchmarks/run_gpu.sh` on a GPU "
              "(see benchmarks/README.md).\n")

PRECISIONS = ("fp32", "bf16")  # the order of the tables
# The vendor rungs' registry names: each precision's reference, the row at 100 %.
VENDORS = {"gemm": {"fp32": "cuBLAS", "bf16": "cuBLAS bf16"},
           "conv": {"fp32": "cuDNN", "bf16": "cuDNN bf16"}}
CONV_LAYOUTS = {"fp32": "fp32 NCHW", "bf16": "bf16 NHWC"}  # a conv rung's precision fixes its layout
MS_PER_UNIT = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
# What Google Benchmark appends to a benchmark's name: `/min_time:0.100`, `/manual_time`.
NAME_SUFFIX = re.compile(r".*:.*|manual_time|real_time|process_time")
NAN = float("nan")
TRAINING_SHAPE = re.compile(r"\d+x\d+x\d+")  # bench_gemm's non-square cases, "MxNxK"
RATE_PROBE = re.compile(r"mma_rate/(\d+) warps per scheduler/(\d+) chains(/|$)")  # bench_gemm's mma.sync probe
MMA_SYNC_FLOP = 2 * 16 * 8 * 16  # one mma.sync m16n8k16
RATE_PROBE_CHAPTER = 8
B_LAYOUT_CHAPTER = 9  # bench_gemm's B stored n×k (cuBLAS, 09c, 09d) is read beside fast.cu, timed in that layout

# One Google Benchmark entry. case: the GEMM size n (a string, as in the name)
# or the conv layer's name; pct: the % counter (NaN when absent); label: what
# the benchmark put in its label ("" when none); error: why it was skipped,
# or None when it ran.
Measurement = collections.namedtuple("Measurement", "rung case ms tflops pct label error")


def load_results():
    runs = []
    for path in RESULTS.glob("*.json"):
        data = json.loads(path.read_text())
        data["_file"] = path.name
        runs.append(data)
    return headline_first(runs)


def headline_first(runs):
    """The records with HEADLINE_GPU's first, then the others by file name."""
    return sorted(runs, key=lambda run: (run["context"].get("gpu") != HEADLINE_GPU, run["_file"]))


def measurements(benchmark_json, family, pct_counter):
    """The entries of one benchmark program's JSON named `<family>/<rung>/<case>`, in the order they ran."""
    found = []
    for bench in (benchmark_json or {}).get("benchmarks", []):
        if bench.get("run_type") == "aggregate":
            continue
        parts = bench["name"].split("/")
        while parts and NAME_SUFFIX.fullmatch(parts[-1]):
            parts.pop()
        if len(parts) < 3 or parts[0] != family:
            continue
        error = (bench.get("error_message") or "no reason given") if bench.get("error_occurred") else None
        ms = bench.get("real_time", NAN) * MS_PER_UNIT.get(bench.get("time_unit", "ms"), NAN)
        found.append(Measurement(rung="/".join(parts[1:-1]), case=parts[-1], ms=ms,
                                 tflops=bench.get("TFLOP/s", NAN), pct=bench.get(pct_counter, NAN),
                                 label=bench.get("label", ""), error=error))
    return found


def chapter_of(rung):
    """The chapter a rung's name starts with ("06a warp tiling" -> 6); 0 for the vendor rungs."""
    match = re.match(r"\d+", rung)
    return int(match.group()) if match else 0


def is_vendor(rung):
    return chapter_of(rung) == 0


def precision_from_label(label):
    """"fp32" or "bf16" from a benchmark's label ("bf16", "fp32 NCHW", ...); None if it names neither."""
    words = label.split()
    return words[0] if words and words[0] in PRECISIONS else None


def rung_precisions(measured):
    """{rung: "fp32" or "bf16"} for every rung measured.

    bench_gemm and bench_conv label each benchmark with its rung's precision.
    Where a label is missing (results recorded before the labels), the vendor
    rung's name says its precision ("cuBLAS bf16"), and any other rung's
    follows from its % counter: that is relative to the vendor at the rung's
    own precision, so TFLOP/s × 100 / % is exactly that vendor's TFLOP/s on
    the same case. Nothing to go on (no label, no counter): fp32.
    """
    precision = {}
    for m in measured:
        if m.rung in precision:
            continue
        if precision_from_label(m.label):
            precision[m.rung] = precision_from_label(m.label)
        elif is_vendor(m.rung):
            precision[m.rung] = "bf16" if "bf16" in m.rung else "fp32"
    vendor_tflops = [(m.case, precision[m.rung], m.tflops) for m in measured if is_vendor(m.rung) and not m.error]
    for m in measured:
        if m.rung in precision or m.error or not m.pct > 0:  # `not > 0` also catches NaN
            continue
        reference_tflops = m.tflops * 100 / m.pct
        for case, vendor_precision, tflops in vendor_tflops:
            if case == m.case and math.isclose(reference_tflops, tflops, rel_tol=1e-3):
                precision[m.rung] = vendor_precision
                break
    for m in measured:
        precision.setdefault(m.rung, "fp32")
    return precision


def in_chapter(rung, chapter):
    """Whether a chapter's block shows this rung: its own rungs and the vendors (every rung when chapter is None)."""
    return chapter is None or chapter_of(rung) in (0, chapter)


def number(value, spec):
    return "–" if value is None or value != value else format(value, spec)


def escape(text):
    return text.replace("|", "\\|")


def context_line(run):
    """The GPU, its clocks and software, the commit(s) measured (one per device call where the calls
    ran different commits), the date and the record's file."""
    c = run["context"]
    commits = c.get("commits") or [c["commit"]]
    def short(commit):  # ten hex digits, and "-dirty" where the tree had changes the commit does not hold
        return commit[:10] + ("-dirty" if commit.endswith("-dirty") else "")
    measured = (f"commit `{short(commits[0])}`" if len(commits) == 1 else
                "commits " + ", ".join(f"`{short(commit)}`" for commit in commits) + " (in the order of the calls)")
    return (f"{c['gpu']} (SM clock {c.get('sm_clock_mhz', '?')} MHz, memory clock "
            f"{c.get('memory_clock_mhz', '?')} MHz), driver {c['driver']}, CUDA {c['cuda']}, "
            f"{measured}, {c['date']}; file `benchmarks/results/{run['_file']}`, whose calls "
            "`benchmarks/results/README.md` lists")


def measurement_cell(m, relative=None):
    """A table cell for one measurement: "ms, % of the vendor" (relative: by default, for a rung that is
    not the vendor's), or why it was skipped."""
    if m is None:
        return "–"
    if m.error:
        return "skipped: " + escape(m.error)
    ms = number(m.ms, "#.3g" if m.ms < 100 else ".1f")
    relative = not is_vendor(m.rung) if relative is None else relative
    if not relative or not m.pct > 0:
        return f"{ms} ms"
    return f"{ms} ms, {m.pct:.1f} %"


# --- GEMM ---

def ladder_failures(run, key="ladder"):
    """{rung: status} for the rungs whose answer was wrong in the ladder run (`key`: "ladder" for GEMM,
    "ladder_conv" for convolution). bench_gemm and bench_conv time without checking, so the speed of a
    rung that failed its check is no speed: the tables, charts and targets leave it out."""
    return {entry.get("name"): entry["status"] for entry in (run.get(key) or {}).get("results", [])
            if str(entry.get("status", "")).startswith("FAIL")}


def gemm_rows(run):
    """{precision: {rung: {size: (ms, TFLOP/s, % of the vendor at that precision)}}}; skipped runs, and
    rungs that failed the ladder run's check, are left out."""
    measured = measurements(run.get("benchmarks"), "gemm", "pct_of_cublas")
    precision = rung_precisions(measured)
    failed = ladder_failures(run)
    rows = {}
    for m in measured:
        if m.error is None and m.case.isdigit() and m.rung not in failed:
            rows.setdefault(precision[m.rung], {}).setdefault(m.rung, {})[int(m.case)] = (m.ms, m.tflops, m.pct)
    return rows


def ladder_entries(run):
    """The ladder run's entries ({rung: entry}) and its problem, as `4096³` or `m×n×k`."""
    ladder = run.get("ladder") or {}
    problem = ladder.get("problem", {})
    m, n, k = (problem.get(axis, "?") for axis in "mnk")
    shape = f"{m}³" if m == n == k else f"{m}×{n}×{k}"
    return {entry.get("name"): entry for entry in ladder.get("results", [])}, shape


def peak_note(ladder, entries):
    """The instruction peaks (a ladder run's micro-benchmarks) that these entries' % of peak divide by; [] when none."""
    peaks = ladder.get("instruction_peaks_tflops", {})
    instructions = dict.fromkeys(entry["instruction"] for entry in entries if "instruction" in entry)
    measured = [f"{name} {peaks[name]:.1f} TFLOP/s" for name in instructions if name in peaks]
    if not measured:
        return []
    has_wgmma = any(name.startswith("wgmma") for name in instructions)
    operands = "from registers, or for wgmma from shared memory" if has_wgmma else "from registers"
    return [f"Instruction peaks on this GPU (a micro-benchmark issuing only that instruction, {operands}): "
            + "; ".join(measured) + "."]


def gemm_table(run, precision, rows, chapter):
    """One precision's table: the chapter's rungs and that precision's cuBLAS; [] when the chapter has none."""
    rungs = [rung for rung in rows if in_chapter(rung, chapter)]
    ladder, shape = ladder_entries(run)
    failed = [rung for rung, status in ladder_failures(run).items()
              if in_chapter(rung, chapter) and ladder[rung].get("precision", precision) == precision]
    if all(is_vendor(rung) for rung in rungs) and not failed:
        return []
    vendor = VENDORS["gemm"][precision]
    sizes = sorted({size for rung in rungs for size in rows[rung]})
    # Tensor-core rungs are also measured against their instruction's peak (the ladder run's micro-benchmarks).
    peak_column = any("percent_of_instruction_peak" in ladder.get(rung, {}) for rung in rungs)
    # The energy of each rung, from the same ladder run (NVML; none where the GPU has no counter).
    energy_columns = any("joules_per_gemm" in ladder.get(rung, {}) for rung in rungs)
    header = ["rung", f"ms at {HEADLINE}³", f"TFLOP/s at {HEADLINE}³"]
    if peak_column:
        header.append(f"% of instruction peak at {shape}")
    if energy_columns:
        header += [f"J/GEMM at {shape}", f"GFLOP/J at {shape}"]
    header += [f"% of {vendor} at {size}" for size in sizes]
    lines = [f"GEMM, {precision}, against {vendor}:", "",
             "| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for rung in rungs:
        ms, tflops, _ = rows[rung].get(HEADLINE, (NAN,) * 3)
        cells = [rung, number(ms, ".3f"), number(tflops, ".2f")]
        if peak_column:
            cells.append(number(ladder.get(rung, {}).get("percent_of_instruction_peak"), ".1f"))
        if energy_columns:
            cells += energy_cells(ladder.get(rung, {}), "joules_per_gemm")
        cells += [percent(rung, rows[rung], size) for size in sizes]
        lines.append("| " + " | ".join(cells) + " |")
    for rung in failed:
        lines.append(f"| {rung} | **{escape(ladder[rung]['status'])}** at {shape} (the ladder run): no speed shown | "
                     + " | ".join(["–"] * (len(header) - 2)) + " |")
    return lines + gemm_notes(run, vendor, rows, rungs, peak_column)


def two_runs_note(rows, ladder, rungs, shape):
    """Which columns come from which run, when a table joins bench_gemm's times and the ladder run's; [] when
    it shows none of the ladder run's columns."""
    columns = " and ".join(name for key, name in (("percent_of_instruction_peak", "% of instruction peak"),
                                                  ("joules_per_gemm", "J/GEMM, GFLOP/J"))
                           if any(key in ladder.get(rung, {}) for rung in rungs))
    if not columns:
        return []
    differences = [abs(ladder[rung]["median_ms"] / rows[rung][HEADLINE][0] - 1) for rung in rungs
                   if rung in ladder and "median_ms" in ladder[rung] and rows[rung].get(HEADLINE, (0,))[0] > 0]
    spread = f"; its times differ from bench_gemm's by up to {100 * max(differences):.1f} %" if differences else ""
    return [f"ms, TFLOP/s and % of cuBLAS come from bench_gemm; {columns} from the ladder run at {shape}, which "
            f"times each rung again{spread}."]


def gemm_notes(run, vendor, rows, rungs, peak_column):
    """Lines under a table: which run each column comes from, the instruction peaks its % column divides by,
    and the algorithm cuBLAS chose."""
    ladder, shape = ladder_entries(run)
    entries = [ladder[rung] for rung in rungs if rung in ladder]
    notes = two_runs_note(rows, ladder, rungs, shape)
    notes += peak_note(run.get("ladder") or {}, entries) if peak_column else []
    algorithm = ladder.get(vendor, {}).get("algorithm")
    if algorithm:
        notes.append(f"{vendor} at {shape} (the ladder run) chose: {algorithm}.")
    notes += clock_note(run, entries, shape)
    return [line for note in notes for line in ("", note)]  # a paragraph each


def energy_cells(entry, joules_key):
    """A ladder entry's joules per run and GFLOP per joule; "–" where its energy was not measured."""
    return [number(entry.get(joules_key), ".3g"), number(entry.get("gflop_per_joule"), ".1f")]


def clock_note(run, entries, shape):
    """The span of the SM clocks NVML read during these entries' energy windows, beside the peak; [] when none."""
    clocks = [entry["sm_clock_mhz_under_load"] for entry in entries if "sm_clock_mhz_under_load" in entry]
    if not clocks:
        return []
    peak = run["context"].get("sm_clock_mhz", "?")
    span = f"{min(clocks):.0f}" if min(clocks) == max(clocks) else f"{min(clocks):.0f}–{max(clocks):.0f}"
    return [f"SM clock under load (NVML, during each rung's energy window at {shape}): {span} MHz, "
            f"against a peak of {peak} MHz."]


def percent(rung, by_size, size):
    if is_vendor(rung) and size in by_size:
        return "100 (reference)"
    value = by_size[size][2] if size in by_size else NAN
    return number(value, ".1f")


def is_simt_chapter_rung(rung):
    return 1 <= chapter_of(rung) <= SIMT_LAST_CHAPTER


def any_rung(rung):
    """Every rung a sweep tried is eligible, the candidates included (their names carry no chapter)."""
    return True


def best_rung(rows, eligible=is_simt_chapter_rung):
    """The eligible rung with the highest % of cuBLAS at the headline size; None when none has one."""
    measured = [rung for rung, by_size in rows.items()
                if eligible(rung) and HEADLINE in by_size and by_size[HEADLINE][2] > 0]
    return max(measured, key=lambda rung: rows[rung][HEADLINE][2], default=None)


def simt_targets(rows, eligible=is_simt_chapter_rung):
    """Issue 3's targets, checked against the best eligible rung at the headline size; rows: fp32 rows."""
    best = best_rung(rows, eligible)
    if best is None:
        return f"SIMT targets: no SIMT rung measured against cuBLAS at {HEADLINE}³."
    headline_pct = rows[best][HEADLINE][2]
    band = {size: v[2] for size, v in rows[best].items() if TARGET_SIZES[0] <= size <= TARGET_SIZES[1] and v[2] > 0}
    worst_size = min(band, key=band.get)
    return (f"SIMT targets, best rung at {HEADLINE}³ ({best}): {headline_pct:.1f} % of cuBLAS at {HEADLINE}³ "
            f"(target ≥ {TARGET_HEADLINE_PCT} %: {verdict(headline_pct >= TARGET_HEADLINE_PCT)}); lowest from "
            f"{TARGET_SIZES[0]} to {TARGET_SIZES[1]}: {band[worst_size]:.1f} % at {worst_size}³ "
            f"(target ≥ {TARGET_BAND_PCT} %: {verdict(band[worst_size] >= TARGET_BAND_PCT)}).")


def shape_name(case):
    """bench_gemm's "16384x14336x4096" as "16384×14336×4096"."""
    return case.replace("x", "×")


def gemm_shape_table(run, chapter):
    """The bf16 rungs on bench_gemm's non-square training shapes (cases "MxNxK"), a column per
    shape, cells "ms, % of cuBLAS bf16"; [] when the run has none for the chapter."""
    failed = ladder_failures(run)
    measured = [m for m in measurements(run.get("benchmarks"), "gemm", "pct_of_cublas")
                if TRAINING_SHAPE.fullmatch(m.case) and m.rung not in failed]
    rungs = list(dict.fromkeys(m.rung for m in measured if in_chapter(m.rung, chapter)))
    if all(is_vendor(rung) for rung in rungs):
        return []
    shapes = list(dict.fromkeys(m.case for m in measured))  # in the order bench_gemm ran them
    cell = {(m.rung, m.case): m for m in measured}
    vendor = VENDORS["gemm"]["bf16"]
    lines = [f"GEMM, bf16, on shapes from transformer training, m×n×k (ms, and % of {vendor}):", "",
             "| rung | " + " | ".join(shape_name(shape) for shape in shapes) + " |", "|---|" + "---:|" * len(shapes)]
    for rung in rungs:
        lines.append(f"| {rung} | " + " | ".join(measurement_cell(cell.get((rung, shape))) for shape in shapes) + " |")
    return lines


def verdict(ok):
    return "met" if ok else "**not met**"


def tensor_core_targets(run, chapter):
    """The chapter's targets (TENSOR_CORE_TARGETS), each against the best of its bf16 rungs in that case."""
    cases, peak_target = TENSOR_CORE_TARGETS[chapter]
    failed = ladder_failures(run)
    measured = [m for m in measurements(run.get("benchmarks"), "gemm", "pct_of_cublas")
                if m.error is None and m.pct > 0 and not is_vendor(m.rung) and chapter_of(m.rung) == chapter
                and m.rung not in failed]
    parts = []
    for case, target in cases.items():
        best = max((m for m in measured if m.case == case), key=lambda m: m.pct, default=None)
        name = f"{case}³" if case.isdigit() else shape_name(case)
        parts.append(f"{name}: not measured (target ≥ {target} %)" if best is None else
                     f"{name}: {best.pct:.1f} % ({best.rung}; target ≥ {target} %: {verdict(best.pct >= target)})")
    if peak_target is not None:
        ladder, shape = ladder_entries(run)
        peaks = [(entry["percent_of_instruction_peak"], rung) for rung, entry in ladder.items()
                 if chapter_of(rung) == chapter and "percent_of_instruction_peak" in entry and rung not in failed]
        if peaks:
            pct, rung = max(peaks)
            parts.append(f"instruction peak at {shape}: {pct:.1f} % ({rung}; target ≥ {peak_target} %: "
                         f"{verdict(pct >= peak_target)})")
        else:
            parts.append(f"% of the instruction's own peak: not measured, no ladder run (target ≥ {peak_target} %)")
    return f"Chapter {chapter:02d}'s targets, best rung in each case, % of cuBLAS bf16: " + "; ".join(parts) + "."


def rate_probe_points(run):
    """bench_gemm's mma.sync rate probe: {(warps per scheduler, chains per warp): (TFLOP/s, SMs, SM clocks
    per mma.sync of a warp or NaN where the run predates that counter)}, or the reason where a point was
    skipped."""
    points = {}
    for bench in (run.get("benchmarks") or {}).get("benchmarks", []):
        match = RATE_PROBE.match(bench.get("name", ""))
        if match and bench.get("run_type") != "aggregate":
            points[int(match[1]), int(match[2])] = (
                (bench.get("error_message") or "no reason given") if bench.get("error_occurred")
                else (bench.get("TFLOP/s", NAN), bench.get("SMs", NAN), bench.get("clocks_per_mma", NAN)))
    return points


def rate_probe_table(run):
    """The probe's grid (a row per chains per warp, a column per warps per scheduler), and the latency its
    one-warp, one-chain corner implies; [] when the run has no probe."""
    points = rate_probe_points(run)
    if not points:
        return []
    warps = sorted({w for w, _ in points})
    chains = sorted({c for _, c in points})

    def cell(point):
        value = points.get(point)
        if value is None:
            return "–"
        return f"skipped: {escape(value)}" if isinstance(value, str) else number(value[0], ".1f")

    lines = ["mma.sync m16n8k16 bf16 from registers (chapter 08's rate probe, in bench_gemm), TFLOP/s by warps "
             "per scheduler and independent accumulator chains per warp:", "",
             "| chains per warp | " + " | ".join(f"{w} warp{'s' * (w > 1)} per scheduler" for w in warps) + " |",
             "|---|" + "---:|" * len(warps)]
    lines += [f"| {c} | " + " | ".join(cell((w, c)) for w in warps) + " |" for c in chains]
    corner = points.get((1, 1))
    clock_mhz = float(run.get("context", {}).get("sm_clock_mhz") or NAN)
    if isinstance(corner, tuple) and corner[2] > 0:
        lines += ["", f"With one warp per scheduler and one chain, each mma.sync waits for the one before: the "
                      f"warps' own clock counters (`clock64`) put one mma.sync every {corner[2]:.1f} SM clocks, "
                      f"the instruction's latency."]
    elif isinstance(corner, tuple) and corner[0] > 0 and clock_mhz > 0:
        tflops, sms = corner[:2]
        clocks = 4 * sms * clock_mhz * 1e6 * MMA_SYNC_FLOP / (tflops * 1e12)
        lines += ["", f"With one warp per scheduler and one chain, each mma.sync waits for the one before: "
                      f"{tflops:.1f} TFLOP/s is one mma.sync every {clocks:.1f} clocks per scheduler at the peak "
                      f"SM clock of {clock_mhz:.0f} MHz, the instruction's latency (fewer clocks if the clock "
                      f"ran lower)."]
    return lines


def b_layout_note(run):
    """bench_gemm's rungs with B stored n×k (`b_n_by_k/<rung>/<size>`: cuBLAS bf16, 09c, 09d), each size as a
    % of cuBLAS bf16 with B k × n and, for our rungs, of the rung's own speed with B k × n; "" when the run
    has none."""
    benchmarks = run.get("benchmarks")
    measured = zip(measurements(benchmarks, "b_n_by_k", "pct_of_cublas"),
                   measurements(benchmarks, "b_n_by_k", "pct_of_k_by_n"))
    by_rung = {}
    for vs_vendor, vs_own in measured:
        by_rung.setdefault(vs_vendor.rung, []).append((vs_vendor, vs_own.pct))
    if not by_rung:
        return ""
    vendor = VENDORS["gemm"]["bf16"]

    def part(m, own):
        if m.error:
            return f"{m.case}³ skipped: {escape(m.error)}"
        text = f"{m.case}³ {number(m.tflops, '.1f')} TFLOP/s, {number(m.pct, '.1f')} % of {vendor}"
        return text + (f", {number(own, '.1f')} % of its own speed" if not is_vendor(m.rung) else "")

    rungs = [f"{rung}: " + "; ".join(part(m, own) for m, own in sorted(cases, key=lambda c: int(c[0].case)))
             for rung, cases in by_rung.items()]
    return (f"With B stored n × k (k contiguous: cuBLAS's \"TN\", the layout fast.cu, the public Hopper GEMM that chapter 09 compares with, is timed in), as a % of "
            f"{vendor} with B k × n as every rung takes it, and of the rung's own speed with B k × n: "
            + "; ".join(rungs) + ". Above 100 %, cuBLAS (or a rung, in % of its own speed) is faster with B n × k.")


def gemm_tables(run, chapter=None):
    """Every precision's GEMM table for the chapter (all rungs when None), the SIMT targets under the
    fp32 one, then the training shapes' table."""
    rows = gemm_rows(run)
    tables = []
    for precision in PRECISIONS:
        lines = gemm_table(run, precision, rows.get(precision, {}), chapter)
        if lines and precision == "fp32" and chapter in (None, SIMT_LAST_CHAPTER):
            lines += ["", simt_targets(rows.get("fp32", {}))]
        if lines:
            tables.append("\n".join(lines) + "\n")
    if lines := gemm_shape_table(run, chapter):
        tables.append("\n".join(lines) + "\n")
    if tables and chapter in TENSOR_CORE_TARGETS:
        tables.append(tensor_core_targets(run, chapter) + "\n")
    if chapter in (None, RATE_PROBE_CHAPTER) and (lines := rate_probe_table(run)):
        tables.append("\n".join(lines) + "\n")
    if chapter in (None, B_LAYOUT_CHAPTER) and (note := b_layout_note(run)):
        tables.append(note + "\n")
    if not run.get("benchmarks"):  # a short run had time for the ladder only: its own table, with no sizes
        tables += ["\n".join(lines) + "\n" for precision in PRECISIONS
                   if (lines := ladder_table(run, "gemm", precision, chapter))]
    return tables


# The status of a rung left out of a run by --skip-rung: run_gpu.sh gives that flag only to a rung
# that hung (ran past --rung-timeout) or broke the CUDA context in an earlier run of its program.
HUNG_STATUS = "skipped: left out by --skip-rung"


def hung_rungs(tuning):
    """The rungs a sweep's runs left out because they hung or faulted."""
    check = tuning.get("check")
    return {entry["name"] for run in tuning.get("runs", []) + ([check] if check else [])
            for entry in run["results"] if entry["status"] == HUNG_STATUS}


def tuning_rows(tuning, precision="fp32"):
    """The record's `tuning` or `tuning_wgmma` (a sweep's timed runs, one per size, and its ragged
    correctness run) as {rung: {size: (ms, TFLOP/s, % of cuBLAS)}} at `precision`, cuBLAS left
    out, and the sorted names of the rungs that failed their check in any run, or hung or faulted
    in one (HUNG_STATUS). Those are left out of the rows at every size, since a wrong kernel's speed
    counts for nothing. A rung that did
    not run at a size (a fault before it left the GPU unusable, say) is only missing at that size."""
    rows, failed = {}, set()
    check = tuning.get("check")
    for run in tuning.get("runs", []) + ([check] if check else []):
        timed = run is not check
        for entry in run["results"]:
            if entry["precision"] != precision or entry["kind"] == "vendor":
                continue
            if entry["status"].startswith("FAIL") or entry["status"] == HUNG_STATUS:
                failed.add(entry["name"])
            elif timed and entry["status"] == "ok":
                rows.setdefault(entry["name"], {})[run["problem"]["m"]] = (
                    entry["median_ms"], entry["tflops"], entry["percent_of_cublas"])
    return {rung: by_size for rung, by_size in rows.items() if rung not in failed}, sorted(failed)


def wgmma_sweep_targets(rows):
    """Chapter 09's square targets (TENSOR_CORE_TARGETS), each against the best rung of the sweep
    at that size; rows: tuning_rows of tune_wgmma's runs."""
    parts = []
    for case, target in TENSOR_CORE_TARGETS[9][0].items():
        if not case.isdigit():
            continue  # the training shapes are bench_gemm's, not the sweep's
        size = int(case)
        at_size = {rung: by_size[size][2] for rung, by_size in rows.items() if size in by_size and by_size[size][2] > 0}
        if not at_size:
            parts.append(f"{size}³: not run (target ≥ {target} %)")
            continue
        best = max(at_size, key=at_size.get)
        parts.append(f"{size}³: {at_size[best]:.1f} % ({best}; target ≥ {target} %: "
                     f"{verdict(at_size[best] >= target)})")
    return "Chapter 09's targets, best of the sweep at each size, % of cuBLAS bf16: " + "; ".join(parts) + "."


# run_gpu.sh's tune phase runs two sweeps; each is a record key, a key of the run's summary.json
# (gpu_run.py tune), a precision, a table's title and the targets its best rungs answer to.
SWEEPS = {
    "simt": {"key": "tuning", "summary": "tune", "precision": "fp32", "vendor": VENDORS["gemm"]["fp32"],
             "title": "The SIMT tuning sweep (`benchmarks/tune_simt.cu`: chapter 06's kernel over other tile "
                      "configurations), fp32",
             "targets": lambda rows: simt_targets(rows, eligible=any_rung)},
    "wgmma": {"key": "tuning_wgmma", "summary": "tune_wgmma", "precision": "bf16", "vendor": VENDORS["gemm"]["bf16"],
              "title": "Chapter 09's sweep (`benchmarks/tune_wgmma.cu`: 09c's kernel with the chapter's ideas "
                       "combined), bf16",
              "targets": wgmma_sweep_targets},
}


def sweep_verdict(tuning, sweep):
    """(rows, failed, best rung at the headline size, the targets' sentence) of one sweep's runs."""
    rows, failed = tuning_rows(tuning, SWEEPS[sweep]["precision"])
    return rows, failed, best_rung(rows, any_rung), SWEEPS[sweep]["targets"](rows)


def tuning_table(run, sweep="simt"):
    """One tuning sweep of the record (run_gpu.sh's tune phase), best at the headline size first,
    with its targets for the best of every rung it tried."""
    tuning = run.get(SWEEPS[sweep]["key"]) or {}
    rows, failed, _, targets = sweep_verdict(tuning, sweep)
    if not rows and not failed:
        return []
    sizes = sorted(run_["problem"]["m"] for run_ in tuning.get("runs", []))
    order = HEADLINE if HEADLINE in sizes else max(sizes, default=HEADLINE)
    ranked = sorted(rows, key=lambda rung: -rows[rung].get(order, (NAN, 0, 0))[2])
    vendor = SWEEPS[sweep]["vendor"]
    header = ["rung"] + [f"TFLOP/s, % of {vendor} at {size}³" for size in sizes]
    lines = [f"{SWEEPS[sweep]['title']}, against {vendor}, best at {order}³ first:", "",
             "| " + " | ".join(header) + " |", "|---|" + "---:|" * len(sizes)]
    for rung in ranked:
        cells = [f"{rows[rung][size][1]:.1f}, {rows[rung][size][2]:.1f} %" if size in rows[rung] else "not run"
                 for size in sizes]
        lines.append("| " + " | ".join([escape(rung)] + cells) + " |")
    hung = hung_rungs(tuning)
    for rung in failed:
        why = "hung or faulted: left out" if rung in hung else "failed its check"
        lines.append("| " + " | ".join([escape(rung)] + [why] * len(sizes)) + " |")
    lines += ["", targets]
    missing = [size for size in (TARGET_SIZES[0], HEADLINE, TARGET_SIZES[1]) if size not in sizes]
    if missing:
        lines[-1] += (" The sweep has no run at " + ", ".join(f"{size}³" for size in missing) +
                      ": the targets are checked on the sizes it has.")
    return ["\n".join(lines) + "\n"]


# --- Nsight Compute ---

def profile_table(run, key, intro):
    """The record's profile[key] (Nsight Compute's metrics per launch, benchmarks/ncu_metrics.py) as a table."""
    launches = (run.get("profile") or {}).get(key)
    if not launches:
        return []
    stalls = ncu_metrics.stall_table(launches)
    return [intro + "\n\n" + ncu_metrics.evidence_table(launches)
            + (f"\nWhere the warps waited (the stall pass):\n\n{stalls}" if stalls else "")]


def relative_link(path, page_dir):
    """`path` as a Markdown link target from a page in `page_dir`."""
    return pathlib.Path(os.path.relpath(path, page_dir)).as_posix()


def nsight_note(run):
    """For a lesson that quotes Nsight Compute: where its figures can be checked. record.py keeps a
    run's reports beside its record (<gpu>.ncu.txt, <gpu>.ncu-tune.txt) and names them in its
    profile_reports; a run recorded before it did (the H200's first) has only the metrics
    ncu_metrics.py took from them. The reports are named by their path, not linked: the
    documentation site does not carry them, and a link there would lead nowhere."""
    profile = run.get("profile") or {}
    if not profile:
        return []
    kept = [RESULTS / name for name in run.get("profile_reports") or []]
    if kept:
        links = " and ".join(f"`{path.relative_to(ROOT).as_posix()}`" for path in kept)
        return [f"The Nsight Compute figures this lesson quotes come from this run's reports, kept beside "
                f"the record: {links}.\n"]
    metrics = {name for launches in profile.values() for launch in launches or [] for name in launch["metrics"]}
    return [f"Nsight Compute: this run's record keeps {len(metrics)} metrics per kernel (the profile tables of "
            "`docs/results.md`), not the reports they came from. Every other profiler figure this lesson quotes "
            "(memory throughputs, achieved warps, instructions issued per clock, cycles between issues, the "
            "other stall reasons) was read from those reports in the session that ran them, and cannot be "
            "checked against the record; the next GPU run keeps its reports.\n"]


# --- Convolution ---

PYTORCH_CONV = "PyTorch conv2d"


def pytorch_conv_cells(pytorch, precision, vendor_ms):
    """{layer: Measurement} of PyTorch's conv2d in this precision (pytorch_conv.py's results), its % taken
    against our cuDNN row's time on the same layer; {} for a record without them."""
    cells = {}
    for entry in (pytorch or {}).get("results", []):
        if precision_from_label(entry.get("precision", "")) != precision:
            continue
        layer, ms = entry["layer"], entry.get("ms")
        error = None if entry.get("status") == "ok" else entry.get("status", "not run")
        pct = 100.0 * vendor_ms[layer] / ms if ms and vendor_ms.get(layer) else NAN
        cells[layer] = Measurement(PYTORCH_CONV, layer, ms or NAN, entry.get("tflops", NAN), pct, "", error)
    return cells


def conv_table(precision, measured, precision_of, chapter, pytorch=None, failed=None):
    """One precision's table: a row per rung (the chapter's and cuDNN, then PyTorch's conv2d beside cuDNN when
    the record has it), a column per layer, cells "ms, % of cuDNN"; a rung in `failed` ({rung: status}, from
    the conv ladder run's check) shows its status instead of a speed."""
    failed = failed or {}
    mine = [m for m in measured if precision_of[m.rung] == precision]
    rungs = list(dict.fromkeys(m.rung for m in mine if in_chapter(m.rung, chapter)))
    if all(is_vendor(rung) for rung in rungs):
        return []
    layers = list(dict.fromkeys(m.case for m in mine))  # in the order bench_conv ran them
    cell = {(m.rung, m.case): m for m in mine}
    vendor = VENDORS["conv"][precision]
    torch_cells = pytorch_conv_cells(pytorch, precision, {m.case: m.ms for m in mine
                                                          if is_vendor(m.rung) and not m.error})
    lines = [f"Convolution, {CONV_LAYOUTS[precision]}, against {vendor} (ms, and % of {vendor}, per layer):", "",
             "| rung | " + " | ".join(layers) + " |", "|---|" + "---:|" * len(layers)]
    for rung in rungs:
        if rung in failed:
            cells = [f"**{escape(failed[rung])}** (the chapter program's checked run): no speed shown"]
            lines.append(f"| {rung} | " + " | ".join(cells + ["–"] * (len(layers) - 1)) + " |")
            continue
        lines.append(f"| {rung} | " + " | ".join(measurement_cell(cell.get((rung, layer))) for layer in layers) + " |")
        if is_vendor(rung) and torch_cells:
            lines.append(f"| {PYTORCH_CONV} | " + " | ".join(measurement_cell(torch_cells.get(layer), relative=True)
                                                             for layer in layers) + " |")
    notes = []
    # bench_conv labels cuDNN's benchmarks "<precision>; <the algorithm it chose>" (records before that: none).
    chosen = [f"{m.case}: {m.label.split('; ', 1)[1]}" for m in mine if is_vendor(m.rung) and "; " in m.label]
    if chosen:
        notes.append(f"{vendor} chose, per layer: " + "; ".join(chosen) + ".")
    if torch_cells:
        notes.append(f"{PYTORCH_CONV} is PyTorch {pytorch.get('pytorch_version', '?')} with cuDNN "
                     f"{pytorch.get('cudnn_version', '?')} (`benchmarks/pytorch_conv.py`): the same library "
                     "through its graph API, with `torch.backends.cudnn.benchmark` timing the engines that API "
                     f"offers, a second opinion on the {vendor} row. Above 100 % means PyTorch's call took less "
                     "GPU time: a faster engine than `cudnnFind` found, or, in a record made before `time_on_gpu` "
                     "held the stream, host time the cuDNN row counted (chapter 13's lesson). A faster engine may "
                     "be one our baseline refuses: the cuDNN rungs "
                     "leave out FFT and Winograd, which compute in a transformed domain (FFT_TILING missed the fp32 "
                     "tolerance on the H200: `benchmarks/results/README.md`), and PyTorch's fp32 output is not "
                     "checked. Where PyTorch's engine is not one of those, or the row counted host time, our rungs' "
                     f"% of {vendor} on that layer flatters them.")
    return lines + [line for note in notes for line in ("", note)]


# For each kind of ladder: its record key, and the keys of its % column and energy in a chapter program's --json, and
# the energy column's name.
LADDER_KEYS = {"gemm": ("ladder", "percent_of_cublas", "joules_per_gemm", "J/GEMM"),
               "conv": ("ladder_conv", "percent_of_cudnn", "joules_per_conv", "J/conv")}


def ladder_table(run, kind, precision, chapter):
    """One precision's rungs in the last GEMM or conv chapter's own run on its problem (the record's `ladder`
    or `ladder_conv`), with the % of the instruction's peak and the energy; [] without it. The conv pages show
    it beside bench_conv's tables; the GEMM pages only for a record without bench_gemm's (a short run)."""
    record_key, percent_key, joules_key, joules_header = LADDER_KEYS[kind]
    ladder = run.get(record_key) or {}
    entries = [entry for entry in ladder.get("results", []) if in_chapter(entry.get("name", ""), chapter)
               and precision_from_label(entry.get("precision", "")) == precision]
    if all(is_vendor(entry["name"]) for entry in entries):
        return []
    vendor = VENDORS[kind][precision]
    if kind == "conv":
        problem = ladder.get("problem", {}).get("layer") or "its layer"
        title = f"Convolution on {problem}, {CONV_LAYOUTS[precision]}"
    else:
        _, problem = ladder_entries(run)
        title = f"GEMM at {problem}, {precision}"
    peak_column = any("percent_of_instruction_peak" in entry for entry in entries)
    energy_columns = any(joules_key in entry for entry in entries)
    header = ["rung", "ms", "TFLOP/s", f"% of {vendor}"]
    if peak_column:
        header.append("% of instruction peak")
    if energy_columns:
        header += [joules_header, "GFLOP/J"]
    extras = [words for words, shown in (("each rung's energy", energy_columns),
                                         ("% of its instruction's peak", peak_column)) if shown]
    with_extras = f", with {' and '.join(extras)}" if extras else ""
    lines = [f"{title}: the ladder program's run (`{ladder.get('program', '?')}`, every rung so far){with_extras}:", "",
             "| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for entry in entries:
        if "median_ms" not in entry or entry.get("status", "").startswith("FAIL"):  # a wrong rung has no speed
            cells = [escape(entry.get("status", "not run"))] + ["–"] * (len(header) - 2)
        else:
            cells = [number(entry["median_ms"], ".3f"), number(entry["tflops"], ".2f"),
                     number(entry.get(percent_key), ".1f")]
            if peak_column:
                cells.append(number(entry.get("percent_of_instruction_peak"), ".1f"))
            if energy_columns:
                cells += energy_cells(entry, joules_key)
        lines.append(f"| {entry['name']} | " + " | ".join(cells) + " |")
    notes = peak_note(ladder, entries) if peak_column else []
    notes += clock_note(run, entries, problem)
    return lines + [line for note in notes for line in ("", note)]


def conv_tables(run, chapter=None):
    """Every precision's conv tables for the chapter (all rungs when None): bench_conv's over the named
    layers, then the chapter program's run on one layer; [] for a run without conv results."""
    measured = measurements(run.get("conv_benchmarks"), "conv", "pct_of_cudnn")
    precision_of = rung_precisions(measured)
    tables = ["\n".join(lines) + "\n" for precision in PRECISIONS
              if (lines := conv_table(precision, measured, precision_of, chapter, run.get("conv_pytorch"),
                                      ladder_failures(run, "ladder_conv")))]
    if tables:
        tables[-1] += ("\nThe layers are `bench_conv`'s named layers; a conv chapter's `--list` "
                       "(e.g. `build/bin/ch10_direct_conv --list`) gives their sizes.\n")
    return tables + ["\n".join(lines) + "\n" for precision in PRECISIONS
                     if (lines := ladder_table(run, "conv", precision, chapter))]


# --- Chapter 14: the CNN beside PyTorch (pytorch_lenet.py's JSON, record.py's "cnn") ---

CNN_SPEEDUP_TARGET = 1.5  # the project's epoch at least this many times faster than PyTorch's eager loop
CNN_BF16_POINTS = 0.3     # bf16's test accuracy within this many points of fp32's


def best_epoch_seconds(record):
    return min(epoch["seconds"] for epoch in record["epochs"])


def data_name(run):
    """What a chapter 14 run trained on, from its --json's "data": Fashion-MNIST, generated digits or
    (any other IDX folder of digits) MNIST."""
    data = str(run.get("data", ""))
    if "fashion" in data.lower():
        return "Fashion-MNIST"
    return "generated digits" if "synthetic" in data.lower() else "MNIST"


def time_to_target(run):
    """"time to 90 % test accuracy on Fashion-MNIST: ..." for one chapter 14 run."""
    target, seconds, epochs = run.get("target_accuracy", 0), run.get("seconds_to_target"), run["epochs"]
    reached = next((e for e, epoch in enumerate(epochs, 1) if epoch.get("test_accuracy", 0) >= target), None)
    text = (f"{seconds:.2f} s of training (epoch {reached} of {len(epochs)})" if seconds is not None and reached
            else f"not reached in {len(epochs)} epochs")
    return f"time to {100 * target:.0f} % test accuracy on {data_name(run)}: {text}"


def times_to_target(cnn):
    """The time to target of the longer run when the record has one (else of the compared run), and
    of the run on MNIST itself when the device kit brought it."""
    runs = [cnn.get("to_target") or cnn["ours"], cnn.get("to_target_mnist")]
    return [time_to_target(run) for run in runs if run]


def cnn_tables(run):
    """Chapter 14's tables: each training run's epoch against PyTorch's, where a step's time goes,
    and the targets; [] for a run without chapter 14 results."""
    cnn = run.get("cnn")
    if not cnn:
        return []
    ours = cnn["ours"]
    images = ours["train_images"]
    eager = cnn.get("modes", {}).get("eager fp32", {})
    eager_seconds = best_epoch_seconds(eager) if eager.get("epochs") else NAN

    def line(name, seconds, loss, accuracy, note=""):
        speed = eager_seconds / seconds if seconds and not math.isnan(eager_seconds) else NAN
        rate = images / seconds if seconds else NAN
        return (f"| {escape(name)} | {number(seconds, '.3f')} | {number(rate, ',.0f')} | {number(speed, '.2f')}"
                f" | {number(loss, '.4f')} | {number(100 * accuracy, '.2f')} | {escape(note)} |")

    rows = [line("project, fp32", best_epoch_seconds(ours), ours["epochs"][0]["loss"], ours["test_accuracy"],
                 "CUDA graph " + ours.get("cuda_graph", "?"))]
    for key, name in (("no_graph", "project, fp32, --no-graph"), ("bf16", "project, --precision bf16")):
        if cnn.get(key):
            r = cnn[key]
            rows.append(line(name, best_epoch_seconds(r), r["epochs"][0]["loss"], r["test_accuracy"]))
    for mode, r in cnn.get("modes", {}).items():
        if "error" in r:
            rows.append(f"| PyTorch {escape(mode)} | - | - | - | - | - | {escape(r['error'][:80])} |")
        else:
            rows.append(line(f"PyTorch {mode}", best_epoch_seconds(r), r["epochs"][0]["loss"], r["test_accuracy"]))
    table = ["| run | epoch s (best) | images/s | × PyTorch eager fp32 | epoch-1 loss | test accuracy % | note |",
             "|---|---:|---:|---:|---:|---:|---|"] + rows
    runs = {"project, fp32": ours} | {name: cnn[key] for key, name in (("no_graph", "--no-graph"), ("bf16", "bf16"))
                                      if cnn.get(key)}
    runs |= {f"PyTorch {mode}": r for mode, r in cnn.get("modes", {}).items() if r.get("epochs")}
    counts = {name: len(r["epochs"]) for name, r in runs.items()}
    of = (f"of {counts['project, fp32']}" if len(set(counts.values())) == 1 else
          "(epochs run: " + ", ".join(f"{name} {count}" for name, count in counts.items()) + ")")
    text = [f"One epoch of {images:,} images, batch {ours['batch']}, {ours['optimizer']}, on "
            f"{escape(ours['device'])}; each run's best epoch {of}:\n", "\n".join(table) + "\n"]

    parts = []
    if not math.isnan(eager_seconds):
        speedup = eager_seconds / best_epoch_seconds(ours)
        parts.append(f"{speedup:.2f}× PyTorch's eager loop (target ≥ {CNN_SPEEDUP_TARGET}: "
                     f"{verdict(speedup >= CNN_SPEEDUP_TARGET)})")
    if "same_batches_worst_relative_loss_difference" in cnn:
        parts.append(f"the first 10 batch losses agree with PyTorch's to "
                     f"{cnn['same_batches_worst_relative_loss_difference']:.1e}")
    if cnn.get("bf16"):
        points = 100 * (cnn["bf16"]["test_accuracy"] - ours["test_accuracy"])
        parts.append(f"bf16 test accuracy {points:+.2f} points from fp32's (target within {CNN_BF16_POINTS}: "
                     f"{verdict(abs(points) <= CNN_BF16_POINTS)})")
    parts += times_to_target(cnn)
    inference = ours.get("inference", {})
    if inference:
        parts.append(f"inference {inference['images_per_second']:,.0f} images/s, "
                     f"{inference['batch1_milliseconds']:.3f} ms for one image")
    if ours["epochs"] and "joules" in ours["epochs"][0]:
        parts.append(f"{min(e['joules'] for e in ours['epochs']):.1f} J per epoch")
    text.append("Chapter 14's measures: " + "; ".join(parts) + ".\n")

    layer_times = cnn.get("layer_times") or []
    if layer_times:
        step = sum(t["milliseconds_per_step"] for t in layer_times)
        lines = ["| part of a step | ms | % of the step |", "|---|---:|---:|"]
        lines += [f"| {escape(t['name'])} | {t['milliseconds_per_step']:.4f} | "
                  f"{100 * t['milliseconds_per_step'] / step:.1f} |" for t in layer_times]
        text.append("Where a training step's GPU time goes (`--layer-times`, CUDA events, mean over "
                    f"{layer_times[0]['steps']} steps):\n\n" + "\n".join(lines) + "\n")
    return text


# --- Pages ---

def truncation_note(run):
    """" bench_gemm stopped at its time limit: ..." when record.py read a benchmark JSON cut short; "" else."""
    cut = [program for key, program in (("benchmarks", "bench_gemm"), ("conv_benchmarks", "bench_conv"))
           if (run.get(key) or {}).get("truncated")]
    if not cut:
        return ""
    return (f" {' and '.join(cut)} stopped at {'its' if len(cut) == 1 else 'their'} time limit: what "
            f"{'it' if len(cut) == 1 else 'they'} had not reached shows –.")


def render_block(runs, args, page_dir=ROOT):
    """A block's text: each run's tables for the block's chapter (every rung without one), or NO_RESULTS."""
    match = re.search(r"chapter=(\d+)", args)
    chapter = int(match.group(1)) if match else None
    sections = []
    for run in runs:
        tables = cnn_tables(run) if chapter == 14 else gemm_tables(run, chapter) + conv_tables(run, chapter)
        if chapter == SIMT_LAST_CHAPTER:
            tables += tuning_table(run, "simt")
            tables += profile_table(run, "tune", PROFILE_TUNE_INTRO)
        if chapter == 9:
            tables += tuning_table(run, "wgmma")
        if "profile" in args.split():
            tables += profile_table(run, "ladder", PROFILE_LADDER_INTRO)
        if "nsight" in args.split():
            tables += nsight_note(run)
        if tables:
            sections.append(f"Measured on {context_line(run)}.{truncation_note(run)}\n\n" + "\n".join(tables))
    if not sections:
        return NO_RESULTS
    text = "\n".join(sections)
    if "chart" in args.split():
        relative = lambda path: relative_link(path, page_dir)  # noqa: E731
        text += f"\n![% of cuBLAS at the same precision, per rung at {HEADLINE}³]({relative(CHART)})\n"
        text += f"\n![% of cuBLAS per rung and size]({relative(SIZES_CHART)})\n"
        text += (f"\n![Roofline: each rung at each size, by the GEMM's arithmetic intensity]"
                 f"({relative(ROOFLINE_CHART)})\n\nThe roofline places every size n of a rung at the GEMM's "
                 "own arithmetic intensity, 2n³ FLOP over the 3n² elements it must move at least once "
                 "(what a perfect cache would leave), under the ceilings this run measured: the copy "
                 "bandwidth, and cuBLAS at each precision.\n")
    return text


def rewrite(path, runs, check):
    text = path.read_text()
    updated = BLOCK.sub(lambda m: m.group(1) + render_block(runs, m.group("args"), path.parent) + m.group(4), text)
    if updated == text:
        return True
    if check:
        print(f"{path.relative_to(ROOT)}: results block is stale; run python3 benchmarks/report.py", file=sys.stderr)
        return False
    write_atomically(path, updated)
    return True


def draw_chart(runs):
    """% of cuBLAS at the headline size, one panel per precision (each against its own cuBLAS), first run's GPU."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: chart not drawn (pip install matplotlib)", file=sys.stderr)
        return
    run = runs[0]
    rows = gemm_rows(run)
    panels = []  # (precision, [(rung, % of that precision's cuBLAS)])
    for precision in PRECISIONS:
        bars = [(rung, by_size[HEADLINE][2]) for rung, by_size in rows.get(precision, {}).items()
                if HEADLINE in by_size and by_size[HEADLINE][2] > 0]
        if any(not is_vendor(rung) for rung, _ in bars):
            panels.append((precision, bars))
    if not panels:
        return
    heights = [len(bars) for _, bars in panels]
    fig, axes = plt.subplots(len(panels), 1, squeeze=False, figsize=(8, 0.45 * sum(heights) + 1.5 * len(panels)),
                             gridspec_kw={"height_ratios": heights})
    for ax, (precision, bars) in zip(axes[:, 0], panels):
        names, pcts = [name for name, _ in bars][::-1], [pct for _, pct in bars][::-1]
        ax.barh(names, pcts, color="#4878a8" if precision == "fp32" else "#c07830")
        ax.set_xlabel(f"% of {VENDORS['gemm'][precision]} at {HEADLINE}³ ({precision})")
        for y, pct in enumerate(pcts):
            ax.text(pct + 1, y, f"{pct:.1f}%", va="center")
    fig.suptitle(f"The ladder on {run['context']['gpu']}")
    fig.tight_layout()
    save_figure_atomically(fig, CHART, dpi=110)


def pyplot():
    """matplotlib's pyplot, without a display; None (said once) when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        print("matplotlib not installed: charts not drawn (apt-get install python3-matplotlib)", file=sys.stderr)
        return None


def draw_sizes_chart(runs, plt, path=SIZES_CHART):
    """% of the vendor library at each size, one line per rung, one panel per precision (first run's GPU)."""
    rows = gemm_rows(runs[0])
    panels = [(precision, {rung: by_size for rung, by_size in rows[precision].items() if not is_vendor(rung)})
              for precision in PRECISIONS if precision in rows]
    panels = [(precision, lines) for precision, lines in panels if lines]
    if not panels:
        return False
    fig, axes = plt.subplots(1, len(panels), squeeze=False, figsize=(6.5 * len(panels), 5))
    for ax, (precision, lines) in zip(axes[0], panels):
        for rung, by_size in lines.items():
            sizes = sorted(size for size in by_size if by_size[size][2] > 0)
            ax.plot(sizes, [by_size[size][2] for size in sizes], marker="o", label=rung)
        ax.set_xscale("log", base=2)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("n (an n × n × n GEMM)")
        ax.set_ylabel(f"% of {VENDORS['gemm'][precision]}")
        ax.set_title(precision)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"The ladder at every size, on {runs[0]['context']['gpu']}")
    fig.tight_layout()
    save_figure_atomically(fig, path, dpi=110)
    return True


def roofline_points(run):
    """{precision: {rung: [(FLOP per byte, TFLOP/s)]}}: each size n at the GEMM's own intensity, 2n³ / (3n² × bytes)."""
    points = {}
    for precision, rungs in gemm_rows(run).items():
        for rung, by_size in rungs.items():
            points.setdefault(precision, {})[rung] = [
                (2 * n / (3 * ELEMENT_BYTES[precision]), tflops) for n, (_, tflops, _) in sorted(by_size.items())]
    return points


def draw_roofline(runs, plt, path=ROOFLINE_CHART):
    """The rungs under the measured ceilings: copy bandwidth (the slope) and cuBLAS at each precision (flat)."""
    run = runs[0]
    ceilings = (run.get("ladder") or {}).get("ceilings", {})
    bandwidth = ceilings.get("copy_bandwidth_gbs", 0) / 1e3  # TB/s: TFLOP/s per FLOP/byte
    points = roofline_points(run)
    if not points or bandwidth <= 0:
        return False
    fig, ax = plt.subplots(figsize=(8, 5.5))
    roofs = {"fp32": ceilings.get("cublas_tflops", 0), "bf16": ceilings.get("cublas_bf16_tflops", 0)}
    roofs = {precision: roof for precision, roof in roofs.items() if roof > 0 and precision in points}
    intensities = [x for rungs in points.values() for line in rungs.values() for x, _ in line]
    ridges = [roof / bandwidth for roof in roofs.values()]  # where the slope meets each flat roof
    low, high = min(intensities + ridges) / 4, max(intensities) * 4
    span = [low * (high / low) ** (i / 200) for i in range(201)]
    for precision, roof in roofs.items():  # each roof: the bandwidth slope, then cuBLAS's throughput
        ax.plot(span, [min(bandwidth * x, roof) for x in span], color="gray", linestyle="--")
        ax.text(high, roof * 1.08, f"cuBLAS {precision}: {roof:.0f} TFLOP/s", fontsize=8, color="gray", ha="right")
    ax.text(low * 1.1, bandwidth * low * 1.6, f"copy bandwidth {bandwidth:.2f} TB/s", fontsize=8, color="gray",
            rotation=28)
    for precision, rungs in points.items():
        for rung, line in rungs.items():
            if not is_vendor(rung):
                ax.plot([x for x, _ in line], [y for _, y in line], marker="o" if precision == "fp32" else "s",
                        label=f"{rung} ({precision})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP per byte of A, B and C, each moved once)")
    ax.set_ylabel("TFLOP/s")
    ax.set_title(f"Roofline on {run['context']['gpu']}")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    save_figure_atomically(fig, path, dpi=110)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a results block is stale; change nothing")
    args = parser.parse_args()
    runs = load_results()
    pages = [ROOT / "README.md", ROOT / "docs" / "results.md"] + sorted(ROOT.glob("chapters/*/README.md"))
    ok = all([rewrite(page, runs, args.check) for page in pages if page.exists()])
    if not args.check and runs:
        draw_chart(runs)
        if plt := pyplot():
            draw_sizes_chart(runs, plt)
            draw_roofline(runs, plt)
    print(f"report: {len(runs)} result file(s), {len(pages)} pages {'checked' if args.check else 'written'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
