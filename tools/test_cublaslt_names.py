#!/usr/bin/env python3
"""tools/cublaslt_names.py on a hand-written header, and on the toolkit's cublasLt.h where there is one.

    python3 tools/test_cublaslt_names.py [CUDA include folder ...]

The folders (CTest passes CUDAToolkit_INCLUDE_DIRS) are searched for
cublasLt.h; without one only the hand-written header is checked.
"""
import pathlib
import re
import subprocess
import sys
import tempfile
import unittest

TOOLS = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
import cublaslt_names  # noqa: E402

# Explicit and implicit values, comments inside the enum, an alias (a name
# used as a value), and an enum of another name between them that must not be read.
HEADER = """
typedef enum {
  CUBLASLT_MATMUL_TILE_UNDEFINED = 0, /* none reported */
  CUBLASLT_MATMUL_TILE_8x8 = 1,
  CUBLASLT_MATMUL_TILE_8x16,          // implicit: 2
  /** a comment, with = and , inside */
  CUBLASLT_MATMUL_TILE_128x256 = 0x17,
  CUBLASLT_MATMUL_TILE_256x128,
  CUBLASLT_MATMUL_TILE_OLD_8x16 = CUBLASLT_MATMUL_TILE_8x16,
  CUBLASLT_MATMUL_TILE_END
} cublasLtMatmulTile_t;

typedef enum {
  CUBLASLT_CLUSTER_SHAPE_AUTO = 0,
  CUBLASLT_CLUSTER_SHAPE_1x1x1 = 2,
} cublasLtClusterShape_t;

typedef enum {
  CUBLASLT_MATMUL_STAGES_UNDEFINED = 0,
  CUBLASLT_MATMUL_STAGES_16x1 = 1,
  CUBLASLT_MATMUL_STAGES_64x4 = 16,
  CUBLASLT_MATMUL_STAGES_64xAUTO = 35,
  CUBLASLT_MATMUL_STAGES_END
} cublasLtMatmulStages_t;
"""


def entries(generated: str, table: str) -> list:
    """[(value, name), ...] of one table of a generated .inc file."""
    body = re.search(table + r" = \{(.*?)\n\};", generated, flags=re.DOTALL)
    assert body is not None, f"no table {table}"
    return [(int(value), name) for value, name in re.findall(r'\{(\d+), "([^"]+)"\}', body.group(1))]


def real_header():
    """The toolkit's cublasLt.h from the folders on the command line, or None."""
    for folder in sys.argv[1:]:
        candidate = pathlib.Path(folder) / "cublasLt.h"
        if candidate.is_file():
            return candidate
    return None


class HandWrittenHeaderTest(unittest.TestCase):
    def test_values_explicit_implicit_and_by_name(self):
        values = cublaslt_names.parse_enum(HEADER, "cublasLtMatmulTile_t")
        self.assertEqual(values["CUBLASLT_MATMUL_TILE_8x16"], 2)
        self.assertEqual(values["CUBLASLT_MATMUL_TILE_128x256"], 23)
        self.assertEqual(values["CUBLASLT_MATMUL_TILE_256x128"], 24)
        self.assertEqual(values["CUBLASLT_MATMUL_TILE_OLD_8x16"], 2)
        self.assertEqual(values["CUBLASLT_MATMUL_TILE_END"], 3)  # one more than the alias, as in C

    def test_the_tables_drop_the_prefix_undefined_and_end(self):
        generated = cublaslt_names.generate(HEADER, "test.h")
        # The alias keeps the first name; END (3) is not a shape.
        self.assertEqual(entries(generated, "kCublasLtTileNames"),
                         [(1, "8x8"), (2, "8x16"), (23, "128x256"), (24, "256x128")])
        self.assertEqual(entries(generated, "kCublasLtStagesNames"), [(1, "16x1"), (16, "64x4"), (35, "64xAUTO")])

    def test_a_value_it_cannot_read_is_an_error(self):
        broken = HEADER.replace("= 0x17", "= SOME_MACRO(3)")
        with self.assertRaises(ValueError):
            cublaslt_names.generate(broken, "test.h")

    def test_a_missing_enum_is_an_error(self):
        with self.assertRaises(ValueError):
            cublaslt_names.generate(HEADER.replace("cublasLtMatmulStages_t", "somethingElse_t"), "test.h")

    def test_the_command_line_writes_the_file(self):
        with tempfile.TemporaryDirectory() as folder:
            header = pathlib.Path(folder) / "cublasLt.h"
            header.write_text(HEADER)
            output = pathlib.Path(folder) / "generated" / "cublaslt_names.inc"
            subprocess.run([sys.executable, str(TOOLS / "cublaslt_names.py"), "--header", str(header), "--output",
                            str(output)], check=True)
            self.assertIn('{23, "128x256"}', output.read_text())


@unittest.skipIf(real_header() is None, "no cublasLt.h in the folders given on the command line")
class RealHeaderTest(unittest.TestCase):
    def setUp(self):
        self.generated = cublaslt_names.generate(real_header().read_text(), "cublasLt.h")

    def test_known_shapes_are_there(self):
        tiles = dict(entries(self.generated, "kCublasLtTileNames"))
        stages = dict(entries(self.generated, "kCublasLtStagesNames"))
        self.assertIn("128x256", tiles.values())
        self.assertIn("64x4", stages.values())
        self.assertNotIn(0, tiles)  # UNDEFINED
        self.assertNotIn("END", tiles.values())

    def test_values_and_names_are_unique(self):
        for table in ("kCublasLtTileNames", "kCublasLtStagesNames"):
            values, names = zip(*entries(self.generated, table))
            self.assertEqual(len(set(values)), len(values), table)
            self.assertEqual(len(set(names)), len(names), table)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
