#!/usr/bin/env python3
"""tools/mnist_idx.py without the 17 MB pickle: the IDX headers chapter 14 reads, the checks that
refuse anything but deeplearning.net's MNIST, and (where numpy is installed) the way back from
byte / 256 to the bytes.

    python3 tools/test_mnist_idx.py      # also run by CTest (mnist_idx_tool)
"""
import gzip
import importlib.util
import pathlib
import struct
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import mnist_idx  # noqa: E402

HAVE_NUMPY = importlib.util.find_spec("numpy") is not None


class IdxFormatTest(unittest.TestCase):
    def test_image_and_label_headers_are_big_endian_idx(self):
        pixels = bytes(range(256)) * 6 + bytes(32)  # two 28 x 28 images
        images = mnist_idx.idx_images(pixels, 2)
        self.assertEqual(struct.unpack(">IIII", images[:16]), (0x803, 2, 28, 28))
        self.assertEqual(images[16:], pixels)
        labels = mnist_idx.idx_labels([7, 2, 1])
        self.assertEqual(labels, bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]))

    def test_written_files_are_gzip_with_no_timestamp_and_replace_atomically(self):
        with tempfile.TemporaryDirectory() as folder:
            path = pathlib.Path(folder) / "t10k-labels-idx1-ubyte.gz"
            mnist_idx.write_gzip(path, b"first")
            first = path.read_bytes()
            mnist_idx.write_gzip(path, b"first")
            self.assertEqual(path.read_bytes(), first, "the same input, the same bytes")
            self.assertEqual(first[4:8], bytes(4), "mtime 0 in the gzip header")
            self.assertEqual(gzip.decompress(first), b"first")
            self.assertEqual([p.name for p in pathlib.Path(folder).iterdir()], [path.name], "no .tmp left")


class RefusalTest(unittest.TestCase):
    def test_another_file_is_refused_by_its_digest_before_it_is_unpickled(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaisesRegex(ValueError, "not the pinned"):
                mnist_idx.convert(gzip.compress(b"not a pickle"), pathlib.Path(folder))
            self.assertEqual(list(pathlib.Path(folder).iterdir()), [], "nothing written")

    def test_class_counts_must_be_mnists(self):
        labels = [digit for digit, count in enumerate(mnist_idx.TEST_COUNTS) for _ in range(count)]
        mnist_idx.check_counts(labels, mnist_idx.TEST_COUNTS, "test")
        labels[0] = 1  # one zero relabelled
        with self.assertRaisesRegex(ValueError, r"test: class counts \(979, 1136,"):
            mnist_idx.check_counts(labels, mnist_idx.TEST_COUNTS, "test")

    def test_mnists_published_class_counts(self):
        self.assertEqual(sum(mnist_idx.TRAIN_COUNTS), 60000)
        self.assertEqual(sum(mnist_idx.TEST_COUNTS), 10000)


@unittest.skipUnless(HAVE_NUMPY, "needs numpy (python3-numpy), as the conversion does")
class PixelTest(unittest.TestCase):
    def test_256ths_come_back_as_the_bytes(self):
        import numpy as np

        pixels = np.arange(2 * 784, dtype=np.int64) % 256
        self.assertEqual(mnist_idx.to_bytes((pixels / 256).astype(np.float32).reshape(2, 784), 2),
                         bytes(int(p) for p in pixels))

    def test_a_pixel_that_is_not_a_256th_or_a_wrong_shape_is_refused(self):
        import numpy as np

        images = np.zeros((1, 784), dtype=np.float32)
        images[0, 5] = 0.3
        with self.assertRaisesRegex(ValueError, "256ths"):
            mnist_idx.to_bytes(images, 1)
        with self.assertRaisesRegex(ValueError, "not 2 x 784"):
            mnist_idx.to_bytes(np.zeros((1, 784), dtype=np.float32), 2)


if __name__ == "__main__":
    unittest.main()
