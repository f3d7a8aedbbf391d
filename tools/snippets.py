#!/usr/bin/env python3
"""Keeps code quoted in the lessons identical to the source it quotes.

A lesson quotes source with a marker line followed by a fenced code block:

    <!-- snippet: chapters/01_naive_gemm/naive_gemm.cu naive-kernel -->
    ```cuda
    ...
    ```

The source marks the region with two identical comment lines, `// [naive-kernel]`
(the form Doxygen's \\snippet understands too). `--check` fails if a quoted block
differs from its source; `--write` rewrites the blocks from the source.

    python3 tools/snippets.py --check
    python3 tools/snippets.py --write
"""
import argparse
import pathlib
import re
import sys
import textwrap

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from atomic_file import write_atomically  # noqa: E402
from lessons import ROOT, lessons  # noqa: E402
MARKER = re.compile(r"^<!-- snippet: (\S+) (\S+) -->\n```(\w*)\n(.*?)^```\n", re.M | re.S)
MARKER_LINE = re.compile(r"^<!-- snippet: ", re.M)
NESTED = re.compile(r"^\s*// \[[\w-]+\]\s*$")


def source_region(path: str, name: str) -> str:
    try:
        lines = (ROOT / path).read_text().splitlines(keepends=True)
    except OSError as error:
        raise SystemExit(f"snippets: {path}: {error.strerror}")
    tag = f"// [{name}]"
    marks = [i for i, line in enumerate(lines) if line.strip() == tag]
    if len(marks) != 2:
        raise SystemExit(f"{path}: expected two '{tag}' lines, found {len(marks)}")
    # Another region's marker lines inside this one are the source's bookkeeping, not the lesson's.
    inner = [line for line in lines[marks[0] + 1 : marks[1]] if not NESTED.match(line)]
    return textwrap.dedent("".join(inner))


def process(lesson: pathlib.Path, write: bool) -> list:
    text = lesson.read_text()
    stale = []

    def replace(match):
        path, name, language, quoted = match.groups()
        current = source_region(path, name)
        if quoted != current:
            stale.append(f"{lesson.relative_to(ROOT)}: snippet {path} [{name}] differs from the source")
        return f"<!-- snippet: {path} {name} -->\n```{language}\n{current}```\n"

    updated = MARKER.sub(replace, text)
    if len(MARKER.findall(text)) != len(MARKER_LINE.findall(text)):  # a marker not right above a ``` fence
        stale.append(f"{lesson.relative_to(ROOT)}: a snippet marker without its fenced quote right below it")
    if write and updated != text:
        write_atomically(lesson, updated)
    return stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail if any quoted snippet is stale")
    mode.add_argument("--write", action="store_true", help="rewrite quoted snippets from the source")
    args = parser.parse_args()
    found = lessons()
    stale = [problem for lesson in found for problem in process(lesson, args.write)]
    if args.check and stale:
        print("\n".join(stale) + "\nrun: python3 tools/snippets.py --write", file=sys.stderr)
        return 1
    print(f"snippets: {len(found)} lessons {'updated' if args.write else 'in sync'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
