#!/usr/bin/env python3
"""pytorch_lenet.py's pure-Python half against the project's own output, without PyTorch.

Run in the folder where chapter 14's CLI fixture left a run (CTest does): run.json and
initial.ckpt from `ch14_mnist_cnn --json run.json --save-initial initial.ckpt`, and the synthetic
digits it wrote there as IDX files. The script's shuffle must give the order the C++ program
recorded, its checkpoint reader must read the C++ checkpoint, and its IDX reader the C++ files.
"""

import json
import os
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pytorch_lenet  # noqa: E402

NAMES = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight",
         "fc2.bias", "fc3.weight", "fc3.bias"]


class AgainstTheProject(unittest.TestCase):
    def setUp(self):
        self.run = json.loads(Path("run.json").read_text())

    def test_the_shuffle_is_the_projects(self):
        order = pytorch_lenet.epoch_orders(self.run["seed"], self.run["train_images"], 2)
        self.assertEqual(order[0][:16], self.run["first_epoch_order_head"])
        self.assertEqual(sorted(order[0]), list(range(self.run["train_images"])))
        self.assertNotEqual(order[0], order[1], "the second epoch goes on with the stream")

    def test_the_checkpoint_reads(self):
        tensors = pytorch_lenet.read_checkpoint("initial.ckpt")
        self.assertEqual([name for name, _, _ in tensors], NAMES)
        self.assertEqual(tensors[0][1], [6, 1, 5, 5])
        self.assertEqual(len(tensors[4][2]), 4 * 120 * 400)
        data = bytearray(Path("initial.ckpt").read_bytes())
        data[100] ^= 1
        with tempfile.NamedTemporaryFile(suffix=".ckpt", delete=False) as damaged:
            damaged.write(data)
        try:
            with self.assertRaisesRegex(ValueError, "checksum mismatch"):
                pytorch_lenet.read_checkpoint(damaged.name)
        finally:
            os.unlink(damaged.name)

    def test_the_idx_files_read(self):
        pixels, labels, side = pytorch_lenet.load_split(Path("."), "train", self.run["train_images"])
        self.assertEqual(side, 28)
        self.assertEqual(len(pixels), self.run["train_images"] * 28 * 28)
        self.assertTrue(all(label < 10 for label in labels))
        with self.assertRaisesRegex(ValueError, "the files hold"):
            pytorch_lenet.load_split(Path("."), "t10k", 10 ** 6)

    def test_an_augmented_run_is_refused_before_pytorch_is_needed(self):
        self.assertTrue(self.run["augment"])
        status = pytorch_lenet.main(["--ours", "run.json", "--weights", "initial.ckpt", "--data", ".", "--out",
                                     os.devnull])
        self.assertEqual(status, 1)

    def test_an_unknown_mode_is_refused(self):
        with self.assertRaises(SystemExit) as stop:
            pytorch_lenet.main(["--ours", "run.json", "--weights", "initial.ckpt", "--data", ".", "--out", os.devnull,
                                "--modes", "eager fp32,compiled fp16"])
        self.assertEqual(stop.exception.code, 2)


if __name__ == "__main__":
    unittest.main()
