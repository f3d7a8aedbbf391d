#!/usr/bin/env python3
"""tools/ptxas_log.sh and tools/ptxas_report.py's serialised-wgmma check, on a stand-in compiler.

    python3 tools/test_ptxas_log.py      # also run by CTest (ptxas_log_tool)

The stand-in prints what ptxas prints on stderr: resource lines, a warning, and the note that a
kernel's wgmma were serialised. The report must keep the resource lines and the note, and the
check must find the note; the warning and the note must still reach the compiler's stderr.
"""
import pathlib
import subprocess
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from ptxas_report import serialized_wgmma  # noqa: E402

PTXAS_OUTPUT = """\
ptxas info    : 0 bytes gmem
ptxas info    : Compiling entry function '_Z6kernelv' for 'sm_90a'
ptxas info    : Function properties for _Z6kernelv
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 168 registers, used 1 barriers
some_file.cu(3): warning #177-D: variable "unused" was declared but never referenced
ptxas info    : (C7515) Potential Performance Loss: wgmma.mma_async instructions are serialized due to \
the presence of Extern calls in the function '_Z6kernelv'
"""


class PtxasLogTest(unittest.TestCase):
    def compile(self, build, output):
        stand_in = build / "compiler.sh"
        stand_in.write_text("#!/usr/bin/env bash\ncat >&2 <<'OUT'\n" + output + "OUT\n")
        stand_in.chmod(0o755)
        return subprocess.run(["bash", str(HERE / "ptxas_log.sh"), str(stand_in), "-o", str(build / "rung.cu.o")],
                              capture_output=True, text=True)

    def test_the_report_keeps_the_resources_and_the_serialised_wgmma_note(self):
        with tempfile.TemporaryDirectory() as folder:
            build = pathlib.Path(folder)
            done = self.compile(build, PTXAS_OUTPUT)
            self.assertEqual(done.returncode, 0, done.stderr)
            report = (build / "rung.cu.o.ptxas").read_text()
            self.assertIn("Used 168 registers", report)
            self.assertIn("0 bytes stack frame", report)
            self.assertNotIn("warning #177", report)
            self.assertIn("warning #177", done.stderr, "other output passes through")
            self.assertIn("are serialized", done.stderr, "the note is shown as well as kept")
            self.assertNotIn("Used 168 registers", done.stderr)
            self.assertEqual([kernel for _, kernel in serialized_wgmma(build)], ["_Z6kernelv"])

    def test_a_kernel_that_is_not_serialised_passes(self):
        with tempfile.TemporaryDirectory() as folder:
            build = pathlib.Path(folder)
            self.assertEqual(self.compile(build, PTXAS_OUTPUT.split("ptxas info    : (C7515)")[0]).returncode, 0)
            self.assertEqual(serialized_wgmma(build), [])


if __name__ == "__main__":
    unittest.main()
