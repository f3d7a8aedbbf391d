#!/usr/bin/env python3
"""Doxygen's input filter for the lessons (FILTER_PATTERNS *.md): links into a page's middle.

The lessons link to glossary entries the way GitHub understands:

    [warp](../../docs/glossary.md#warp)        and, in the glossary,  <a id="warp"></a>

Doxygen 1.9.4 turns a link to a Markdown file into a link to its page, but not
when the link carries a #fragment (it is left as a dead link), and an HTML id is
no target for it. So, as Doxygen reads each Markdown file, this rewrites
- a line `<a id="id"></a>` into `\\anchor id`;
- `[text](path/page.md#id)` into `\\ref id "text"` when some lesson declares that
  anchor, and into `[text](path/page.md)` otherwise (GitHub's heading anchors,
  which Doxygen names differently: the link then lands on the right page).
- `[text](file.cu)`, a link to a source file Doxygen reads, into `\\ref path/file.cu "text"`
  (Doxygen names a file's page after its path, not as the link does);
- `![alt](../../docs/images/x.svg)` into `![alt](x.svg)`: Doxygen copies an image it finds
  on IMAGE_PATH (docs/images) next to the pages, and only a bare name finds it.
Line for line, so Doxygen's warnings still point at the right line.

    python3 tools/doxygen_md_filter.py FILE      # the filtered text on stdout
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

LINK_WITH_FRAGMENT = re.compile(r"\[([^\]]+)\]\(([^()\s#]*\.md)#([\w-]+)\)")
ANCHOR_LINE = re.compile(r'^<a id="([A-Za-z][\w-]*)"></a>\s*$')
SOURCE_LINK = re.compile(r"\[([^\]]+)\]\(([^()\s#:]+\.(?:cu|cuh|hpp|cpp))\)")
SOURCE_FOLDERS = ("common", "chapters", "solutions", "benchmarks")  # Doxyfile's INPUT
IMAGE_LINK = re.compile(r"(!\[[^\]]*\]\()(?:[^()\s]*/)?(?:docs/)?images/([^()\s/]+\))")


def declared_anchors():
    """Every anchor a Markdown page of the project declares with an `<a id>` line."""
    anchors = set()
    for page in ROOT.glob("**/*.md"):
        if "build" not in page.relative_to(ROOT).parts[0]:
            anchors.update(m.group(1) for line in page.open(encoding="utf-8") if (m := ANCHOR_LINE.match(line)))
    return anchors


def documented_source(page: pathlib.Path, link: str):
    """The link's target relative to the project, when it is a source file the Doxyfile reads (not a test)."""
    target = (page.parent / link).resolve()
    if not target.is_file() or ROOT not in target.parents:
        return None
    relative = target.relative_to(ROOT)
    if relative.parts[0] not in SOURCE_FOLDERS or "tests" in relative.parts or target.name.startswith("test_"):
        return None
    return relative.as_posix()


def filtered(line: str, anchors, page: pathlib.Path) -> str:
    if m := ANCHOR_LINE.match(line):
        return f"\\anchor {m.group(1)}\n"

    def source(m):
        path = documented_source(page, m.group(2))
        return f'\\ref {path} "{m.group(1).strip("`")}"' if path else m.group(0)

    line = SOURCE_LINK.sub(source, line)
    line = IMAGE_LINK.sub(r"\1\2", line)

    def link(m):
        text, page, anchor = m.groups()
        return f'\\ref {anchor} "{text}"' if anchor in anchors else f"[{text}]({page})"

    return LINK_WITH_FRAGMENT.sub(link, line)


def main():
    if sys.argv[1:] in (["-h"], ["--help"]):
        print(__doc__)
        return
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):  # Doxygen passes exactly one file
        print("usage: python3 tools/doxygen_md_filter.py FILE (see --help)", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], encoding="utf-8") as source:
        anchors = declared_anchors()
        page = pathlib.Path(sys.argv[1]).resolve()
        sys.stdout.writelines(filtered(line, anchors, page) for line in source)


if __name__ == "__main__":
    main()
