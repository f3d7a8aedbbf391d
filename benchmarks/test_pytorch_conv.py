#!/usr/bin/env python3
"""pytorch_conv.py without PyTorch or a GPU: its reading of bench_conv's layers, its FLOP count, its
timing loop (on stand-in CUDA events), and its one-line errors for bad input."""

import json
import pathlib
import subprocess
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import pytorch_conv  # noqa: E402

# As bench_conv writes its context: the layers as a JSON string (benchmark::AddCustomContext).
LAYERS = [{"name": "lenet-conv2", "n": 32, "c": 6, "h": 14, "w": 14, "k": 16, "r": 5, "s": 5, "stride": 1,
           "padding": 0},
          {"name": "resnet50-stride2", "n": 32, "c": 128, "h": 56, "w": 56, "k": 128, "r": 3, "s": 3, "stride": 2,
           "padding": 1}]


class FakeTorch:
    """The parts of torch that time_conv uses: CUDA events whose elapsed time is fixed."""

    def __init__(self, ms_per_run):
        fake = self

        class Event:
            def __init__(self, enable_timing):
                assert enable_timing

            def record(self):
                pass

            def synchronize(self):
                pass

            def elapsed_time(self, other):
                return fake.ms_per_run

        class Cuda:
            pass

        self.ms_per_run = ms_per_run
        self.cuda = Cuda()
        self.cuda.Event = Event


class Flush:
    def __init__(self):
        self.zeroed = 0

    def zero_(self):
        self.zeroed += 1


class PytorchConvTest(unittest.TestCase):
    def setUp(self):
        self.tmp = pathlib.Path(tempfile.mkdtemp())
        self.bench = self.tmp / "bench_conv.json"
        self.bench.write_text(json.dumps({"context": {"gpu": "X", "conv_layers": json.dumps(LAYERS)},
                                          "benchmarks": []}))

    def script(self, *args):
        return subprocess.run([sys.executable, str(HERE / "pytorch_conv.py"), *args], capture_output=True, text=True)

    def test_the_layers_come_from_bench_convs_context_in_its_order(self):
        layers = pytorch_conv.conv_layers(self.bench)
        self.assertEqual([name for name, _ in layers], ["lenet-conv2", "resnet50-stride2"])
        self.assertEqual(layers[1][1], {key: LAYERS[1][key] for key in LAYERS[1] if key != "name"})

    def test_flops_are_2_n_k_p_q_c_r_s(self):
        self.assertEqual(pytorch_conv.conv_flops(LAYERS[0]), 2 * 32 * 16 * 10 * 10 * 6 * 5 * 5)
        self.assertEqual(pytorch_conv.conv_flops(LAYERS[1]), 2 * 32 * 128 * 28 * 28 * 128 * 3 * 3, "stride 2, pad 1")

    def test_each_timed_run_follows_an_l2_flush_and_the_loop_runs_long_enough(self):
        calls, flush = [], Flush()
        ms, runs = pytorch_conv.time_conv(FakeTorch(2.0), lambda: calls.append(1), flush, min_seconds=0.1)
        self.assertEqual((ms, runs), (2.0, 50), "0.1 s at 2 ms a run")
        self.assertEqual(len(calls), runs + 1, "one untimed run first")
        self.assertEqual(flush.zeroed, runs)
        self.assertEqual(pytorch_conv.time_conv(FakeTorch(50.0), lambda: None, Flush(), 0.1)[1], 10,
                         "at least ten runs, however slow")

    def test_a_bench_conv_json_without_layers_is_one_clear_line(self):
        self.bench.write_text(json.dumps({"context": {"gpu": "X"}, "benchmarks": []}))
        result = self.script("--bench-conv", str(self.bench), "--out", str(self.tmp / "out.json"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("names no layers", result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)
        self.assertFalse((self.tmp / "out.json").exists())

    def test_a_layer_with_a_bad_shape_is_refused(self):
        bad = [dict(LAYERS[0], k=0)]
        self.bench.write_text(json.dumps({"context": {"conv_layers": json.dumps(bad)}}))
        result = self.script("--bench-conv", str(self.bench), "--out", str(self.tmp / "out.json"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("'lenet-conv2' lacks a valid", result.stderr)

    def test_unknown_layers_and_bad_times_are_usage_errors(self):
        result = self.script("--bench-conv", str(self.bench), "--out", "o.json", "--layers", "lenet-conv2,nope")
        self.assertEqual(result.returncode, 2)
        self.assertIn("nope not among bench_conv's layers (lenet-conv2, resnet50-stride2)", result.stderr)
        result = self.script("--bench-conv", str(self.bench), "--out", "o.json", "--min-seconds", "0")
        self.assertEqual(result.returncode, 2)
        self.assertIn("give a time in (0, 60]", result.stderr)

    def test_a_missing_file_is_one_clear_line(self):
        result = self.script("--bench-conv", str(self.tmp / "none.json"), "--out", "o.json")
        self.assertEqual(result.returncode, 1)
        self.assertTrue(result.stderr.startswith("pytorch_conv.py: "), result.stderr)


if __name__ == "__main__":
    unittest.main()
