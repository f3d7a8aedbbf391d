#!/usr/bin/env python3
"""tools/check_site.py on small hand-written sites and hand-encoded PNGs: broken links found and named, external
links left alone, every PNG filter undone, and render skipped (77) where there is no browser."""
import os
import pathlib
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

TOOLS = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(TOOLS))
import check_site  # noqa: E402

SCRIPT = TOOLS / "check_site.py"

# A site whose every local link is good, with the kinds of link Doxygen writes, and external ones to skip.
GOOD_SITE = {
    "index.html": """<!DOCTYPE html><html><head>
        <link href="style.css" rel="stylesheet"><script src="js/menu.js"></script></head>
        <body><a id="top"></a><h1>Kernel Ladder</h1>
        <a href="other.html">other</a> <a href="other.html#section">a section</a> <a name="named"></a>
        <a href="#top">top</a> <a href="#named">named</a> <a href="#">nothing</a> <a href="other.html?x=1&amp;y=2">q</a>
        <a href="sub/my%20page.html#deep">a space</a> <a href="sub/">directory</a>
        <img src="img/logo.png"> <object data="img/logo.png"></object> <iframe src="other.html"></iframe>
        <a href="https://example.com/missing.html">web</a> <a href="//cdn.example.com/x.js">cdn</a>
        <a href="mailto:someone@example.com">mail</a> <a href="javascript:void(0)">js</a>
        <img src="data:image/png;base64,AAAA"> <a href="file://host/share/x.html">share</a>
        <a href="">empty</a>
        <script>document.write('<a href="generated.html">not in the HTML</a>');</script>
        </body></html>""",
    "other.html": '<html><body><h2 id="section">Section</h2><a href="index.html#top">back</a></body></html>',
    "sub/my page.html": '<html><body><p id="deep">deep</p><a href="../index.html">up</a></body></html>',
    "sub/index.html": '<html><body><a href="../other.html#section">x</a></body></html>',
    "style.css": "body { color: black; }",
    "js/menu.js": "// menu",
    "img/logo.png": "not really a PNG: only its existence is checked",
}


def write_site(root: pathlib.Path, files: dict):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run(*arguments, env=None):
    return subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, env=env)


class LinksTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.root = pathlib.Path(self.directory.name) / "html"
        write_site(self.root, GOOD_SITE)

    def tearDown(self):
        self.directory.cleanup()

    def links(self):
        return run("links", "--html", str(self.root))

    def assert_broken(self, page: str, body: str, expected: str):
        """Add `page` with `body` to the good site: the checker must fail and name exactly that link."""
        write_site(self.root, {page: f"<html><body>{body}</body></html>"})
        result = self.links()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        broken = [line for line in result.stdout.splitlines() if ": broken link " in line]
        self.assertEqual(broken, [expected])
        self.assertIn(", 1 broken", result.stdout)

    def test_a_good_site_passes(self):
        result = self.links()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.strip(), "check_site: 4 pages, 14 local links, 0 broken")

    def test_a_missing_page(self):
        self.assert_broken("bad.html", '<a href="missing.html">x</a>',
                           "bad.html: broken link missing.html (no such file)")

    def test_a_missing_image(self):
        self.assert_broken("bad.html", '<img src="img/gone.png">', "bad.html: broken link img/gone.png (no such file)")

    def test_a_missing_page_in_a_subdirectory_resolves_from_the_page(self):
        # ../logo.png from sub/ is logo.png at the root, which does not exist (it is img/logo.png).
        self.assert_broken("sub/bad.html", '<img src="../logo.png">',
                           "sub/bad.html: broken link ../logo.png (no such file)")

    def test_a_missing_anchor_on_another_page(self):
        self.assert_broken("bad.html", '<a href="other.html#nowhere">x</a>',
                           "bad.html: broken link other.html#nowhere (no anchor #nowhere)")

    def test_a_missing_anchor_on_the_same_page(self):
        self.assert_broken("bad.html", '<p id="here"></p><a href="#here">ok</a><a href="#nowhere">x</a>',
                           "bad.html: broken link #nowhere (no anchor #nowhere)")

    def test_a_name_on_anything_but_a_link_is_not_an_anchor(self):
        self.assert_broken("bad.html", '<meta name="viewport"><a href="#viewport">x</a>',
                           "bad.html: broken link #viewport (no anchor #viewport)")

    def test_a_repeated_broken_link_is_reported_once_per_page(self):
        self.assert_broken("bad.html", '<a href="gone.html">1</a><a href="gone.html">2</a>',
                           "bad.html: broken link gone.html (no such file)")

    def test_external_links_are_ignored(self):
        write_site(self.root, {"external.html": '<a href="https://example.com/nothing.html#x">x</a>'
                                                '<a href="http://example.com/">y</a><img src="https://e.com/i.png">'})
        result = self.links()
        self.assertEqual(result.returncode, 0, result.stdout)
        self.assertIn("5 pages, 14 local links, 0 broken", result.stdout)  # the same 14 as the good site

    def test_no_directory_or_no_pages_is_an_error(self):
        result = run("links", "--html", str(self.root / "nothing"))
        self.assertEqual(result.returncode, 2)
        self.assertIn("no such directory", result.stderr)
        empty = self.root / "empty"
        empty.mkdir()
        result = run("links", "--html", str(empty))
        self.assertEqual(result.returncode, 2)
        self.assertIn("no .html pages", result.stderr)


def filter_row(kind: int, row: bytes, above: bytes, bpp: int) -> bytes:
    """The encoder's side of PNG filtering, written independently of the decoder: each byte minus its prediction."""
    out = bytearray()
    for i, value in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = above[i]
        c = above[i - bpp] if i >= bpp else 0
        p = a + b - c
        nearest = min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]  # ties: a, then b, then c
        prediction = [0, a, b, (a + b) // 2, nearest][kind]
        out.append((value - prediction) % 256)
    return bytes(out)


def encode_png(width: int, height: int, colour_type: int, rows: list, filters=(0,)) -> bytes:
    """A PNG with 8-bit samples; row y uses filter type filters[y % len(filters)]. IDAT split in two chunks."""
    bpp = check_site.CHANNELS[colour_type]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw, above = bytearray(), bytes(width * bpp)
    for y, row in enumerate(rows):
        kind = filters[y % len(filters)]
        raw += bytes([kind]) + filter_row(kind, row, above, bpp)
        above = row
    data = zlib.compress(bytes(raw))
    half = len(data) // 2
    return (check_site.PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", data[:half]) + chunk(b"IDAT", data[half:]) + chunk(b"IEND", b""))


class PngTest(unittest.TestCase):
    def colours(self, png: bytes) -> int:
        return check_site.distinct_colours(*check_site.decode_png(png))

    def test_one_solid_colour(self):
        rows = [bytes([30, 60, 90]) * 5 for _ in range(4)]
        png = encode_png(5, 4, 2, rows)
        self.assertEqual(check_site.decode_png(png), (5, 4, 3, bytearray(b"".join(rows))))
        self.assertEqual(self.colours(png), 1)

    def test_two_colours(self):
        red, blue = bytes([255, 0, 0]), bytes([0, 0, 255])
        rows = [red * 3 + blue * 3, blue * 6]
        self.assertEqual(self.colours(encode_png(6, 2, 2, rows)), 2)

    def test_every_filter_type_is_undone(self):
        # A gradient with noise, so that every prediction is wrong by some amount and wraps around 256 sometimes.
        width, height = 7, 10
        for colour_type, bpp in ((2, 3), (6, 4), (0, 1)):
            rows = [bytes((x * 37 + y * 91 + c * 53 + (x * y) % 7 * 40) % 256 for x in range(width) for c in range(bpp))
                    for y in range(height)]
            with self.subTest(colour_type=colour_type):
                png = encode_png(width, height, colour_type, rows, filters=(0, 1, 2, 3, 4))
                self.assertEqual(check_site.decode_png(png), (width, height, bpp, bytearray(b"".join(rows))))

    def test_a_damaged_png_is_refused(self):
        png = bytearray(encode_png(2, 2, 2, [bytes(6), bytes(6)]))
        png[-20] ^= 0xFF  # inside the last IDAT chunk: its CRC no longer matches
        with self.assertRaisesRegex(ValueError, "CRC"):
            check_site.decode_png(bytes(png))
        with self.assertRaisesRegex(ValueError, "not a PNG"):
            check_site.decode_png(b"GIF89a")


class RenderTest(unittest.TestCase):
    def test_no_browser_skips_with_77(self):
        with tempfile.TemporaryDirectory() as empty:
            env = dict(os.environ, PATH=empty)
            result = run("render", "--html", empty, "--page", "index.html", "--out", empty, env=env)
        self.assertEqual(result.returncode, check_site.SKIP, result.stdout + result.stderr)
        self.assertIn("no headless browser", result.stdout)


if __name__ == "__main__":
    unittest.main()
