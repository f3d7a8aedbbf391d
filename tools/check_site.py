#!/usr/bin/env python3
"""Checks the documentation site that Doxygen built: its local links, and that its pages render.

links reads every *.html page under --html and follows each local href=, src= and
<object data=> target: the file must exist, and a #fragment must name an id= (or
an <a name=>) on the page it points at. External targets (http:, mailto:, ...)
are not followed. Only what is literally in the HTML is checked: the links that
Doxygen's scripts add while the page runs (navigation tree, search) are not.

    python3 tools/check_site.py links --html build/docs/html

render opens pages in a headless Chromium, keeps a screenshot of each under --out,
and fails when a screenshot is all but blank (fewer than 8 colours: the theme's CSS
or the page's scripts broke) or when the DOM, after the scripts ran, is empty or
lacks an --expect text. It exits 77 (CTest's skip code) when no Chromium is on PATH.

    python3 tools/check_site.py render --html build/docs/html --page index.html \\
        --page md_chapters_01_naive_gemm_README.html --out /tmp/site-shots --expect "Kernel Ladder"
"""
import argparse
import html
import os
import pathlib
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

SKIP = 77
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# --no-sandbox: Chromium refuses to start as root (CI containers) with its sandbox on.
# --virtual-time-budget: lets the page's scripts and timers run before the screenshot or the DOM dump.
HEADLESS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=2000"]
WINDOW = "1280,1600"
MIN_COLOURS = 8  # a rendered page has text, borders and anti-aliasing: far more colours than this
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> bytes per pixel at 8 bits: grey, RGB, grey+alpha, RGBA
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


# ---------------------------------------------------------------------------------------------------------------
# links
# ---------------------------------------------------------------------------------------------------------------

class PageParser(HTMLParser):
    """The link targets of one page, and the names a #fragment can point at on it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)  # so that href="a.html?x=1&amp;y=2" arrives unescaped
        self.targets = []
        self.anchors = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            # HTML: a fragment selects the element with that id, or else the <a> with that name.
            if name == "id" or (name == "name" and tag == "a"):
                self.anchors.add(value)
            # <base href> changes how the others resolve instead of being a link; Doxygen does not write one.
            elif (name in ("href", "src") and tag != "base") or (name == "data" and tag == "object"):
                self.targets.append(value.strip())


class Site:
    """The pages under one directory, each parsed at most once: a page is read for its own links and again
    whenever another page links to an anchor on it."""

    def __init__(self, root: pathlib.Path):
        self.root = root
        self._parsed = {}

    def parse(self, page: pathlib.Path) -> PageParser:
        if page not in self._parsed:
            parser = PageParser()
            parser.feed(page.read_bytes().decode("utf-8", errors="replace"))
            parser.close()
            self._parsed[page] = parser
        return self._parsed[page]

    def resolve(self, page: pathlib.Path, target: str):
        """(file, fragment) that a link on `page` points at, or None when it is empty or leaves the site."""
        parts = urlsplit(target)
        if not target or parts.netloc or (parts.scheme and parts.scheme != "file"):
            return None  # empty, http://..., //cdn..., mailto:, javascript:, data:, file://host/...
        path = unquote(parts.path)
        if parts.scheme == "file":
            file = pathlib.Path(path)
        elif not path:
            file = page  # "#anchor" or "?query": this same page
        elif path.startswith("/"):
            file = self.root / path.lstrip("/")  # a web server would serve "/x.html" from the site's root
        else:
            file = page.parent / path
        # normpath, not resolve(): "a/../b.html" must name the same cache entry as "b.html", symlinks or not.
        return pathlib.Path(os.path.normpath(file)), parts.fragment

    def problem(self, page: pathlib.Path, target: str):
        """Why a link is broken ("no such file", "no anchor #x"), None when it is fine or not ours to check."""
        resolved = self.resolve(page, target)
        if resolved is None:
            return None
        file, fragment = resolved
        if file.is_dir() and (file / "index.html").is_file():
            file = file / "index.html"  # "chapter/" is served as chapter/index.html
        if not file.is_file():
            return "no such file"
        # Only an HTML page has anchors we can read; "#" alone is the top of the page.
        if fragment and file.suffix in HTML_SUFFIXES:
            anchors = self.parse(file).anchors
            if fragment not in anchors and unquote(fragment) not in anchors:
                return f"no anchor #{fragment}"
        return None


def check_links(root: pathlib.Path):
    """Every broken local link under `root`, as output lines, with the page and distinct local link counts."""
    site = Site(root)
    pages = sorted(root.rglob("*.html"))
    broken, local = [], 0
    for page in pages:
        # A Doxygen page repeats many links (member lists, the same file twice); check and report each once.
        for target in dict.fromkeys(site.parse(page).targets):
            if site.resolve(page, target) is None:
                continue
            local += 1
            problem = site.problem(page, target)
            if problem:
                broken.append(f"{page.relative_to(root).as_posix()}: broken link {target} ({problem})")
    return len(pages), local, broken


def links(args) -> int:
    root = pathlib.Path(args.html)
    if not root.is_dir():
        print(f"check_site: no such directory: {root}", file=sys.stderr)
        return 2
    if not any(root.rglob("*.html")):
        print(f"check_site: no .html pages under {root}", file=sys.stderr)
        return 2
    pages, local, broken = check_links(root)
    for line in broken:
        print(line)
    print(f"check_site: {pages} pages, {local} local links, {len(broken)} broken")
    return 1 if broken else 0


# ---------------------------------------------------------------------------------------------------------------
# PNG, just enough to read Chromium's screenshots: 8 bits per sample, not interlaced
# ---------------------------------------------------------------------------------------------------------------

def png_chunks(data: bytes):
    """(type, body) of each chunk, CRC checked, up to IEND."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    position = len(PNG_SIGNATURE)
    while position < len(data):
        if position + 8 > len(data):
            raise ValueError("truncated chunk header")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        crc = data[position + 8 + length : position + 12 + length]
        if len(body) != length or len(crc) != 4:
            raise ValueError(f"truncated {kind!r} chunk")
        if zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            raise ValueError(f"bad CRC in {kind!r} chunk")
        yield kind, body
        if kind == b"IEND":
            return
        position += 12 + length
    raise ValueError("no IEND chunk")


def paeth(a: int, b: int, c: int) -> int:
    """The neighbour (left, above, above-left) closest to left + above - above-left (PNG spec 9.4)."""
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(kind: int, line: bytearray, above: bytearray, bpp: int):
    """Undo one scanline's filter in place. Each byte was stored as its difference from a prediction made from
    the bytes already decoded: the one bpp to the left (one pixel back), the one above, or both."""
    n = len(line)
    if kind == 0:  # None
        return
    if kind == 1:  # Sub: predict the left neighbour
        for i in range(bpp, n):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
    elif kind == 2:  # Up: predict the byte above
        for i in range(n):
            line[i] = (line[i] + above[i]) & 0xFF
    elif kind == 3:  # Average of left and above; the first pixel has no left neighbour (0)
        for i in range(bpp):
            line[i] = (line[i] + (above[i] >> 1)) & 0xFF
        for i in range(bpp, n):
            line[i] = (line[i] + ((line[i - bpp] + above[i]) >> 1)) & 0xFF
    elif kind == 4:  # Paeth
        for i in range(bpp):
            line[i] = (line[i] + above[i]) & 0xFF  # paeth(0, b, 0) is b
        for i in range(bpp, n):
            line[i] = (line[i] + paeth(line[i - bpp], above[i], above[i - bpp])) & 0xFF
    else:
        raise ValueError(f"unknown PNG filter type {kind}")


def decode_png(data: bytes):
    """(width, height, bytes per pixel, pixels): the pixels row after row, filters undone."""
    header, compressed = None, bytearray()
    for kind, body in png_chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body  # one zlib stream, split over as many IDAT chunks as the encoder liked
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour_type, _compression, _filter_method, interlace = header
    if depth != 8 or colour_type not in CHANNELS or interlace != 0:
        raise ValueError(f"unsupported PNG: bit depth {depth}, colour type {colour_type}, interlace {interlace}")
    bpp = CHANNELS[colour_type]
    stride = width * bpp
    raw = zlib.decompress(bytes(compressed))
    if len(raw) != height * (1 + stride):
        raise ValueError(f"image data is {len(raw)} bytes, expected {height * (1 + stride)}")
    pixels = bytearray()
    above = bytearray(stride)  # the row above the first one reads as zeros
    for y in range(height):
        start = y * (1 + stride)  # each row starts with its filter type byte
        line = bytearray(raw[start + 1 : start + 1 + stride])
        unfilter(raw[start], line, above, bpp)
        pixels += line
        above = line
    return width, height, bpp, pixels


def distinct_colours(width: int, height: int, bpp: int, pixels: bytearray, samples: int = 256) -> int:
    """Distinct colours among about samples x samples pixels on a regular grid (all of them in a small image)."""
    step_x, step_y = max(1, width // samples), max(1, height // samples)
    stride = width * bpp
    colours = set()
    for y in range(0, height, step_y):
        row = y * stride
        for x in range(0, width, step_x):
            colours.add(bytes(pixels[row + x * bpp : row + (x + 1) * bpp]))
    return len(colours)


# ---------------------------------------------------------------------------------------------------------------
# render
# ---------------------------------------------------------------------------------------------------------------

def run_browser(browser: str, arguments: list, timeout: float):
    """(exit code or None on timeout, stdout, stderr) of one headless run, in a fresh profile.

    Chromium starts helper processes (zygote, crashpad handler) that can outlive it and keep its output open,
    so it runs in a session of its own, writes to files rather than pipes, and the whole session is ended after.
    """
    with tempfile.TemporaryDirectory(prefix="check_site-", ignore_cleanup_errors=True) as profile, \
            tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        command = [browser, *HEADLESS, f"--user-data-dir={profile}", *arguments]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        try:
            os.killpg(process.pid, signal.SIGKILL)  # the process group we created: the browser and its helpers
        except ProcessLookupError:
            pass  # all of them had already exited
        process.wait()
        out.seek(0)
        err.seek(0)
        return code, out.read().decode("utf-8", errors="replace"), err.read().decode("utf-8", errors="replace")


def last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(nothing on stderr)"


def check_screenshot(browser, url, page, shot: pathlib.Path, timeout) -> list:
    shot.unlink(missing_ok=True)  # a screenshot left by an earlier run must not pass for this one
    code, _, err = run_browser(browser, [f"--window-size={WINDOW}", f"--screenshot={shot}", url], timeout)
    # Chromium prints dbus and GPU complaints even when all went well: only an exit without a screenshot counts.
    if not shot.is_file():
        why = f"timed out after {timeout} s" if code is None else f"browser exit code {code}: {last_line(err)}"
        return [f"{page}: no screenshot ({why})"]
    try:
        width, height, bpp, pixels = decode_png(shot.read_bytes())
    except (ValueError, zlib.error, struct.error) as error:
        return [f"{page}: unreadable screenshot {shot}: {error}"]
    colours = distinct_colours(width, height, bpp, pixels)
    print(f"{page}: screenshot {shot}, {width}x{height}, {colours} distinct colours in a sample")
    if colours < MIN_COLOURS:
        return [f"{page}: screenshot looks blank ({colours} colours, fewer than {MIN_COLOURS})"]
    return []


def check_dom(browser, url, page, expect: list, timeout) -> list:
    code, dom, err = run_browser(browser, ["--dump-dom", url], timeout)
    if code is None:
        return [f"{page}: --dump-dom timed out after {timeout} s"]
    if not dom.strip():
        why = f" (browser exit code {code}: {last_line(err)})" if code else ""
        return [f"{page}: empty DOM{why}"]
    # The DOM comes back serialized: "a < b" in the page's text reads "a &lt; b" there.
    missing = [text for text in expect if text not in dom and html.escape(text, quote=False) not in dom]
    found = ", ".join(f'"{text}"' for text in expect if text not in missing)
    print(f"{page}: DOM after scripts, {len(dom)} characters" + (f", contains {found}" if found else ""))
    return [f'{page}: DOM lacks "{text}"' for text in missing]


def render(args) -> int:
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        print(f"check_site: no headless browser ({', '.join(BROWSERS)}) on PATH, render skipped")
        return SKIP
    root = pathlib.Path(args.html)
    if not root.is_dir():
        print(f"check_site: no such directory: {root}", file=sys.stderr)
        return 2
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pages = args.page or ["index.html"]
    failures = []
    for page in pages:
        path = root / page
        if not path.is_file():
            failures.append(f"{page}: no such page under {root}")
            continue
        url = path.resolve().as_uri()  # file:///abs/path, spaces and all percent-encoded
        shot = out.resolve() / (page.removesuffix(".html").replace("/", "_") + ".png")
        failures += check_screenshot(browser, url, page, shot, args.timeout)
        failures += check_dom(browser, url, page, args.expect, args.timeout)
    for line in failures:
        print(line)
    print(f"check_site: {len(pages)} pages rendered with {browser}, {len(failures)} failures")
    return 1 if failures else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("links", help="report broken local links and anchors")
    check.add_argument("--html", required=True, help="the site's directory, e.g. build/docs/html")
    check.set_defaults(run=links)
    shots = commands.add_parser("render", help="screenshot pages in headless Chromium and check them")
    shots.add_argument("--html", required=True, help="the site's directory, e.g. build/docs/html")
    shots.add_argument("--page", action="append", help="a page to render, relative to --html (repeat; index.html)")
    shots.add_argument("--out", required=True, help="directory for the screenshots, NAME.png per page")
    shots.add_argument("--expect", action="append", default=[], help="text the DOM must contain (repeat)")
    shots.add_argument("--timeout", type=float, default=60, help="seconds allowed per browser run (60)")
    shots.set_defaults(run=render)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
