#!/usr/bin/env python3
"""tools/kernel_length.py on hand-written sources: what it counts as a kernel, and where one ends.

    python3 tools/test_kernel_length.py      # also run by CTest (kernel_length_tool)
"""
import pathlib
import sys
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from kernel_length import kernel_lengths  # noqa: E402

SOURCE = """\
template <class Cfg>
__global__ void __launch_bounds__(128)
    copy_kernel(const float* in, float* out) {
  // a brace in a comment: {
  const char* text = "} and {";
  if (threadIdx.x == 0) {
    out[0] = in[0];
  }
}
__global__ void declared_only(float* out);
/// __global__ in a comment starts nothing
__global__ void one_line(float* out) { out[0] = 1.0f; }
"""


class KernelLengthTest(unittest.TestCase):
    def test_kernels_are_counted_from_global_to_their_closing_brace(self):
        self.assertEqual(kernel_lengths(SOURCE), [(2, 8), (12, 1)])

    def test_braces_in_strings_and_comments_do_not_end_a_kernel(self):
        unbalanced = SOURCE.replace('"} and {"', '"}}}"')
        self.assertEqual(kernel_lengths(unbalanced)[0], (2, 8))

    def test_braces_in_block_comments_do_not_end_a_kernel(self):
        commented = SOURCE.replace("  // a brace in a comment: {\n", "  /* a brace } over\n     two lines } */\n")
        self.assertEqual(kernel_lengths(commented)[0], (2, 9))

    def test_a_block_comment_opener_in_a_line_comment_or_string_opens_nothing(self):
        hidden = SOURCE.replace("  // a brace in a comment: {\n", "  // chapters/*/README.md\n  const char* glob = \"a/*\";\n")
        self.assertEqual(kernel_lengths(hidden)[0], (2, 9))

    def test_a_longer_body_is_a_longer_kernel(self):
        longer = SOURCE.replace("    out[0] = in[0];\n", "    out[0] = in[0];\n" * 70)
        self.assertEqual(kernel_lengths(longer)[0], (2, 77))


if __name__ == "__main__":
    unittest.main()
