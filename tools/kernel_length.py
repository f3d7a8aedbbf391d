#!/usr/bin/env python3
"""Does every kernel fit on one screen? The code is the textbook, read more than run.

Counts the lines of every `__global__` function in the CUDA sources of chapters/,
common/, solutions/, benchmarks/ and docs/, from the line that says `__global__` to
its closing brace, and fails on any longer than --max-lines (60), naming it. What
makes a kernel longer belongs in `__device__` functions of its own, each named for
what it does (chapter 09's persistent kernel: produce_tiles, consume_tiles).

    python3 tools/kernel_length.py            # every kernel of the repository
    python3 tools/kernel_length.py --list     # ... and each one's length, longest first
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MAX_LINES = 60
SOURCE_FOLDERS = ("chapters", "common", "solutions", "benchmarks", "docs")


# What can hold a brace that is not code: a // comment, a string or character literal, a /* */ comment.
NOT_CODE = re.compile(r"""//[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|/\*.*?\*/""", re.S)


def code_only(text: str) -> str:
    """TEXT without its comments and the contents of its literals, so that their braces do not count (and a
    /* inside a // comment or a literal opens nothing); line breaks are kept, so the lines keep their numbers."""
    def blank(m):
        token = m.group()
        if token.startswith("/*"):
            return re.sub(r"[^\n]", " ", token)
        return "" if token.startswith("//") else token[0] * 2  # a literal: its quotes only
    return NOT_CODE.sub(blank, text)


def closing_line(lines, first):
    """The index of the line whose brace closes the function that starts at line FIRST, or None
    for a declaration (a semicolon before any brace)."""
    depth, opened = 0, False
    for index in range(first, len(lines)):
        for char in lines[index]:
            if char == ";" and not opened:
                return None
            if char in "{}":
                depth += 1 if char == "{" else -1
                opened = True
        if opened and depth == 0:
            return index
    return None


def kernel_lengths(text: str):
    """(first line, length in lines) of every __global__ function defined in TEXT."""
    lines = code_only(text).split("\n")
    kernels = []
    for first, line in enumerate(lines):
        if "__global__" in line:
            last = closing_line(lines, first)
            if last is not None:
                kernels.append((first + 1, last - first + 1))
    return kernels


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-lines", type=int, default=MAX_LINES, help="the longest a kernel may be (default 60)")
    parser.add_argument("--list", action="store_true", help="print every kernel's length, longest first")
    args = parser.parse_args()
    sources = sorted(path for folder in SOURCE_FOLDERS for pattern in ("*.cu", "*.cuh")
                     for path in (ROOT / folder).rglob(pattern))
    found = [(length, f"{source.relative_to(ROOT)}:{line}") for source in sources
             for line, length in kernel_lengths(source.read_text())]
    found.sort(reverse=True)
    if args.list:
        for length, where in found:
            print(f"{length:4d} {where}")
    too_long = [(length, where) for length, where in found if length > args.max_lines]
    for length, where in too_long:
        print(f"kernel_length: {where}: a kernel of {length} lines, more than {args.max_lines}; "
              "move a part into a __device__ function named for what it does", file=sys.stderr)
    if too_long:
        return 1
    print(f"kernel_length: all {len(found)} kernels fit in {args.max_lines} lines (longest {found[0][0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
