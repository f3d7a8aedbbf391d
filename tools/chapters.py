#!/usr/bin/env python3
"""One list of chapters, three places that show it: docs/chapters.toml is the list, in reading order.

From it this script writes
- the README's chapter map (between <!-- chapters:begin --> and <!-- chapters:end -->);
- the site's chapter tree: docs/mainpage.md's \\subpage list (between the same markers), and
  its list of worked solutions (between <!-- solutions:begin --> and <!-- solutions:end -->);
- each lesson's links to the previous and the next chapter, at its top and its foot
  (between <!-- nav:begin --> and <!-- nav:end -->; the first line after the title, and
  the last lines of the file, are where a missing block is added).

So the map, the tree and the links cannot disagree: a chapter added to the list
appears in all three, in order.

    python3 tools/chapters.py --write     # regenerate
    python3 tools/chapters.py --check     # fail if any place is stale (a CTest test)
"""
import argparse
import pathlib
import re
import sys
import tomllib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from atomic_file import write_atomically  # noqa: E402
from lessons import ROOT  # noqa: E402

LIST = ROOT / "docs" / "chapters.toml"
README = ROOT / "README.md"
MAINPAGE = ROOT / "docs" / "mainpage.md"
MAP_BLOCK = re.compile(r"(<!-- chapters:begin -->\n)(.*?)(<!-- chapters:end -->)", re.S)
SOLUTIONS_BLOCK = re.compile(r"(<!-- solutions:begin -->\n)(.*?)(<!-- solutions:end -->)", re.S)
NAV_BLOCK = re.compile(r"<!-- nav:begin -->\n.*?<!-- nav:end -->", re.S)


def load():
    """The chapters, in reading order, each with its number (the folder's first two digits)."""
    chapters = tomllib.loads(LIST.read_text())["chapter"]
    for chapter in chapters:
        chapter["number"] = chapter["folder"][:2]
        if not (ROOT / "chapters" / chapter["folder"] / "README.md").is_file():
            sys.exit(f"chapters: {LIST.name} names chapters/{chapter['folder']}, which has no README.md")
    numbers = [c["number"] for c in chapters]
    if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
        sys.exit(f"chapters: {LIST.name} must list each chapter once, in reading order: {', '.join(numbers)}")
    unlisted = sorted({path.parent.name for path in (ROOT / "chapters").glob("[0-9][0-9]_*/README.md")}
                      - {c["folder"] for c in chapters})
    if unlisted:  # it would stay out of the map, the site tree and the links, silently
        sys.exit(f"chapters: {LIST.name} does not list chapters/{', chapters/'.join(unlisted)}")
    return chapters


def readme_map(chapters):
    rows = ["| # | chapter | idea | executable |", "|---|---|---|---|"]
    rows += [f"| {c['number']} | [{c['title']}](chapters/{c['folder']}/README.md) | {c['idea']} | "
             f"{'`' + c['executable'] + '`' if c['executable'] else '—'} |" for c in chapters]
    return "\n".join(rows) + "\n"


def site_tree(chapters):
    """Doxygen names a Markdown page after its path: chapters/01_x/README.md is md_chapters_01_x_README."""
    return "".join(f"- \\subpage md_chapters_{c['folder']}_README\n" for c in chapters)


def solutions_tree(chapters):
    """The worked solutions that exist, in the chapters' order."""
    return "".join(f"- \\subpage md_solutions_{c['folder']}_README\n" for c in chapters
                   if (ROOT / "solutions" / c["folder"] / "README.md").is_file())


def nav_line(chapters, index):
    parts = []
    if index > 0:
        before = chapters[index - 1]
        parts.append(f"[← {before['number']} {before['title']}](../{before['folder']}/README.md)")
    parts.append(f"**Chapter {chapters[index]['number']} of the ladder**")
    if index + 1 < len(chapters):
        after = chapters[index + 1]
        parts.append(f"[{after['number']} {after['title']} →](../{after['folder']}/README.md)")
    return "<!-- nav:begin -->\n" + " · ".join(parts) + "\n<!-- nav:end -->"


def with_nav(text, nav):
    """The lesson with its two nav blocks current: after the title line and at the end. A lesson
    with one block left (the other deleted) gets both again, around the text between them."""
    if len(NAV_BLOCK.findall(text)) == 2:
        return NAV_BLOCK.sub(lambda _: nav, text)
    text = NAV_BLOCK.sub("", text)
    title, _, body = text.partition("\n")
    return f"{title}\n\n{nav}\n\n{body.lstrip(chr(10)).rstrip(chr(10))}\n\n{nav}\n"


def with_block(text, content, path, block=MAP_BLOCK):
    if not block.search(text):
        sys.exit(f"chapters: {path.relative_to(ROOT)} has no {block.pattern[1:block.pattern.index('-->') + 3]} block")
    return block.sub(lambda m: m.group(1) + content + m.group(3), text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the map, the tree and the links")
    mode.add_argument("--check", action="store_true", help="fail if any of them differs from the list")
    args = parser.parse_args()
    chapters = load()
    wanted = {README: with_block(README.read_text(), readme_map(chapters), README),
              MAINPAGE: with_block(with_block(MAINPAGE.read_text(), site_tree(chapters), MAINPAGE),
                                   solutions_tree(chapters), MAINPAGE, SOLUTIONS_BLOCK)}
    for index, chapter in enumerate(chapters):
        lesson = ROOT / "chapters" / chapter["folder"] / "README.md"
        wanted[lesson] = with_nav(lesson.read_text(), nav_line(chapters, index))
    stale = [path for path, text in wanted.items() if path.read_text() != text]
    if args.write:
        for path in stale:
            write_atomically(path, wanted[path])
        print("chapters: " + (f"rewrote {len(stale)} files" if stale else "everything already current"))
    elif stale:
        print("chapters: stale chapter lists in " + ", ".join(str(p.relative_to(ROOT)) for p in stale) +
              f"; edit {LIST.relative_to(ROOT)} if needed, then run python3 tools/chapters.py --write")
        sys.exit(1)
    else:
        print(f"chapters: the README map, the site tree and {len(chapters)} lessons' links match {LIST.name}")


if __name__ == "__main__":
    main()
