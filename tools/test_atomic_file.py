"""Tests for atomic_file.py: a file is replaced whole or not at all, and keeps its permissions."""
import os
import pathlib
import stat
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import atomic_file  # noqa: E402


class FakeFigure:
    """Stands in for a matplotlib figure: savefig writes its arguments, so the test sees what was asked."""

    def savefig(self, handle, format, dpi):
        handle.write(f"{format} at {dpi} dpi".encode())


class AtomicFileTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.folder = pathlib.Path(self.directory.name)

    def tearDown(self):
        self.directory.cleanup()

    def names(self):
        return sorted(p.name for p in self.folder.iterdir())

    def test_text_and_bytes_replace_the_old_content_and_leave_no_temporary_file(self):
        path = self.folder / "lesson.md"
        path.write_text("old\n")
        atomic_file.write_atomically(path, "new ✓\n")
        self.assertEqual(path.read_text(encoding="utf-8"), "new ✓\n")
        atomic_file.write_atomically(path, b"\x00\x01")
        self.assertEqual(path.read_bytes(), b"\x00\x01")
        self.assertEqual(self.names(), ["lesson.md"])

    def test_a_replaced_file_keeps_its_permissions(self):
        path = self.folder / "record.json"
        path.write_text("{}")
        os.chmod(path, 0o640)
        atomic_file.write_atomically(path, "[]")
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o640)

    def test_a_new_file_gets_what_a_plain_write_would_give_not_the_temporary_files_0600(self):
        plain = self.folder / "plain.json"
        plain.write_text("{}")
        if stat.S_IMODE(plain.stat().st_mode) == 0o600:
            self.skipTest("this umask (077) gives a plain write 0600 too: nothing to tell apart")
        path = self.folder / "new.json"
        atomic_file.write_atomically(path, "{}")
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), stat.S_IMODE(plain.stat().st_mode))

    def test_a_failed_write_leaves_the_old_file_and_removes_the_temporary_one(self):
        path = self.folder / "summary.json"
        path.write_text("complete")
        with self.assertRaises(RuntimeError):
            with atomic_file.replacing(path) as handle:
                handle.write("half")
                raise RuntimeError("interrupted")
        self.assertEqual(path.read_text(), "complete")
        self.assertEqual(self.names(), ["summary.json"])

    def test_a_figure_is_saved_in_the_format_its_suffix_names_into_a_new_folder(self):
        path = self.folder / "charts" / "ladder.png"
        atomic_file.save_figure_atomically(FakeFigure(), path, dpi=110)
        self.assertEqual(path.read_bytes(), b"png at 110 dpi")
        self.assertEqual(sorted(p.name for p in path.parent.iterdir()), ["ladder.png"])


if __name__ == "__main__":
    unittest.main()
