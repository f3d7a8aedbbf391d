#!/usr/bin/env python3
"""CPU tests of the recording pipeline (record.py -> results JSON -> report.py tables),
on synthetic Google Benchmark output, so the first GPU run cannot fail in it.

    python3 benchmarks/test_report.py      # also run by CTest (record_and_report_pipeline)
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import report  # noqa: E402


def bench_entry(rung, size, ms, pct=None, error=False):
    entry = {"name": f"gemm/{rung}/{size}/manual_time", "run_type": "iteration", "real_time": ms,
             "time_unit": "ms", "TFLOP/s": 2 * size**3 / (ms * 1e-3) / 1e12}
    if pct is not None:
        entry["pct_of_cublas"] = pct
    if error:
        entry = {"name": entry["name"], "run_type": "iteration", "error_occurred": True,
                 "error_message": "needs 16-byte aligned pointers"}
    return entry


def synthetic_run(simt_pct_by_size):
    benches = []
    for size, pct in simt_pct_by_size.items():
        cublas_ms = 2.0 * (size / 4096) ** 3
        benches.append(bench_entry("cuBLAS", size, cublas_ms))
        benches.append(bench_entry("06 warp tiling 128x128x8", size, cublas_ms * 100 / pct, pct))
        benches.append(bench_entry("01 naive", size, cublas_ms * 30, 100 / 30))
    benches.append(bench_entry("05 vectorized", 257, 1.0, error=True))
    return {"context": {"gpu": "NVIDIA H200", "driver": "1", "cuda": "13.0", "commit": "0123456789abcdef",
                        "date": "2026-11-21"},
            "benchmarks": {"benchmarks": benches}, "_file": "NVIDIA_H200.json"}


class ReportTest(unittest.TestCase):
    def test_rows_parse_manual_time_names_and_skip_errors(self):
        rows = report.rung_rows(synthetic_run({4096: 96.0}))
        self.assertEqual(set(rows), {"cuBLAS", "06 warp tiling 128x128x8", "01 naive"})
        self.assertAlmostEqual(rows["06 warp tiling 128x128x8"][4096][2], 96.0)

    def test_chapter_table_keeps_its_rungs_and_cublas(self):
        text = report.table(synthetic_run({4096: 96.0}), chapter=6)
        self.assertIn("| cuBLAS |", text)
        self.assertIn("100 (reference)", text)
        self.assertIn("06 warp tiling 128x128x8", text)
        self.assertNotIn("01 naive", text)

    def test_targets_met(self):
        line = report.simt_targets(report.rung_rows(synthetic_run({2048: 91.0, 4096: 96.0, 8192: 92.0})))
        self.assertIn("96.0 % of cuBLAS at 4096³", line)
        self.assertIn("91.0 % at 2048³", line)
        self.assertNotIn("not met", line)

    def test_targets_missed(self):
        line = report.simt_targets(report.rung_rows(synthetic_run({2048: 85.0, 4096: 96.0, 8192: 92.0})))
        self.assertIn("85.0 % at 2048³ (target ≥ 90 %: **not met**)", line)
        line = report.simt_targets(report.rung_rows(synthetic_run({4096: 80.0})))
        self.assertIn("(target ≥ 95 %: **not met**)", line)


class RecordTest(unittest.TestCase):
    def test_record_bundles_context_with_a_fake_nvidia_smi(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            fake = tmp / "nvidia-smi"
            fake.write_text("#!/bin/sh\necho 'NVIDIA H200, 570.10, 1980, 3201, 1755'\n")
            fake.chmod(0o755)
            bench, ladder = tmp / "bench.json", tmp / "ladder.json"
            bench.write_text(json.dumps({"benchmarks": [bench_entry("cuBLAS", 4096, 2.0)]}))
            ladder.write_text(json.dumps({"device": {"runtime_cuda": "13.0"}, "results": []}))
            env = dict(os.environ, PATH=f"{tmp}:{os.environ['PATH']}", LADDER_COMMIT="abc")
            subprocess.run([sys.executable, str(HERE / "record.py"), "--bench", str(bench), "--ladder", str(ladder),
                            "--out", str(tmp / "results")], check=True, env=env, capture_output=True, cwd=tmp)
            record = json.loads((tmp / "results" / "NVIDIA_H200.json").read_text())
            self.assertEqual(record["context"]["gpu"], "NVIDIA H200")
            self.assertEqual(record["context"]["cuda"], "13.0")
            self.assertEqual(record["context"]["sm_clock_at_record_mhz"], "1755")
            self.assertEqual(len(record["benchmarks"]["benchmarks"]), 1)
            self.assertIsNone(record["context"]["tests"], "no summary: the tests were not part of this record")

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
            bench.write_text(json.dumps({"benchmarks": [bench_entry("cuBLAS", 4096, 2.0)]}))
            env = dict(os.environ, PATH="/nonexistent", LADDER_COMMIT="abc")  # no nvidia-smi: the summary says it all
            subprocess.run([sys.executable, str(HERE / "record.py"), "--summary", str(first), "--summary", str(second),
                            "--bench", str(bench), "--out", str(tmp / "results")], check=True, env=env,
                           capture_output=True, cwd=tmp)
            context = json.loads((tmp / "results" / "NVIDIA_H100_80GB_HBM3.json").read_text())["context"]
            self.assertEqual(context["tests"], {"passed": 600, "failed": 0, "skipped": 20})
            self.assertEqual(context["sanitizer"], {"runs": 6, "clean": 6})
            self.assertEqual((context["driver"], context["sm_clock_mhz"]), ("580.1", "1980"))
            self.assertEqual(context["sm_clock_at_record_mhz"], "1980", "the later summary wins")


if __name__ == "__main__":
    unittest.main()
