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
Line for line, so Doxygen's warnings still point at the right line.

    python3 tools/doxygen_md_filter.py FILE      # the filtered text on stdout
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

LINK_WITH_FRAGMENT = re.compile(r"\[([^\]]+)\]\(([^()\s#]*\.md)#([\w-]+)\)")
ANCHOR_LINE = re.compile(r'^<a id="([A-Za-z][\w-]*)"></a>\s*$')


def declared_anchors():
    """Every anchor a Markdown page of the project declares with an `<a id>` line."""
    anchors = set()
    for page in ROOT.glob("**/*.md"):
        if "build" not in page.relative_to(ROOT).parts[0]:
            anchors.update(m.group(1) for line in page.open(encoding="utf-8") if (m := ANCHOR_LINE.match(line)))
    return anchors


def filtered(line: str, anchors) -> str:
    if m := ANCHOR_LINE.match(line):
        return f"\\anchor {m.group(1)}\n"

    def link(m):
        text, page, anchor = m.groups()
        return f'\\ref {anchor} "{text}"' if anchor in anchors else f"[{text}]({page})"

    return LINK_WITH_FRAGMENT.sub(link, line)


def main():
    with open(sys.argv[1], encoding="utf-8") as source:
        anchors = declared_anchors()
        sys.stdout.writelines(filtered(line, anchors) for line in source)


if __name__ == "__main__":
    main()
