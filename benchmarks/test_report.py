#!/usr/bin/env python3
"""CPU tests of the recording pipeline (record.py -> results JSON -> report.py tables),
on synthetic Google Benchmark output, so the first GPU run cannot fail in it.

The synthetic runs have what a real one has: fp32 and bf16 GEMM rungs (each
measured against cuBLAS at its own precision), the ladder JSON's per-rung
precision, instruction peaks and cuBLAS bf16's algorithm, bench_conv's
fp32 NCHW and bf16 NHWC rungs with cuDNN, one of them skipped, and the conv
chapter program's own run on one layer, with its energy and % of peak.

    python3 benchmarks/test_report.py      # also run by CTest (record_and_report_pipeline)
"""
import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import report  # noqa: E402

# Google Benchmark appends these to the names of bench_gemm's and bench_conv's benchmarks.
SUFFIX = "/min_time:0.100/manual_time"
CONSTANT_MEMORY_LIMIT = "holds at most 16384 filter weights (K*C*R*S = 147456)"


def bench_entry(name, flops, ms, vendor_ms=None, label=None, error=None):
    """One Google Benchmark entry as bench_gemm/bench_conv write it; % counter from the vendor's time."""
    entry = {"name": name + SUFFIX, "run_name": name + SUFFIX, "run_type": "iteration", "time_unit": "ms"}
    if error:  # what SkipWithError leaves: no time, no counters
        entry.update({"error_occurred": True, "error_message": error, "iterations": 0, "real_time": 0.0})
    else:
        entry.update({"real_time": ms, "TFLOP/s": flops / (ms * 1e-3) / 1e12})
    if vendor_ms is not None and not error:
        entry["pct_of_cudnn" if name.startswith("conv/") else "pct_of_cublas"] = 100 * vendor_ms / ms
    if label:
        entry["label"] = label
    return entry


def gemm_entry(rung, size, ms, vendor_ms=None, **kwargs):
    return bench_entry(f"gemm/{rung}/{size}", 2 * size**3, ms, vendor_ms, **kwargs)


def gemm_bench(simt_pct_by_size, labels=False):
    """bench_gemm's JSON: cuBLAS and cuBLAS bf16 first at each size, then fp32 and bf16 rungs.

    07b runs at 50 % of cuBLAS bf16, which is 400 % of cuBLAS fp32: a table
    that compared it with the wrong cuBLAS would show it.
    """
    label = (lambda precision: precision) if labels else (lambda precision: None)
    benches = []
    for size, pct in simt_pct_by_size.items():
        fp32_ms, bf16_ms = 2.0 * (size / 4096) ** 3, 0.25 * (size / 4096) ** 3
        benches += [
            gemm_entry("cuBLAS", size, fp32_ms, fp32_ms, label=label("fp32")),
            gemm_entry("cuBLAS bf16", size, bf16_ms, bf16_ms, label=label("bf16")),
            gemm_entry("01 naive", size, fp32_ms * 30, fp32_ms, label=label("fp32")),
            gemm_entry("06a warp tiling 128x128x8", size, fp32_ms * 100 / pct, fp32_ms, label=label("fp32")),
            gemm_entry("07b wmma, shared-memory block tiles", size, bf16_ms * 2, bf16_ms, label=label("bf16")),
            gemm_entry("08c cp.async 4-stage pipeline", size, bf16_ms * 1.25, bf16_ms, label=label("bf16")),
        ]
    benches.append(gemm_entry("05 vectorized", 257, None, error="needs 16-byte aligned pointers"))
    for m, n, k in ((16384, 14336, 4096), (16384, 4096, 14336)):  # the training shapes: bf16 rungs only
        vendor_ms = 2 * m * n * k / 700e12 * 1e3
        shape = lambda rung, ms, **kwargs: bench_entry(f"gemm/{rung}/{m}x{n}x{k}", 2 * m * n * k, ms, vendor_ms,
                                                      label=label("bf16"), **kwargs)
        benches += [shape("cuBLAS bf16", vendor_ms), shape("08c cp.async 4-stage pipeline", vendor_ms / 0.8)]
    benches.append(bench_entry("gemm/09a TMA + wgmma/16384x14336x4096", 1, None,
                               error="runs on compute capability 9.0 only"))
    return {"context": {"executable": "bench_gemm"}, "benchmarks": benches}


def ladder_json():
    """The last GEMM chapter's --json at 4096³ (common/gemm/runner.cu to_json), with the bf16 fields."""
    def rung(name, chapter, kind, precision, ms, pct, **extra):
        return dict({"name": name, "chapter": chapter, "kind": kind, "precision": precision, "status": "ok",
                     "median_ms": ms, "tflops": 2 * 4096**3 / (ms * 1e-3) / 1e12, "percent_of_cublas": pct}, **extra)
    mma = "mma.sync m16n8k16 bf16"
    wmma = "wmma m16n16k16 bf16"
    return {"program": "ch08_mma_sync_gemm",
            "device": {"name": "NVIDIA H200", "runtime_cuda": "13.0"},
            "ceilings": {"copy_bandwidth_gbs": 4000.0, "cublas_tflops": 51.0, "cublas_bf16_tflops": 600.0,
                         "cublas_size": 4096},
            "instruction_peaks_tflops": {mma: 700.0, wmma: 680.0},
            "problem": {"m": 4096, "n": 4096, "k": 4096},
            "results": [
                rung("cuBLAS", 0, "vendor", "fp32", 2.0, 100.0),
                rung("06a warp tiling 128x128x8", 6, "chapter", "fp32", 2.1, 95.2),
                rung("cuBLAS bf16", 0, "vendor", "bf16", 0.25, 100.0,
                     algorithm="cuBLASLt algo 66, tile 128x256x64, 4 stages, split-k 1"),
                rung("07b wmma, shared-memory block tiles", 7, "chapter", "bf16", 0.5, 50.0, instruction=wmma,
                     percent_of_instruction_peak=40.4, sm_clock_mhz_under_load=1755.0),
                rung("08c cp.async 4-stage pipeline", 8, "chapter", "bf16", 0.31, 80.6, instruction=mma,
                     percent_of_instruction_peak=63.3, sm_clock_mhz_under_load=1620.0),
            ]}


def conv_bench(labels=True):
    """bench_conv's JSON: layer-major, cuDNN and cuDNN bf16 first within a layer; 10b skipped on the big layer.

    12a (a bf16 NHWC rung) runs at 50 % of cuDNN bf16, which is far from any % of cuDNN fp32.
    """
    layers = {"lenet-conv1": (2 * 32 * 6 * 28 * 28 * 25, 0.010),  # {layer: (FLOP, cuDNN's ms)}
              "resnet50-3x3-28": (2 * 32 * 128 * 28**2 * 128 * 9, 0.8)}
    label = (lambda layout: layout) if labels else (lambda layout: None)
    benches = []
    for layer, (flops, cudnn_ms) in layers.items():
        bf16_ms = cudnn_ms / 8
        conv = lambda rung, ms, vendor_ms, layout, **kwargs: bench_entry(
            f"conv/{rung}/{layer}", flops, ms, vendor_ms, label=label(layout), **kwargs)
        benches += [conv("cuDNN", cudnn_ms, cudnn_ms, "fp32 NCHW"),
                    conv("cuDNN bf16", bf16_ms, bf16_ms, "bf16 NHWC"),
                    conv("10a direct", cudnn_ms * 4, cudnn_ms, "fp32 NCHW")]
        if layer == "lenet-conv1":
            benches.append(conv("10b direct, constant-memory filter", cudnn_ms * 2, cudnn_ms, "fp32 NCHW"))
        else:
            benches.append(conv("10b direct, constant-memory filter", None, None, "fp32 NCHW",
                                error=CONSTANT_MEMORY_LIMIT))
        benches.append(conv("12a im2col, mma.sync", bf16_ms * 2, bf16_ms, "bf16 NHWC"))
    return {"context": {"executable": "bench_conv"}, "benchmarks": benches}


def ladder_conv_json():
    """The last conv chapter's --json on its default layer (common/conv/runner.cu to_json): 10b skipped,
    12a with its instruction's peak and both tensor-core rungs with their energy."""
    flops = 2 * 32 * 128 * 28**2 * 128 * 9
    mma = "mma.sync m16n8k16 bf16"

    def rung(name, chapter, kind, precision, ms, pct, **extra):
        return dict({"name": name, "chapter": chapter, "kind": kind, "precision": precision, "status": "ok",
                     "median_ms": ms, "tflops": flops / (ms * 1e-3) / 1e12, "percent_of_cudnn": pct}, **extra)
    return {"program": "ch13_implicit_gemm_conv", "device": {"name": "NVIDIA H200", "compute_capability": 90},
            "problem": {"layer": "resnet50-3x3-28", "n": 32, "c": 128, "h": 28, "w": 28, "k": 128, "r": 3, "s": 3,
                        "stride": 1, "padding": 1, "flops": flops},
            "instruction_peaks_tflops": {mma: 700.0},
            "results": [
                rung("cuDNN", 0, "vendor", "fp32 NCHW", 0.8, 100.0, joules_per_conv=0.4, gflop_per_joule=18.5),
                rung("10a direct", 10, "chapter", "fp32 NCHW", 3.2, 25.0, joules_per_conv=1.6,
                     gflop_per_joule=4.62),
                {"name": "10b direct, constant-memory filter", "chapter": 10, "kind": "chapter",
                 "precision": "fp32 NCHW", "status": f"skipped: {CONSTANT_MEMORY_LIMIT}"},
                rung("cuDNN bf16", 0, "vendor", "bf16 NHWC", 0.1, 100.0),
                rung("12a im2col, mma.sync", 12, "chapter", "bf16 NHWC", 0.2, 50.0, instruction=mma,
                     percent_of_instruction_peak=10.6, joules_per_conv=0.0406, gflop_per_joule=182.2,
                     sm_clock_mhz_under_load=1710.0),
            ]}


def synthetic_run(simt_pct_by_size, labels=False, with_conv=True, with_ladder=True):
    """A results file as record.py writes it (plus the file name report.py adds)."""
    return {"context": {"gpu": "NVIDIA H200", "driver": "1", "cuda": "13.0", "commit": "0123456789abcdef",
                        "date": "2026-11-21"},
            "benchmarks": gemm_bench(simt_pct_by_size, labels),
            "conv_benchmarks": conv_bench(labels) if with_conv else None,
            "ladder": ladder_json() if with_ladder else None, "_file": "NVIDIA_H200.json"}


def table_of(text, heading):
    """The lines of the table under a heading line that starts with `heading`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    table = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return table


def row(table, rung):
    return next(line for line in table if line.startswith(f"| {rung} |"))


class GemmReportTest(unittest.TestCase):
    def test_rows_parse_manual_time_names_and_skip_errors(self):
        rows = report.gemm_rows(synthetic_run({4096: 96.0}))
        self.assertEqual(set(rows["fp32"]), {"cuBLAS", "06a warp tiling 128x128x8", "01 naive"})
        self.assertEqual(set(rows["bf16"]),
                         {"cuBLAS bf16", "07b wmma, shared-memory block tiles", "08c cp.async 4-stage pipeline"})
        self.assertAlmostEqual(rows["fp32"]["06a warp tiling 128x128x8"][4096][2], 96.0)

    def test_chapter_numbers_include_the_rung_letter(self):
        self.assertEqual(report.chapter_of("06a warp tiling 128x128x8"), 6)
        self.assertEqual(report.chapter_of("10 sol1 direct, k fastest"), 10)
        self.assertEqual(report.chapter_of("cuBLAS bf16"), 0)

    def test_precision_comes_from_the_label_or_else_from_the_vendor_the_percent_is_of(self):
        for labels in (False, True):
            measured = report.measurements(gemm_bench({4096: 96.0}, labels), "gemm", "pct_of_cublas")
            precision = report.rung_precisions(measured)
            self.assertEqual(precision["07b wmma, shared-memory block tiles"], "bf16", f"labels={labels}")
            self.assertEqual(precision["06a warp tiling 128x128x8"], "fp32", f"labels={labels}")
        # A label wins even where no % says anything (cuBLAS bf16 did not run).
        lone = [report.Measurement("08c cp.async 4-stage pipeline", "4096", 1.0, 100.0, float("nan"), "bf16", None)]
        self.assertEqual(report.rung_precisions(lone)["08c cp.async 4-stage pipeline"], "bf16")

    def test_chapter_table_keeps_its_rungs_and_cublas(self):
        text = "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}), chapter=6))
        self.assertIn("| cuBLAS |", text)
        self.assertIn("100 (reference)", text)
        self.assertIn("06a warp tiling 128x128x8", text)
        self.assertNotIn("01 naive", text)
        self.assertNotIn("bf16", text, "chapter 06 has no bf16 rung: no bf16 table")

    def test_bf16_chapter_is_measured_against_cublas_bf16(self):
        text = "\n".join(report.gemm_tables(synthetic_run({2048: 91.0, 4096: 96.0}), chapter=7))
        self.assertNotIn("GEMM, fp32", text, "chapter 07 has no fp32 rung")
        self.assertNotIn("| cuBLAS |", text)
        table = table_of(text, "GEMM, bf16, against cuBLAS bf16")
        self.assertIn("% of cuBLAS bf16 at 4096", table[0])
        self.assertIn("% of instruction peak at 4096³", table[0])
        self.assertEqual(row(table, "cuBLAS bf16").split(" | ")[-1], "100 (reference) |")
        cells = row(table, "07b wmma, shared-memory block tiles").split(" | ")
        self.assertEqual(cells[3:], ["40.4", "50.0", "50.0 |"], "instruction peak, then % of cuBLAS bf16")
        self.assertNotIn("08c", text)
        self.assertIn("wmma m16n16k16 bf16 680.0 TFLOP/s", text)
        self.assertNotIn("mma.sync m16n8k16 bf16 700.0", text, "only the instructions of this table's rungs")
        self.assertIn("cuBLAS bf16 at 4096³ (the ladder run) chose: cuBLASLt algo 66", text)
        self.assertIn("SM clock under load (NVML, during each rung's energy window at 4096³): 1755 MHz", text,
                      "the clocks of this table's rungs only")

    def test_the_clock_note_spans_the_rungs_clocks(self):
        text = "\n".join(report.gemm_tables(synthetic_run({2048: 91.0, 4096: 96.0})))
        self.assertIn("energy window at 4096³): 1620–1755 MHz, against a peak of", text)

    def test_training_shapes_have_their_own_bf16_table(self):
        text = "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}), chapter=8))
        table = table_of(text, "GEMM, bf16, on shapes from transformer training")
        self.assertEqual(table[0], "| rung | 16384×14336×4096 | 16384×4096×14336 |")
        self.assertIn("ms, 80.0 %", row(table, "08c cp.async 4-stage pipeline"))
        self.assertTrue(row(table, "cuBLAS bf16").endswith(" ms |"))
        self.assertNotIn("16384", "\n".join(table_of(text, "GEMM, bf16, against cuBLAS bf16")),
                         "the square table keeps to square sizes")
        chapter9 = "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}), chapter=9))
        self.assertIn("skipped: runs on compute capability 9.0 only", chapter9)
        self.assertNotIn("transformer", "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}), chapter=6)))

    def test_tensor_core_targets_take_the_best_rung_in_each_case(self):
        text = "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}), chapter=8))
        line = next(line for line in text.splitlines() if line.startswith("Chapter 08's targets"))
        self.assertIn("4096³: 80.0 % (08c cp.async 4-stage pipeline; target ≥ 70 %: met)", line)
        self.assertIn("8192³: not measured (target ≥ 70 %)", line)
        self.assertIn("instruction peak at 4096³: 63.3 % (08c cp.async 4-stage pipeline; target ≥ 90 %: **not met**)",
                      line)
        chapter9 = "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}), chapter=9))
        self.assertIn("16384×14336×4096: not measured (target ≥ 95 %)", chapter9, "09a's only entry was skipped")
        self.assertNotIn("targets", "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}), chapter=7)))

    def test_whole_ladder_keeps_fp32_and_bf16_apart(self):
        text = "\n".join(report.gemm_tables(synthetic_run({4096: 96.0})))
        fp32 = table_of(text, "GEMM, fp32, against cuBLAS")
        bf16 = table_of(text, "GEMM, bf16, against cuBLAS bf16")
        self.assertNotIn("instruction peak", fp32[0])
        self.assertFalse(any("07b" in line or "08c" in line or "cuBLAS bf16" in line for line in fp32))
        self.assertFalse(any("06a" in line or "| cuBLAS |" in line for line in bf16))
        self.assertEqual(row(bf16, "08c cp.async 4-stage pipeline").split(" | ")[3:], ["63.3", "80.0 |"])
        self.assertNotIn("400.0", text, "a bf16 rung shown as a % of cuBLAS fp32")
        self.assertIn("SIMT targets", text)

    def test_a_benchmark_run_cut_at_its_limit_says_so(self):
        run = synthetic_run({4096: 96.0})
        self.assertNotIn("time limit", report.render_block([run], " chapter=6 "))
        run["benchmarks"]["truncated"] = True
        self.assertIn("bench_gemm stopped at its time limit: what it had not reached shows –.",
                      report.render_block([run], " chapter=6 "))

    def test_a_rung_that_failed_the_ladder_runs_check_has_no_speed_anywhere(self):
        run = synthetic_run({4096: 96.0})
        for entry in run["ladder"]["results"]:
            if entry["name"] in ("08c cp.async 4-stage pipeline", "06a warp tiling 128x128x8"):
                entry["status"] = "FAIL (max error 3.1)"
        text = "\n".join(report.gemm_tables(run))
        bf16 = table_of(text, "GEMM, bf16, against cuBLAS bf16")
        line = row(bf16, "08c cp.async 4-stage pipeline")
        self.assertIn("**FAIL (max error 3.1)** at 4096³ (the ladder run): no speed shown", line)
        self.assertNotIn("80", line.split("|", 2)[2], "bench_gemm's unchecked % is not shown")
        self.assertNotIn("08c", report.tensor_core_targets(run, 8), "a wrong rung meets no target")
        self.assertNotIn("06a warp tiling 128x128x8", report.gemm_rows(run)["fp32"])
        self.assertNotIn("(06a", report.simt_targets(report.gemm_rows(run)["fp32"]))

    def test_the_ladder_runs_energy_fills_two_columns_where_it_was_measured(self):
        run = synthetic_run({4096: 96.0})
        for entry in run["ladder"]["results"]:
            if entry["name"] == "08c cp.async 4-stage pipeline":
                entry.update(joules_per_gemm=0.125, gflop_per_joule=1099.5)
        table = table_of(report.render_block([run], " chapter=8 "), "GEMM, bf16, against cuBLAS bf16:")
        self.assertIn("| % of instruction peak at 4096³ | J/GEMM at 4096³ | GFLOP/J at 4096³ |", table[0])
        self.assertIn("| 63.3 | 0.125 | 1099.5 |", row(table, "08c cp.async 4-stage pipeline"))
        self.assertIn("| – | – | – |", row(table, "cuBLAS bf16"), "no peak, no energy measured")
        self.assertNotIn("J/GEMM", report.render_block([synthetic_run({4096: 96.0})], " chapter=8 "))

    def test_a_note_says_which_columns_the_ladder_run_gave_and_how_far_its_times_are(self):
        text = report.render_block([synthetic_run({4096: 96.0})], " chapter=8 ")
        self.assertIn("ms, TFLOP/s and % of cuBLAS come from bench_gemm; % of instruction peak from the ladder run "
                      "at 4096³, which times each rung again; its times differ from bench_gemm's by up to 0.8 %.",
                      text)

    def test_a_record_with_only_the_ladder_shows_the_ladder_runs_own_table(self):
        run = dict(synthetic_run({4096: 96.0}), benchmarks=None)
        text = "\n".join(report.gemm_tables(run, chapter=8))
        table = table_of(text, "GEMM at 4096³, bf16: the ladder program's run")
        self.assertIn("| 08c cp.async 4-stage pipeline | 0.310 |", row(table, "08c cp.async 4-stage pipeline"))
        self.assertIn("| 80.6 | 63.3 |", row(table, "08c cp.async 4-stage pipeline"))
        self.assertNotIn("07b", text)  # chapter 8's page: chapter 7's rung is not its own
        # With bench_gemm's JSON the ladder's numbers are columns of its tables instead, not a table of their own.
        self.assertNotIn("the ladder program's run", "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}))))

    def test_without_a_ladder_there_is_no_instruction_peak_column(self):
        text = "\n".join(report.gemm_tables(synthetic_run({4096: 96.0}, with_ladder=False), chapter=8))
        self.assertNotIn("instruction peak", text)
        self.assertEqual(row(table_of(text, "GEMM, bf16"), "08c cp.async 4-stage pipeline").split(" | ")[-1],
                         "80.0 |")

    def test_chapter_8_shows_the_mma_sync_rate_probe_and_the_latency_its_corner_implies(self):
        run = synthetic_run({4096: 96.0})
        run["context"]["sm_clock_mhz"] = "2000"
        sms, probe = 100, []
        for warps in (1, 2):
            for chains in (1, 8):
                entry = bench_entry(f"mma_rate/{warps} warps per scheduler/{chains} chains", 1.0, 1.0)
                # One warp, one chain: 4 schedulers x 100 SMs x 2 GHz x 4096 FLOP / 32 clocks = 102.4 TFLOP/s.
                entry.update({"TFLOP/s": 102.4 * warps * chains, "SMs": sms})
                probe.append(entry)
        probe.append(bench_entry("mma_rate/8 warps per scheduler/8 chains", 1.0, 1.0, error="8 blocks asked; 6 fit"))
        run["benchmarks"]["benchmarks"] = probe + run["benchmarks"]["benchmarks"]
        text = "\n".join(report.gemm_tables(run, chapter=8))
        table = table_of(text, "mma.sync m16n8k16 bf16 from registers")
        self.assertEqual(table[0], "| chains per warp | 1 warp per scheduler | 2 warps per scheduler | "
                                   "8 warps per scheduler |")
        self.assertEqual(row(table, "1"), "| 1 | 102.4 | 204.8 | – |")
        self.assertEqual(row(table, "8"), "| 8 | 819.2 | 1638.4 | skipped: 8 blocks asked; 6 fit |")
        self.assertIn("one mma.sync every 32.0 clocks per scheduler at the peak SM clock of 2000 MHz", text)
        # The probe is not a GEMM rung: no row of it in the GEMM tables, and no table of it in chapter 7.
        self.assertNotIn("mma_rate", text)
        self.assertNotIn("rate probe", "\n".join(report.gemm_tables(run, chapter=7)))

    def test_the_probes_own_clock_count_gives_the_latency_where_the_run_has_it(self):
        run = synthetic_run({4096: 96.0})
        run["context"]["sm_clock_mhz"] = "2000"
        corner = bench_entry("mma_rate/1 warps per scheduler/1 chains", 1.0, 1.0)
        corner.update({"TFLOP/s": 90.0, "SMs": 100, "clocks_per_mma": 33.25})
        run["benchmarks"]["benchmarks"] = [corner] + run["benchmarks"]["benchmarks"]
        text = "\n".join(report.gemm_tables(run, chapter=8))
        self.assertIn("one mma.sync every 33.2 SM clocks, the instruction's latency", text)
        self.assertNotIn("at the peak SM clock", text)

    def test_chapter_9_says_how_fast_cublas_and_09c_are_with_b_stored_n_by_k(self):
        run = synthetic_run({4096: 96.0})
        layout = [bench_entry("b_n_by_k/cuBLAS bf16/8192", 2 * 8192**3, 1.6, vendor_ms=1.64),
                  bench_entry("b_n_by_k/09c persistent/8192", 2 * 8192**3, 2.0, vendor_ms=1.64),
                  bench_entry("b_n_by_k/cuBLAS bf16/4096", 2 * 4096**3, 0.2, vendor_ms=0.19),
                  bench_entry("b_n_by_k/09c persistent/4096", 1.0, 1.0, error="no sm_90a"),
                  bench_entry("b_n_by_k/cuBLAS bf16/2048", 1.0, 1.0, error="no algorithm")]
        layout[1]["pct_of_k_by_n"] = 104.0
        layout[0]["pct_of_k_by_n"] = layout[0]["pct_of_cublas"]
        run["benchmarks"]["benchmarks"] += layout
        text = "\n".join(report.gemm_tables(run, chapter=9))
        self.assertIn("and of the rung's own speed with B k × n: cuBLAS bf16: 2048³ skipped: no algorithm; "
                      "4096³ 687.2 TFLOP/s, 95.0 % of cuBLAS bf16; 8192³ 687.2 TFLOP/s, 102.5 % of cuBLAS bf16; "
                      "09c persistent: 4096³ skipped: no sm_90a; "
                      "8192³ 549.8 TFLOP/s, 82.0 % of cuBLAS bf16, 104.0 % of its own speed.", text)
        # Not a rung: no row in the GEMM tables, and only chapter 9 and the results page say it.
        self.assertNotIn("| B n x k", text)
        self.assertNotIn("| 09c persistent | ", text)
        self.assertNotIn("B stored n × k", "\n".join(report.gemm_tables(run, chapter=8)))
        self.assertIn("B stored n × k", "\n".join(report.gemm_tables(run)))

    def test_roofline_places_each_size_at_the_gemms_own_intensity(self):
        points = report.roofline_points(synthetic_run({2048: 91.0, 4096: 96.0, 8192: 92.0}))
        naive = dict(points["fp32"]["01 naive"])
        # fp32: 2n³ FLOP over 3n² floats of 4 bytes = n / 6 FLOP per byte.
        self.assertEqual(sorted(naive), [2048 / 6, 4096 / 6, 8192 / 6])
        wmma = dict(points["bf16"]["07b wmma, shared-memory block tiles"])
        self.assertEqual(min(wmma), 2048 / 3, "bf16 moves half the bytes: twice the intensity")
        self.assertIn("cuBLAS bf16", points["bf16"])

    def test_targets_met(self):
        line = report.simt_targets(report.gemm_rows(synthetic_run({2048: 91.0, 4096: 96.0, 8192: 92.0}))["fp32"])
        self.assertIn("96.0 % of cuBLAS at 4096³", line)
        self.assertIn("91.0 % at 2048³", line)
        self.assertNotIn("not met", line)

    def test_targets_missed(self):
        line = report.simt_targets(report.gemm_rows(synthetic_run({2048: 85.0, 4096: 96.0, 8192: 92.0}))["fp32"])
        self.assertIn("85.0 % at 2048³ (target ≥ 90 %: **not met**)", line)
        line = report.simt_targets(report.gemm_rows(synthetic_run({4096: 80.0}))["fp32"])
        self.assertIn("(target ≥ 95 %: **not met**)", line)


def tuning_run(size, percents, statuses=None, precision="fp32"):
    """A sweep's --json at size³ (tune_simt's, or at bf16 tune_wgmma's): cuBLAS at that precision
    and one candidate per (name, % of cuBLAS)."""
    results = [{"name": report.VENDORS["gemm"][precision], "kind": "vendor", "precision": precision, "status": "ok",
                "median_ms": 1.0, "tflops": 50.0, "percent_of_cublas": 100.0}]
    for name, pct in percents.items():
        status = (statuses or {}).get(name, "ok")
        entry = {"name": name, "kind": "candidate", "precision": precision, "status": status}
        if status == "ok":
            entry.update(median_ms=100.0 / pct, tflops=pct / 2, percent_of_cublas=pct)
        results.append(entry)
    return {"device": {"name": "NVIDIA H200"}, "problem": {"m": size, "n": size, "k": size}, "results": results}


class TuningReportTest(unittest.TestCase):
    def test_chapter_6_shows_the_sweep_best_first_without_the_rungs_that_failed(self):
        run = synthetic_run({4096: 80.0})
        run["tuning"] = {"runs": [
            tuning_run(2048, {"06e cp.async": 80.0, "tune 256x128x16": 91.0, "tune broken": 99.0},
                       {"tune broken": "FAIL: relative error 0.5"}),
            tuning_run(4096, {"06e cp.async": 82.0, "tune 256x128x16": 96.0, "tune broken": 99.0})]}
        block = report.render_block([run], " chapter=6 ")
        table = table_of(block, "The SIMT tuning sweep")
        self.assertEqual(table[2], "| tune 256x128x16 | 45.5, 91.0 % | 48.0, 96.0 % |", "the best at 4096³ first")
        self.assertEqual(table[3], "| 06e cp.async | 40.0, 80.0 % | 41.0, 82.0 % |")
        self.assertEqual(table[4], "| tune broken | failed its check | failed its check |")
        targets = block[block.index("SIMT targets, best rung at 4096³ (tune 256x128x16)"):]
        self.assertIn("96.0 % of cuBLAS at 4096³ (target ≥ 95 %: met)", targets)
        self.assertNotIn("The SIMT tuning sweep", report.render_block([run], " chapter=5 "), "chapter 06 only")

    def test_the_ragged_check_fails_a_rung_and_a_rung_that_did_not_run_is_missing_there_only(self):
        run = synthetic_run({4096: 80.0})
        run["tuning"] = {
            "check": tuning_run(2305, {"tune edge bug": 1.0, "tune ok": 1.0}, {"tune edge bug": "FAIL: max error 3"}),
            "runs": [tuning_run(2048, {"tune edge bug": 99.0, "tune ok": 90.0}),
                     tuning_run(8192, {"tune edge bug": 99.0, "tune ok": 91.0},
                                {"tune ok": "skipped: not run: an earlier rung left the CUDA context unusable"})]}
        block = report.render_block([run], " chapter=6 ")
        table = table_of(block, "The SIMT tuning sweep")
        self.assertIn("best at 8192³ first", block, "no 4096³ run: ranked at the largest size")
        self.assertEqual(table[2], "| tune ok | 45.0, 90.0 % | not run |")
        self.assertEqual(table[3], "| tune edge bug | failed its check | failed its check |")
        self.assertIn("The sweep has no run at 4096³: the targets are checked on the sizes it has.", block)

    def test_a_lesson_quoting_nsight_says_where_its_figures_can_be_checked(self):
        run = synthetic_run({4096: 80.0})
        run["profile"] = {"ladder": [{"kernel": "k", "metrics": {"a": 1.0, "b": 2.0}}],
                          "tune": [{"kernel": "k", "metrics": {"b": 2.0, "c": None}}]}
        note = "".join(report.nsight_note(run))
        self.assertIn("this run's record keeps 3 metrics per kernel", note)
        self.assertIn("cannot be checked against the record", note)
        self.assertIn("this run's record keeps", report.render_block([run], " chapter=5 nsight "))
        run["profile_reports"] = ["NVIDIA_H200.ncu.txt"]  # kept, by record.py: named in the record
        note = "".join(report.nsight_note(run))
        self.assertIn("kept beside the record: `benchmarks/results/NVIDIA_H200.ncu.txt`.", note)
        self.assertNotIn("](", note, "named, not linked: the documentation site does not carry the reports")
        self.assertNotIn("this run's record keeps", report.render_block([run], " chapter=5 "), "only where marked")
        self.assertEqual(report.nsight_note(synthetic_run({4096: 80.0})), [], "a run with no profile")

    def test_a_run_without_a_sweep_has_no_sweep_table(self):
        self.assertNotIn("tuning sweep", report.render_block([synthetic_run({4096: 80.0})], " chapter=6 "))

    def test_chapter_9_shows_its_sweep_against_cublas_bf16_with_its_square_targets(self):
        run = synthetic_run({4096: 80.0})
        best = "tune09 bands 16, 1 in flight, cluster 2"
        run["tuning_wgmma"] = {"runs": [
            tuning_run(2048, {"09c persistent": 97.1, best: 94.0}, precision="bf16"),
            tuning_run(4096, {"09c persistent": 85.6, best: 106.0}, precision="bf16"),
            tuning_run(8192, {"09c persistent": 88.1, best: 99.5}, precision="bf16")]}
        block = report.render_block([run], " chapter=9 ")
        table = table_of(block, "Chapter 09's sweep")
        self.assertIn("against cuBLAS bf16, best at 4096³ first:", block)
        self.assertEqual(table[0], "| rung | TFLOP/s, % of cuBLAS bf16 at 2048³ | TFLOP/s, % of cuBLAS bf16 at 4096³ "
                                   "| TFLOP/s, % of cuBLAS bf16 at 8192³ |")
        self.assertEqual(table[2], f"| {best} | 47.0, 94.0 % | 53.0, 106.0 % | 49.8, 99.5 % |")
        self.assertEqual(table[3], "| 09c persistent | 48.5, 97.1 % | 42.8, 85.6 % | 44.0, 88.1 % |")
        targets = block[block.index("Chapter 09's targets, best of the sweep"):].splitlines()[0]
        self.assertIn("2048³: 97.1 % (09c persistent; target ≥ 95 %: met)", targets, "each size's own best")
        self.assertIn(f"4096³: 106.0 % ({best}; target ≥ 105 %: met)", targets)
        self.assertIn(f"8192³: 99.5 % ({best}; target ≥ 100 %: **not met**)", targets)
        self.assertNotIn("16384", targets, "the training shapes are bench_gemm's")
        self.assertNotIn("Chapter 09's sweep", report.render_block([run], " chapter=6 "), "chapter 09 only")
        self.assertNotIn("The SIMT tuning sweep", block)

    def test_a_rung_that_hung_is_left_out_of_the_ranking_and_its_row_says_so(self):
        run = synthetic_run({4096: 80.0})
        run["tuning"] = {"runs": [tuning_run(4096, {"06e cp.async": 82.0, "tune stuck": 0.0},
                                             {"tune stuck": report.HUNG_STATUS})],
                         "check": tuning_run(2305, {"06e cp.async": 70.0, "tune stuck": 71.0})}
        rows, failed = report.tuning_rows(run["tuning"])
        self.assertEqual((list(rows), failed), (["06e cp.async"], ["tune stuck"]))
        table = table_of(report.render_block([run], " chapter=6 "), "The SIMT tuning sweep")
        self.assertEqual(table[-1], "| tune stuck | hung or faulted: left out |")

    def test_a_sweep_reads_only_its_own_precision(self):
        rows, failed = report.tuning_rows({"runs": [tuning_run(4096, {"06e": 80.0})]}, "bf16")
        self.assertEqual((rows, failed), ({}, []))
        self.assertIn("4096³: not run (target ≥ 105 %)", report.wgmma_sweep_targets(rows))


class ConvReportTest(unittest.TestCase):
    def test_chapter_10_block_is_measured_against_cudnn_and_says_what_was_skipped(self):
        for labels in (True, False):
            text = report.render_block([synthetic_run({4096: 96.0}, labels)], " chapter=10 ")
            table = table_of(text, "Convolution, fp32 NCHW, against cuDNN")
            self.assertEqual(table[0], "| rung | lenet-conv1 | resnet50-3x3-28 |")
            self.assertEqual(row(table, "cuDNN"), "| cuDNN | 0.0100 ms | 0.800 ms |")
            self.assertEqual(row(table, "10a direct"), "| 10a direct | 0.0400 ms, 25.0 % | 3.20 ms, 25.0 % |")
            self.assertEqual(row(table, "10b direct, constant-memory filter").split(" | ")[1:],
                             ["0.0200 ms, 50.0 %", f"skipped: {CONSTANT_MEMORY_LIMIT} |"])
            self.assertNotIn("bf16", text, "chapter 10 has no bf16 rung")
            self.assertNotIn("GEMM", text, "chapter 10 has no GEMM rung")

    def test_a_conv_rung_that_failed_the_ladder_runs_check_has_no_speed_in_the_layer_table(self):
        run = dict(synthetic_run({4096: 96.0}, True), ladder_conv=ladder_conv_json())
        run["ladder_conv"]["results"][1] = dict(run["ladder_conv"]["results"][1],
                                                status="FAIL: relative error 3.1e-01")
        table = table_of(report.render_block([run], " chapter=10 "), "Convolution, fp32 NCHW, against cuDNN")
        self.assertEqual(row(table, "10a direct"), "| 10a direct | **FAIL: relative error 3.1e-01** (the chapter "
                                                   "program's checked run): no speed shown | – |")
        self.assertEqual(row(table, "cuDNN"), "| cuDNN | 0.0100 ms | 0.800 ms |", "the others keep theirs")

    def test_an_own_run_tables_caption_names_only_the_columns_it_has(self):
        run = dict(synthetic_run({4096: 96.0}, True), ladder_conv=ladder_conv_json())
        self.assertIn("fp32 NCHW: the ladder program's run (`ch13_implicit_gemm_conv`, every rung so far), "
                      "with each rung's energy:\n", report.render_block([run], " chapter=10 "), "fp32 has no instruction peak")
        self.assertIn("bf16 NHWC: the ladder program's run (`ch13_implicit_gemm_conv`, every rung so far), "
                      "with each rung's energy and % of its instruction's peak:\n", report.render_block([run], " chapter=12 "))

    def test_bf16_conv_rungs_are_measured_against_cudnn_bf16(self):
        for labels in (True, False):
            text = report.render_block([synthetic_run({4096: 96.0}, labels)], " chapter=12 ")
            table = table_of(text, "Convolution, bf16 NHWC, against cuDNN bf16")
            self.assertEqual(row(table, "12a im2col, mma.sync"),
                             "| 12a im2col, mma.sync | 0.00250 ms, 50.0 % | 0.200 ms, 50.0 % |", f"labels={labels}")
            self.assertIn("| cuDNN bf16 |", text)
            self.assertNotIn("| cuDNN |", text)

    def test_the_algorithm_cudnn_chose_on_each_layer_is_named_under_its_table(self):
        run = synthetic_run({4096: 96.0}, True)
        for entry in run["conv_benchmarks"]["benchmarks"]:
            if entry["name"].startswith("conv/cuDNN/"):
                layer = entry["name"].split("/")[2]
                entry["label"] += "; " + ("FFT" if layer == "lenet-conv1" else "IMPLICIT_GEMM (FMA math)")
        text = report.render_block([run], " chapter=10 ")
        self.assertIn("\ncuDNN chose, per layer: lenet-conv1: FFT; resnet50-3x3-28: IMPLICIT_GEMM (FMA math).\n", text)
        self.assertEqual(row(table_of(text, "Convolution, fp32 NCHW"), "cuDNN"), "| cuDNN | 0.0100 ms | 0.800 ms |",
                         "the label's precision still sorts the row into its table")
        self.assertNotIn("chose, per layer", report.render_block([synthetic_run({4096: 96.0})], " chapter=10 "),
                         "older records' labels name no algorithm")

    def test_pytorchs_conv2d_sits_under_cudnn_as_a_second_opinion_on_the_baseline(self):
        run = synthetic_run({4096: 96.0}, True)
        # bf16 on resnet50-3x3-28: PyTorch twice as fast as our cuDNN bf16 row (0.1 ms against 0.1 ms / 0.5);
        # on lenet-conv1 its check failed; fp32 on lenet-conv1 at our cuDNN's time.
        run["conv_pytorch"] = {"pytorch_version": "2.11.0", "cudnn_version": 91500, "results": [
            {"layer": "resnet50-3x3-28", "precision": "bf16 NHWC", "status": "ok", "ms": 0.05, "tflops": 296.0},
            {"layer": "lenet-conv1", "precision": "bf16 NHWC", "status": "FAILED: max error 3.0e-01"},
            {"layer": "lenet-conv1", "precision": "fp32 NCHW", "status": "ok", "ms": 0.010, "tflops": 0.95}]}
        text = report.render_block([run], " chapter=12 ")
        table = table_of(text, "Convolution, bf16 NHWC, against cuDNN bf16")
        self.assertEqual(table[2:4], ["| cuDNN bf16 | 0.00125 ms | 0.100 ms |",
                                      "| PyTorch conv2d | skipped: FAILED: max error 3.0e-01 | 0.0500 ms, 200.0 % |"],
                         "right under cuDNN bf16, its % of our cuDNN row")
        self.assertIn("PyTorch conv2d is PyTorch 2.11.0 with cuDNN 91500", text)
        fp32 = table_of(report.render_block([run], " chapter=10 "), "Convolution, fp32 NCHW, against cuDNN")
        self.assertEqual(row(fp32, "PyTorch conv2d"), "| PyTorch conv2d | 0.0100 ms, 100.0 % | – |",
                         "a layer PyTorch did not run: a dash")
        self.assertNotIn("PyTorch", report.render_block([synthetic_run({4096: 96.0}, True)], " chapter=12 "),
                         "records before pytorch_conv.py: no such row")

    def test_the_chapter_programs_conv_run_adds_energy_and_the_instructions_peak(self):
        run = dict(synthetic_run({4096: 96.0}, labels=True), ladder_conv=ladder_conv_json())
        chapter12 = report.render_block([run], " chapter=12 ")
        table = table_of(chapter12, "Convolution on resnet50-3x3-28, bf16 NHWC: the ladder program's run")
        self.assertEqual(table[0], "| rung | ms | TFLOP/s | % of cuDNN bf16 | % of instruction peak | J/conv | "
                                   "GFLOP/J |")
        self.assertEqual(row(table, "cuDNN bf16"), "| cuDNN bf16 | 0.100 | 73.99 | 100.0 | – | – | – |")
        self.assertEqual(row(table, "12a im2col, mma.sync"),
                         "| 12a im2col, mma.sync | 0.200 | 36.99 | 50.0 | 10.6 | 0.0406 | 182.2 |")
        self.assertIn("mma.sync m16n8k16 bf16 700.0 TFLOP/s", chapter12)
        self.assertIn("energy window at resnet50-3x3-28): 1710 MHz", chapter12)
        self.assertNotIn("fp32 NCHW: the ladder program's run", chapter12, "chapter 12 has no fp32 rung")
        chapter10 = report.render_block([run], " chapter=10 ")
        table = table_of(chapter10, "Convolution on resnet50-3x3-28, fp32 NCHW")
        self.assertEqual(table[0], "| rung | ms | TFLOP/s | % of cuDNN | J/conv | GFLOP/J |", "no tensor-core rung")
        self.assertEqual(row(table, "10a direct"), "| 10a direct | 3.200 | 2.31 | 25.0 | 1.6 | 4.6 |")
        self.assertEqual(row(table, "10b direct, constant-memory filter"),
                         f"| 10b direct, constant-memory filter | skipped: {CONSTANT_MEMORY_LIMIT} | "
                         "– | – | – | – |")
        run["ladder_conv"]["results"][1]["status"] = "FAIL: rel 3.1e-01, max abs 2.0e+00 (tol 1.0e-05)"
        table = table_of(report.render_block([run], " chapter=10 "), "Convolution on resnet50-3x3-28, fp32 NCHW")
        self.assertEqual(row(table, "10a direct"), "| 10a direct | FAIL: rel 3.1e-01, max abs 2.0e+00 (tol 1.0e-05) | "
                                                   "– | – | – | – |", "a wrong rung shows why, not its speed")
        without = report.render_block([synthetic_run({4096: 96.0}, labels=True)], " chapter=12 ")
        self.assertNotIn("the ladder program's run", without, "no ladder_conv, no such table")

    def test_a_run_without_conv_results_leaves_the_conv_chapters_without_results(self):
        old = synthetic_run({4096: 96.0}, with_conv=False)
        del old["conv_benchmarks"]  # a record made before bench_conv existed
        self.assertEqual(report.render_block([old], " chapter=10 "), report.NO_RESULTS)
        self.assertIn("06a warp tiling", report.render_block([old], " chapter=6 "))
        self.assertNotIn("Convolution", report.render_block([old], ""))

    def test_the_h200s_record_comes_first_though_another_gpus_file_sorts_before_it(self):
        h200 = synthetic_run({4096: 96.0})
        h100 = synthetic_run({4096: 91.0})
        h100["context"]["gpu"], h100["_file"] = "NVIDIA H100 80GB HBM3", "NVIDIA_H100_80GB_HBM3.json"
        runs = report.headline_first([h100, h200])
        self.assertEqual([run["_file"] for run in runs], ["NVIDIA_H200.json", "NVIDIA_H100_80GB_HBM3.json"])
        block = report.render_block(runs, " ")
        self.assertLess(block.index("Measured on NVIDIA H200"), block.index("Measured on NVIDIA H100 80GB HBM3"))

    def test_no_runs_no_results(self):
        for args in ("", " chart ", " chapter=7 ", " chapter=10 "):
            self.assertEqual(report.render_block([], args), report.NO_RESULTS)


def cnn_record(speedup=2.0, bf16_points=-0.1):
    """pytorch_lenet.py's JSON for a run whose project epoch takes 1 s."""
    ours = {"device": "NVIDIA H200", "train_images": 60000, "batch": 32, "optimizer": "adam",
            "data": "/usr/share/datasets/fashion-mnist",
            "epochs": [{"loss": 0.5, "seconds": 1.2, "joules": 300.0, "test_accuracy": 0.85},
                       {"loss": 0.3, "seconds": 1.0, "joules": 250.0, "test_accuracy": 0.9}],
            "test_accuracy": 0.9, "target_accuracy": 0.9, "seconds_to_target": 2.2, "cuda_graph": "on: replayed",
            "inference": {"images_per_second": 1.5e6, "batch1_milliseconds": 0.05}}
    eager = {"epochs": [{"loss": 0.5, "seconds": speedup}], "test_accuracy": 0.9}
    return {"ours": ours, "modes": {"eager fp32": eager, "compiled fp32": {"error": "RuntimeError: no compiler"}},
            "bf16": {"epochs": [{"loss": 0.51, "seconds": 1.5}], "test_accuracy": 0.9 + bf16_points / 100},
            "same_batches_worst_relative_loss_difference": 2e-6,
            "layer_times": [{"name": "conv1 forward", "milliseconds_per_step": 0.03, "steps": 1875},
                            {"name": "optimizer", "milliseconds_per_step": 0.01, "steps": 1875}]}


class CnnReportTest(unittest.TestCase):
    def test_chapter_14_shows_each_run_beside_pytorch_with_its_targets(self):
        run = synthetic_run({4096: 96.0})
        run["cnn"] = cnn_record()
        text = report.render_block([run], " chapter=14 ")
        table = table_of(text, "| run |")
        self.assertIn("| 1.000 | 60,000 | 2.00 |", row(table, "project, fp32"))
        self.assertIn("| 1.500 | 40,000 | 1.33 |", row(table, "project, --precision bf16"))
        self.assertIn("RuntimeError: no compiler", row(table, "PyTorch compiled fp32"))
        self.assertIn("2.00× PyTorch's eager loop (target ≥ 1.5: met)", text)
        self.assertIn("bf16 test accuracy -0.10 points from fp32's (target within 0.3: met)", text)
        self.assertIn("time to 90 % test accuracy on Fashion-MNIST: 2.20 s of training (epoch 2 of 2)", text)
        self.assertIn("250.0 J per epoch", text)
        self.assertIn("| conv1 forward | 0.0300 | 75.0 |", text)
        self.assertNotIn("cuBLAS", text, "chapter 14 shows no GEMM tables")

    def test_the_time_to_target_comes_from_the_longer_run_when_there_is_one(self):
        run = synthetic_run({4096: 96.0})
        run["cnn"] = cnn_record()
        longer = {"epochs": [{"loss": 0.5, "seconds": 1.0, "test_accuracy": a} for a in (0.85, 0.89, 0.901, 0.91)],
                  "target_accuracy": 0.9, "seconds_to_target": 3.0, "data": ".device_kit/fashion-mnist"}
        run["cnn"]["to_target"] = longer
        self.assertIn("time to 90 % test accuracy on Fashion-MNIST: 3.00 s of training (epoch 3 of 4)",
                      report.render_block([run], " chapter=14 "))
        longer["seconds_to_target"] = None
        for epoch in longer["epochs"]:
            epoch["test_accuracy"] = 0.88
        self.assertIn("time to 90 % test accuracy on Fashion-MNIST: not reached in 4 epochs",
                      report.render_block([run], " chapter=14 "))

    def test_the_run_on_mnist_itself_gives_the_time_to_99_percent_beside_fashion_mnists(self):
        run = synthetic_run({4096: 96.0})
        run["cnn"] = cnn_record()
        run["cnn"]["to_target_mnist"] = {
            "epochs": [{"loss": 0.1, "seconds": 0.6, "test_accuracy": a} for a in (0.985, 0.989, 0.9905)],
            "target_accuracy": 0.99, "seconds_to_target": 1.8, "data": "/x/.device_kit/mnist"}
        text = report.render_block([run], " chapter=14 ")
        self.assertIn("time to 90 % test accuracy on Fashion-MNIST: 2.20 s of training (epoch 2 of 2); "
                      "time to 99 % test accuracy on MNIST: 1.80 s of training (epoch 3 of 3)", text)
        self.assertEqual(report.data_name({"data": "synthetic 60000"}), "generated digits")

    def test_runs_of_different_lengths_say_how_many_epochs_each_ran(self):
        run = synthetic_run({4096: 96.0})
        run["cnn"] = cnn_record()
        text = report.render_block([run], " chapter=14 ")
        self.assertIn("each run's best epoch (epochs run: project, fp32 2, bf16 1, PyTorch eager fp32 1):", text)
        for record in (run["cnn"]["bf16"], run["cnn"]["modes"]["eager fp32"]):
            record["epochs"] *= 2
        self.assertIn("each run's best epoch of 2:", report.render_block([run], " chapter=14 "))

    def test_missed_targets_say_so(self):
        run = synthetic_run({4096: 96.0})
        run["cnn"] = cnn_record(speedup=1.2, bf16_points=-0.5)
        text = report.render_block([run], " chapter=14 ")
        self.assertIn("1.20× PyTorch's eager loop (target ≥ 1.5: **not met**)", text)
        self.assertIn("(target within 0.3: **not met**)", text)

    def test_a_run_without_chapter_14_results_has_none(self):
        self.assertEqual(report.render_block([synthetic_run({4096: 96.0})], " chapter=14 "), report.NO_RESULTS)


def fake_nvidia_smi(folder, answer):
    """An nvidia-smi in `folder` that prints `answer`, record.py's query of the machine."""
    fake = folder / "nvidia-smi"
    fake.write_text(f"#!/bin/sh\necho '{answer}'\n")
    fake.chmod(0o755)


class RecordTest(unittest.TestCase):
    def test_record_bundles_context_with_a_fake_nvidia_smi(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            fake_nvidia_smi(tmp, "NVIDIA H200, 570.10, 1980, 3201, 1755")
            bench, ladder = tmp / "bench.json", tmp / "ladder.json"
            bench.write_text(json.dumps({"benchmarks": [gemm_entry("cuBLAS", 4096, 2.0)]}))
            ladder.write_text(json.dumps({"device": {"runtime_cuda": "13.0"}, "results": []}))
            env = dict(os.environ, PATH=f"{tmp}:{os.environ['PATH']}", LADDER_COMMIT="abc")
            subprocess.run([sys.executable, str(HERE / "record.py"), "--bench", str(bench), "--ladder", str(ladder),
                            "--out", str(tmp / "results")], check=True, env=env, capture_output=True, cwd=tmp)
            record = json.loads((tmp / "results" / "NVIDIA_H200.json").read_text())
            self.assertEqual(record["context"]["gpu"], "NVIDIA H200")
            self.assertEqual(record["context"]["cuda"], "13.0")
            self.assertEqual(record["context"]["sm_clock_at_record_mhz"], "1755")
            self.assertEqual(len(record["benchmarks"]["benchmarks"]), 1)
            self.assertIsNone(record["conv_benchmarks"], "no --bench-conv: no conv results")
            self.assertIsNone(record["context"]["tests"], "no summary: the tests were not part of this record")
            self.assertFalse((tmp / "results" / "NVIDIA_H200.ncu.txt").exists(), "no --ncu: no report kept")

    def test_record_refuses_files_from_another_gpu_than_nvidia_smi_names(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            fake_nvidia_smi(tmp, "NVIDIA H200, 570.10, 1980, 3201, 1755")
            bench = tmp / "bench.json"
            bench.write_text(json.dumps({"context": {"gpu": "NVIDIA H100 80GB HBM3"},
                                         "benchmarks": [gemm_entry("cuBLAS", 4096, 2.0)]}))
            env = dict(os.environ, PATH=f"{tmp}:{os.environ['PATH']}", LADDER_COMMIT="abc")
            done = subprocess.run([sys.executable, str(HERE / "record.py"), "--bench", str(bench),
                                   "--out", str(tmp / "results")], env=env, capture_output=True, text=True, cwd=tmp)
            self.assertNotEqual(done.returncode, 0)
            self.assertIn("different GPUs", done.stderr)
            self.assertIn("nvidia-smi on this machine: NVIDIA H200", done.stderr)
            self.assertFalse((tmp / "results").exists() and any((tmp / "results").iterdir()), "nothing recorded")

    def test_record_keeps_the_nsight_compute_reports_beside_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            bench, ncu = tmp / "bench.json", tmp / "ncu.txt"
            bench.write_text(json.dumps({"benchmarks": [gemm_entry("cuBLAS", 4096, 2.0)]}))
            ncu.write_text(NCU_REPORT.format(kernel="naive_gemm_kernel") + "    Section: GPU Speed Of Light\n")
            summary = tmp / "run.json"
            summary.write_text(json.dumps({"machine": {"gpu": "NVIDIA H200", "driver": "580", "sm_clock_mhz": "1980",
                                                       "sm_clock_max_mhz": "1980", "memory_clock_max_mhz": "3201"}}))
            env = dict(os.environ, PATH="/nonexistent", LADDER_COMMIT="abc")
            subprocess.run([sys.executable, str(HERE / "record.py"), "--summary", str(summary), "--bench", str(bench),
                            "--ncu", str(ncu), "--out", str(tmp / "results")], check=True, env=env,
                           capture_output=True, cwd=tmp)
            kept = tmp / "results" / "NVIDIA_H200.ncu.txt"
            self.assertEqual(kept.read_text(), ncu.read_text())
            self.assertFalse((tmp / "results" / "NVIDIA_H200.ncu-tune.txt").exists())
            record = json.loads((tmp / "results" / "NVIDIA_H200.json").read_text())
            self.assertEqual(record["profile"]["ladder"][0]["kernel"], "naive_gemm_kernel")
            self.assertEqual(sorted(p.name for p in (tmp / "results").iterdir()),
                             ["NVIDIA_H200.json", "NVIDIA_H200.ncu.txt"], "no temporary file left")

    def test_record_takes_machine_tests_and_sanitizer_from_the_run_summaries(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            machine = {"kernel": "6.18", "gvisor": False, "gpu": "NVIDIA H100 80GB HBM3", "driver": "580.1",
                       "sm_clock_mhz": "345", "sm_clock_max_mhz": "1980", "memory_clock_mhz": "2619",
                       "memory_clock_max_mhz": "2619", "nvcc": "13.0", "cmake": "3.28"}
            first, second = tmp / "run1.json", tmp / "run2.json"
            first.write_text(json.dumps({"machine": machine, "tests": {"passed": 600, "failed": 0, "skipped": 20},
                                         "sanitizer": {"runs": 6, "clean": 6}}))
            second.write_text(json.dumps({"machine": dict(machine, sm_clock_mhz="1980")}))
            bench = tmp / "bench.json"
            bench.write_text(json.dumps({"benchmarks": [gemm_entry("cuBLAS", 4096, 2.0)]}))
            env = dict(os.environ, PATH="/nonexistent", LADDER_COMMIT="abc")  # no nvidia-smi: the summary says it all
            subprocess.run([sys.executable, str(HERE / "record.py"), "--summary", str(first), "--summary", str(second),
                            "--bench", str(bench), "--out", str(tmp / "results")], check=True, env=env,
                           capture_output=True, cwd=tmp)
            context = json.loads((tmp / "results" / "NVIDIA_H100_80GB_HBM3.json").read_text())["context"]
            self.assertEqual(context["tests"], {"passed": 600, "failed": 0, "skipped": 20})
            self.assertEqual(context["sanitizer"], {"runs": 6, "clean": 6})
            self.assertEqual((context["driver"], context["sm_clock_mhz"]), ("580.1", "1980"))
            self.assertEqual(context["sm_clock_at_record_mhz"], "1980", "the later summary wins")
            self.assertIsNone(context["commits"], "no call named a commit")

    def test_calls_at_different_commits_are_each_named(self):
        run = synthetic_run({4096: 96.0})
        self.assertIn("commit `0123456789`, ", report.context_line(run))
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            machine = {"gpu": "NVIDIA H200", "driver": "580.1", "sm_clock_mhz": "1980", "sm_clock_max_mhz": "1980",
                       "memory_clock_max_mhz": "3201"}
            summaries = []
            for call, commit in enumerate(("aaaaaaaaaaaa", "bbbbbbbbbbbb", "aaaaaaaaaaaa", "cccccccccccc")):
                summaries += ["--summary", str(tmp / f"run{call}.json")]
                (tmp / f"run{call}.json").write_text(json.dumps({"machine": dict(machine, commit=commit)}))
            bench = tmp / "bench.json"
            bench.write_text(json.dumps({"benchmarks": [gemm_entry("cuBLAS", 4096, 2.0)]}))
            subprocess.run([sys.executable, str(HERE / "record.py"), *summaries, "--bench", str(bench),
                            "--out", str(tmp / "results")], check=True, capture_output=True, cwd=tmp,
                           env=dict(os.environ, PATH="/nonexistent"))
            recorded = json.loads((tmp / "results" / "NVIDIA_H200.json").read_text())
        self.assertEqual(recorded["context"]["commit"], "cccccccccccc", "the last call's")
        self.assertEqual(recorded["context"]["commits"], ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"])
        recorded["_file"] = "NVIDIA_H200.json"
        self.assertIn("commits `aaaaaaaaaa`, `bbbbbbbbbb`, `cccccccccc` (in the order of the calls)",
                      report.context_line(recorded))


# A profile report as ncu prints it for --metrics, for one launch of `kernel`.
NCU_REPORT = """  {kernel} (32, 32, 1)x(256, 1, 1), Context 1, Stream 13, Device 0, CC 9.0
    Section: Command line profiler metrics
    smsp__inst_executed.sum                                                 inst        2,000
    smsp__inst_executed_pipe_fma.sum                                        inst        1,600
    sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active                %        70.00
    smsp__inst_executed_op_shared_ld.sum                                    inst          100
    l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum                                  300
    l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum                                0
    smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio                     0.25
    smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio            0.50
"""


class PipelineTest(unittest.TestCase):
    """record.py then report.py, end to end, on a scratch copy of the scripts and of every page with a results
    block: the real repository is never written."""

    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp())
        pages = [ROOT / "README.md", ROOT / "docs" / "results.md"] + sorted(ROOT.glob("chapters/*/README.md"))
        scripts = [HERE / "record.py", HERE / "report.py", HERE / "ncu_metrics.py", ROOT / "tools" / "atomic_file.py"]
        for path in scripts + [page for page in pages if page.exists()]:
            copy = self.tmp / path.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, copy)
        self.summary = self.tmp / "run1" / "summary.json"
        self.summary.parent.mkdir()
        self.summary.write_text(json.dumps({"machine": {
            "gpu": "NVIDIA H200", "driver": "580.1", "sm_clock_mhz": "1980", "sm_clock_max_mhz": "1980",
            "memory_clock_max_mhz": "3201"}, "tests": {"passed": 600, "failed": 0, "skipped": 20}}))
        self.run2 = self.tmp / "run2"
        self.run2.mkdir()
        (self.run2 / "bench.json").write_text(json.dumps(gemm_bench({2048: 91.0, 4096: 96.0, 8192: 92.0})))
        (self.run2 / "bench_conv.json").write_text(json.dumps(conv_bench()))
        (self.run2 / "ladder.json").write_text(json.dumps(ladder_json()))
        (self.run2 / "ladder_conv.json").write_text(json.dumps(ladder_conv_json()))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def script(self, name, *args):
        env = dict(os.environ, PATH="/nonexistent", LADDER_COMMIT="0123456789abcdef")  # no nvidia-smi, no git
        return subprocess.run([sys.executable, str(self.tmp / "benchmarks" / name), *args], env=env,
                              capture_output=True, text=True, cwd=self.tmp)

    def record(self, *extra):
        result = self.script("record.py", "--summary", str(self.summary), "--bench", str(self.run2 / "bench.json"),
                             "--ladder", str(self.run2 / "ladder.json"), *extra,
                             "--out", str(self.tmp / "benchmarks" / "results"))
        self.assertEqual(result.returncode, 0, result.stderr)

    def block(self, page, chapter=None):
        text = (self.tmp / page).read_text()
        begin = "<!-- results:begin" + (f" chapter={chapter} " if chapter else "")
        return text[text.index(begin):text.index("<!-- results:end -->", text.index(begin))]

    def test_recorded_run_fills_every_block_and_check_passes_after(self):
        self.record("--bench-conv", str(self.run2 / "bench_conv.json"), "--ladder-conv",
                    str(self.run2 / "ladder_conv.json"))
        record = json.loads((self.tmp / "benchmarks" / "results" / "NVIDIA_H200.json").read_text())
        self.assertEqual(len(record["conv_benchmarks"]["benchmarks"]), len(conv_bench()["benchmarks"]))
        self.assertEqual(record["ladder_conv"]["program"], "ch13_implicit_gemm_conv")
        if (self.tmp / "chapters" / "07_wmma_gemm" / "README.md").exists():  # blocks stale until report runs
            self.assertEqual(self.script("report.py", "--check").returncode, 1)
        result = self.script("report.py")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.script("report.py", "--check").returncode, 0, "a second run changes nothing")

        whole = self.block("README.md")
        for heading in ("GEMM, fp32, against cuBLAS:", "GEMM, bf16, against cuBLAS bf16:",
                        "Convolution, fp32 NCHW, against cuDNN (", "Convolution, bf16 NHWC, against cuDNN bf16 ("):
            self.assertIn(heading, whole)
        self.assertNotIn(report.NO_RESULTS, whole)
        self.assertIn("](images/ladder.png)", self.block("docs/results.md"), "the chart, relative to docs/")
        if (self.tmp / "chapters" / "07_wmma_gemm" / "README.md").exists():
            chapter7 = self.block("chapters/07_wmma_gemm/README.md", 7)
            self.assertIn("% of cuBLAS bf16 at 4096", chapter7)
            self.assertNotIn("| cuBLAS |", chapter7)
        if (self.tmp / "chapters" / "10_direct_conv" / "README.md").exists():
            chapter10 = self.block("chapters/10_direct_conv/README.md", 10)
            self.assertIn("| cuDNN | 0.0100 ms | 0.800 ms |", chapter10)
            self.assertIn(f"skipped: {CONSTANT_MEMORY_LIMIT}", chapter10)
            self.assertIn("| 10a direct | 3.200 | 2.31 | 25.0 | 1.6 | 4.6 |", chapter10, "the conv ladder's row")
        self.assertIn("](images/roofline.png)", self.block("docs/results.md"))
        if importlib.util.find_spec("matplotlib"):  # report.py draws the charts only where it can
            for chart in ("ladder.png", "ladder_sizes.png", "roofline.png"):
                self.assertTrue((self.tmp / "docs" / "images" / chart).exists(), chart)

    def test_a_recorded_sweep_reaches_chapter_6(self):
        tune = self.tmp / "run3" / "tune.json"
        tune.parent.mkdir()
        tune.write_text(json.dumps({"runs": [tuning_run(4096, {"tune 128x128x16 w64x32 4-stage": 90.0})]}))
        self.record("--tune", str(tune))
        record = json.loads((self.tmp / "benchmarks" / "results" / "NVIDIA_H200.json").read_text())
        self.assertEqual(record["tuning"]["runs"][0]["problem"]["m"], 4096)
        self.assertEqual(self.script("report.py").returncode, 0)
        if (self.tmp / "chapters" / "06_warp_tiling_gemm" / "README.md").exists():
            self.assertIn("| tune 128x128x16 w64x32 4-stage | 45.0, 90.0 % |",
                          self.block("chapters/06_warp_tiling_gemm/README.md", 6))

    def test_a_recorded_wgmma_sweep_reaches_chapter_9(self):
        tune = self.tmp / "run3" / "tune_wgmma.json"
        tune.parent.mkdir()
        tune.write_text(json.dumps({"runs": [tuning_run(4096, {"tune09 bands 32, 0 in flight, cluster 1": 93.0},
                                                        precision="bf16")]}))
        self.record("--tune-wgmma", str(tune))
        record = json.loads((self.tmp / "benchmarks" / "results" / "NVIDIA_H200.json").read_text())
        self.assertEqual(record["tuning_wgmma"]["runs"][0]["problem"]["m"], 4096)
        self.assertIsNone(record["tuning"], "the SIMT sweep's key is its own")
        self.assertEqual(self.script("report.py").returncode, 0)
        if (self.tmp / "chapters" / "09_wgmma_tma_gemm" / "README.md").exists():
            self.assertIn("| tune09 bands 32, 0 in flight, cluster 1 | 46.5, 93.0 % |",
                          self.block("chapters/09_wgmma_tma_gemm/README.md", 9))

    def test_recorded_ncu_reports_reach_the_results_page_and_chapter_6(self):
        ncu, ncu_tune = self.run2 / "ncu.txt", self.run2 / "ncu-tune.txt"
        ncu.write_text(NCU_REPORT.format(kernel="void ladder::k06a<1>(ladder::GemmArgsOf<float>)"))
        ncu_tune.write_text(NCU_REPORT.format(kernel="void ladder::cp_async_kernel<ladder::Candidate<2>>(int)"))
        self.record("--ncu", str(ncu), "--ncu-tune", str(ncu_tune))
        record = json.loads((self.tmp / "benchmarks" / "results" / "NVIDIA_H200.json").read_text())
        self.assertEqual(record["profile"]["ladder"][0]["kernel"], "k06a<1>")
        self.assertEqual(self.script("report.py").returncode, 0)
        results_page = self.block("docs/results.md")
        self.assertIn("Nsight Compute on one launch of every kernel", results_page)
        self.assertIn("| `k06a<1>` | 2e+03 | 80% | 70% | 100 | 3.00 | 0.00 | 0.25 | 0.50 |", results_page)
        if (self.tmp / "chapters" / "06_warp_tiling_gemm" / "README.md").exists():
            chapter = self.block("chapters/06_warp_tiling_gemm/README.md", 6)
            self.assertIn("| `cp_async_kernel<Candidate<2>>` |", chapter)
            self.assertNotIn("k06a", chapter, "the ladder's profile is on the results page")
        self.assertNotIn("Nsight Compute", self.block("README.md"), "only the block marked profile has it")
        if (self.tmp / "chapters" / "01_naive_gemm" / "README.md").exists():  # a block marked nsight
            self.assertIn("come from this run's reports, kept beside the record: "
                          "`benchmarks/results/NVIDIA_H200.ncu.txt` and "
                          "`benchmarks/results/NVIDIA_H200.ncu-tune.txt`",
                          self.block("chapters/01_naive_gemm/README.md", 1))

    def test_a_missing_optional_file_is_left_out_with_one_line(self):
        result = self.script("record.py", "--bench", str(self.run2 / "bench.json"), "--ncu", "nowhere/ncu.txt",
                             "--summary", str(self.summary), "--out", str(self.tmp / "out"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stderr.strip(), r"^record.py: warning: nowhere/ncu.txt is missing or empty")
        record = json.loads(next((self.tmp / "out").glob("*.json")).read_text())
        self.assertIsNone(record["profile"])

    def test_a_benchmark_file_cut_short_keeps_its_whole_benchmarks(self):
        # As Google Benchmark lays it out.
        whole = json.dumps(gemm_bench({2048: 91.0, 4096: 96.0, 8192: 92.0}), indent=2)
        entries = len(json.loads(whole)["benchmarks"])
        cut = self.run2 / "bench-cut.json"
        cut.write_text(whole[:whole.rindex('"name"')])  # killed inside the last benchmark
        result = self.script("record.py", "--bench", str(cut), "--summary", str(self.summary),
                             "--out", str(self.tmp / "out"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"was cut short: its {entries - 1} whole benchmarks are recorded", result.stderr)
        record = json.loads(next((self.tmp / "out").glob("*.json")).read_text())
        self.assertEqual(len(record["benchmarks"]["benchmarks"]), entries - 1)
        self.assertTrue(record["benchmarks"]["truncated"])
        cut.write_text(whole[:20])  # not even its list: not a benchmark file
        self.assertEqual(self.script("record.py", "--bench", str(cut), "--summary", str(self.summary),
                                     "--out", str(self.tmp / "out2")).returncode, 1)

    def test_a_missing_bench_is_one_clear_line(self):
        result = self.script("record.py", "--bench", "nowhere/bench.json", "--summary", str(self.summary),
                             "--out", str(self.tmp / "out"))
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr.strip(), r"^record.py: .*nowhere/bench.json")

    def test_files_from_two_gpus_are_refused(self):
        ladder = self.tmp / "ladder-h100.json"
        ladder.write_text(json.dumps({"device": {"name": "NVIDIA H100 80GB HBM3", "runtime_cuda": "13.0"},
                                      "results": []}))
        result = self.script("record.py", "--bench", str(self.run2 / "bench.json"), "--ladder", str(ladder),
                             "--summary", str(self.summary), "--out", str(self.tmp / "out"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("different GPUs", result.stderr)
        self.assertFalse((self.tmp / "out").exists() and any((self.tmp / "out").iterdir()))

    def test_a_conv_ladder_from_another_gpu_is_refused(self):
        ladder_conv = dict(ladder_conv_json(), device={"name": "NVIDIA H100 80GB HBM3"})
        (self.run2 / "ladder_conv.json").write_text(json.dumps(ladder_conv))
        result = self.script("record.py", "--bench", str(self.run2 / "bench.json"), "--ladder-conv",
                             str(self.run2 / "ladder_conv.json"), "--summary", str(self.summary),
                             "--out", str(self.tmp / "out"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("ladder_conv.json: NVIDIA H100 80GB HBM3", result.stderr)

    def test_a_short_run_with_only_the_ladders_is_recorded_and_reported(self):
        result = self.script("record.py", "--summary", str(self.summary), "--ladder", str(self.run2 / "ladder.json"),
                             "--out", str(self.tmp / "benchmarks" / "results"))
        self.assertEqual(result.returncode, 0, result.stderr)
        record = json.loads((self.tmp / "benchmarks" / "results" / "NVIDIA_H200.json").read_text())
        self.assertIsNone(record["benchmarks"])
        result = self.script("report.py")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("GEMM at 4096³, bf16: the ladder program's run", self.block("docs/results.md"))

    def test_a_short_run_does_not_replace_a_record_with_benchmarks_unless_told_to(self):
        self.record()
        results = self.tmp / "benchmarks" / "results"
        short = ["--summary", str(self.summary), "--ladder", str(self.run2 / "ladder.json"), "--out", str(results)]
        result = self.script("record.py", *short)
        self.assertEqual(result.returncode, 1)
        self.assertIn("give --replace", result.stderr)
        self.assertIsNotNone(json.loads((results / "NVIDIA_H200.json").read_text())["benchmarks"], "kept")
        self.assertEqual(self.script("record.py", *short, "--replace").returncode, 0)
        self.assertIsNone(json.loads((results / "NVIDIA_H200.json").read_text())["benchmarks"])

    def test_a_record_of_nothing_is_one_clear_line(self):
        result = self.script("record.py", "--summary", str(self.summary), "--out", str(self.tmp / "out"))
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr.strip(), r"^record.py: nothing to record: give bench_gemm's JSON")
        self.assertFalse((self.tmp / "out").exists())

    def test_a_record_without_conv_results_still_reports(self):
        self.record()  # no --bench-conv, as every record before bench_conv
        result = self.script("report.py")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("GEMM, bf16, against cuBLAS bf16:", self.block("README.md"))
        self.assertNotIn("Convolution", self.block("README.md"))
        if (self.tmp / "chapters" / "10_direct_conv" / "README.md").exists():
            self.assertIn(report.NO_RESULTS, self.block("chapters/10_direct_conv/README.md", 10))


if __name__ == "__main__":
    unittest.main()
