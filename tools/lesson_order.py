#!/usr/bin/env python3
"""Checks that every chapter's lesson keeps the project's one section order (STYLE.md).

A learner who has read one lesson knows where to look in the next: first the two numbers
(FLOPs and bytes), then the idea and the kernel walked through, how it is checked, the
measured results, what limits it, and the exercises. This script finds those landmarks
by their headings (and the results block's marker) in each chapters/NN_*/README.md and
fails, naming the lesson and the landmarks out of order or missing.

    python3 tools/lesson_order.py --check        # a CTest test: lessons_keep_section_order

Landmarks, in the order they must appear (a heading of level 2 or 3, case-insensitive):
  two numbers      a heading containing "two numbers"
  idea             a heading starting "The idea" (optional: chapter 06 and 09 lead with their steps); the
                   kernel's walk-through follows it under headings of its own, which are not checked
  checked          "How it is checked" or "What the CPU checks" (its first occurrence)
  results          the <!-- results:begin ... --> block, where the measured tables are generated
  limits           "What limits it", "Why it is slow" or "Predictions" (optional in the last chapter, whose
                   prediction sits with its GPU path)
  exercises        "## Exercises"
"""
import argparse
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lessons import ROOT  # noqa: E402

HEADING = re.compile(r"^(##|###) (.*)$")
RESULTS = re.compile(r"^<!-- results:begin")
FENCE = re.compile(r"^```")
LANDMARKS = (  # name, pattern on the heading text (None: the results marker), required
    ("two numbers", re.compile(r"two numbers", re.I), True),
    ("idea", re.compile(r"^the idea", re.I), False),
    ("checked", re.compile(r"^(how it is checked|what the cpu checks)", re.I), True),
    ("results", None, True),
    ("limits", re.compile(r"^(what limits it|why it is slow|predictions)", re.I), True),
    ("exercises", re.compile(r"^exercises$", re.I), True),
)


def landmarks(text):
    """The line number where each landmark first appears, outside code blocks."""
    found = {}
    in_code = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        heading = HEADING.match(line)
        for name, pattern, _ in LANDMARKS:
            if name in found:
                continue
            if pattern is None and RESULTS.match(line):
                found[name] = number
            elif pattern is not None and heading and pattern.search(heading.group(2).strip()):
                found[name] = number
    return found


def problems(text, last_chapter=False):
    """What is missing or out of order in one lesson, as sentences; empty when it keeps the order."""
    found = landmarks(text)
    messages = []
    for name, _, required in LANDMARKS:
        if name not in found and required and not (last_chapter and name == "limits"):
            messages.append(f"no '{name}' section")
    present = [(found[name], name) for name, _, _ in LANDMARKS if name in found]
    for (line_a, name_a), (line_b, name_b) in zip(present, present[1:]):
        if line_b < line_a:
            messages.append(f"'{name_b}' (line {line_b}) comes before '{name_a}' (line {line_a})")
    return messages


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", required=True, help="fail if a lesson breaks the order")
    parser.parse_args()
    lessons = sorted(ROOT.glob("chapters/[0-9][0-9]_*/README.md"))
    if not lessons:
        print("lesson_order: no chapters/NN_*/README.md found", file=sys.stderr)
        return 1
    failed = 0
    for lesson in lessons:
        for message in problems(lesson.read_text(), last_chapter=lesson == lessons[-1]):
            print(f"lesson_order: {lesson.relative_to(ROOT)}: {message}", file=sys.stderr)
            failed += 1
    if failed:
        print("lesson_order: the order is STYLE.md's: two numbers, idea (then the kernel), how it is checked, "
              "measured results, what limits it, exercises", file=sys.stderr)
        return 1
    print(f"lesson_order: {len(lessons)} lessons keep the section order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
