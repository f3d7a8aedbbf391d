#!/usr/bin/env python3
"""The ptxas resource report of every rung kernel, from the build, into the lessons.

The rung libraries compile with `-Xptxas -v` through tools/ptxas_log.sh, which
keeps each object's report in `<object>.ptxas`. This script reads those files
and fills each lesson's block

    <!-- ptxas:begin arch=sm_90 nvcc=13.0 -->
    ...generated table...
    <!-- ptxas:end -->

with one row per kernel compiled from that chapter's own sources (exercises
and solutions excluded): registers, stack, spill stores and loads, static
shared memory, as ptxas reported them for that architecture. --write also
records the nvcc version, since register allocation changes between releases.

    python3 tools/ptxas_report.py --build build            # print every kernel, every architecture
    python3 tools/ptxas_report.py --build build --write    # regenerate the lesson tables
    python3 tools/ptxas_report.py --build build --check    # fail if a lesson table is stale (a CTest test)

Both --write and --check also fail when ptxas reported that it serialised a
kernel's wgmma instructions (its "Potential Performance Loss" notes, C7515 or C7520, an
info line that -Werror does not catch): the kernel would still be correct, and
the loss would show only as a slow rung.

--check exits 77 (CTest's skip code here) when the build cannot say: it was
configured for other architectures or another build type than Release, or its
nvcc is another release than the one the tables were written with.
"""
import pathlib
import re
import shutil
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from atomic_file import write_atomically  # noqa: E402
from lessons import ROOT, SKIP, build_report_arguments, lessons  # noqa: E402
BLOCK = re.compile(r"<!-- ptxas:begin arch=(sm_\w+)(?: nvcc=([\d.]+))? -->\n(.*?)(<!-- ptxas:end -->)", re.S)
ENTRY = re.compile(r"Compiling entry function '(\S+)' for '(sm_\w+)'")
PROPERTIES = re.compile(r"(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads")
USED = re.compile(r"Used (\d+) registers(?:.*?, (\d+) bytes smem)?")


def demangle(names):
    """Readable kernel names: c++filt, without the project's namespaces and a lone GemmArgs parameter list."""
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True, check=True).stdout
    readable = out.splitlines()
    short = []
    for name in readable:
        name = re.sub(r"\(anonymous namespace\)::|ladder::(\w+::)?", "", name)
        name = re.sub(r"\(GemmArgs(Of<float>|Of<__nv_bfloat16>)?\)$", "", name)
        short.append(re.sub(r"^void ", "", name).replace(" >", ">"))
    return dict(zip(names, short))


def source_of(report: pathlib.Path, build: pathlib.Path):
    """build/<dir>/CMakeFiles/<target>.dir/<path>.o.ptxas -> <dir>/<path> (relative to the source tree)."""
    relative = report.relative_to(build)
    parts = relative.parts
    if "CMakeFiles" not in parts:
        return None
    i = parts.index("CMakeFiles")
    source = pathlib.Path(*parts[:i], *parts[i + 2 :])
    return pathlib.Path(str(source).removesuffix(".o.ptxas").removesuffix(".obj.ptxas"))


def read_reports(build: pathlib.Path):
    """[(source, kernel, arch, registers, stack, spill_stores, spill_loads, smem)] for every entry function."""
    rows = []
    for report in sorted(build.rglob("*.ptxas")):
        source = source_of(report, build)
        if source is None:
            continue
        entry = arch = None
        stack = stores = loads = 0
        for line in report.read_text().splitlines():
            if m := ENTRY.search(line):
                entry, arch = m.group(1), m.group(2)
                stack = stores = loads = 0
            elif (m := PROPERTIES.search(line)) and entry:
                stack, stores, loads = (int(g) for g in m.groups())
            elif (m := USED.search(line)) and entry:
                rows.append((source, entry, arch, int(m.group(1)), stack, stores, loads, int(m.group(2) or 0)))
                entry = None
    return rows


SERIALIZED = re.compile(r"wgmma\.mma_async instructions are serialized.*?function '(\S+)'")


def serialized_wgmma(build: pathlib.Path):
    """[(source, kernel)] for every kernel whose wgmma ptxas serialised, from the reports."""
    found = []
    for report in sorted(build.rglob("*.ptxas")):
        for m in SERIALIZED.finditer(report.read_text()):
            found.append((source_of(report, build), m.group(1)))
    return found


def table(rows, names):
    lines = ["| kernel | registers | spill stores / loads | stack | static shared memory |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for _, kernel, _, registers, stack, stores, loads, smem in sorted(rows, key=lambda r: (str(r[0]), names[r[1]])):
        line = f"| `{names[kernel]}` | {registers} | {stores} B / {loads} B | {stack} B | {smem} B |"
        if line not in lines:  # a template kernel instantiated in two files compiles the same twice
            lines.append(line)
    return "\n".join(lines) + "\n"


def nvcc_version(build: pathlib.Path):
    """major.minor of the build's CUDA compiler, from CMake's compiler file."""
    for path in build.glob("CMakeFiles/*/CMakeCUDACompiler.cmake"):
        if m := re.search(r'set\(CMAKE_CUDA_COMPILER_VERSION "(\d+\.\d+)', path.read_text()):
            return m.group(1)
    return None


def chapter_rows(rows, lesson: pathlib.Path, arch: str):
    chapter_dir = lesson.parent.relative_to(ROOT)
    return [r for r in rows if r[2] == arch and r[0].parent == chapter_dir]


def main():
    args = build_report_arguments(__doc__, "tables")
    if args.check and args.build_type != "Release":
        print(f"ptxas_report: a {args.build_type} build compiles other code than the Release build the tables "
              "describe; nothing to check")
        sys.exit(SKIP)
    build = args.build.resolve()
    if not build.is_dir():
        sys.exit(f"ptxas_report: {args.build}: no such build folder")
    rows = read_reports(build)
    if not rows:
        print(f"ptxas_report: no *.ptxas reports under {args.build}: build the rung libraries first")
        sys.exit(SKIP if args.check else 1)
    if not shutil.which("c++filt"):
        print("ptxas_report: c++filt (binutils) is needed to name the kernels")
        sys.exit(SKIP if args.check else 1)
    names = demangle(sorted({r[1] for r in rows}))

    if not (args.write or args.check):
        for arch in sorted({r[2] for r in rows}):
            print(f"## {arch}\n")
            print(table([r for r in rows if r[2] == arch], names))
        return

    if serialized := serialized_wgmma(build):
        sys.exit("ptxas_report: ptxas serialised the wgmma of: " +
                 ", ".join(f"{names.get(kernel, kernel)} ({source})" for source, kernel in serialized))
    version = nvcc_version(build)
    if version is None:
        sys.exit(f"ptxas_report: {args.build} holds no CMakeCUDACompiler.cmake: not a configured CUDA build")
    built_archs = sorted({r[2] for r in rows})
    stale, skipped, empty = [], [], []
    for lesson in lessons():
        text = lesson.read_text()
        name = str(lesson.relative_to(ROOT))

        def fill(match):
            arch, table_version = match.group(1), match.group(2)
            if arch not in built_archs:
                skipped.append(f"{name}: {arch} not built (built: {', '.join(built_archs)})")
                return match.group(0)
            if args.check and table_version != version:
                skipped.append(f"{name}: table from nvcc {table_version}, this build uses nvcc {version}")
                return match.group(0)
            selected = chapter_rows(rows, lesson, arch)
            if not selected:
                empty.append(f"{name} ({arch})")
                return match.group(0)
            return f"<!-- ptxas:begin arch={arch} nvcc={version} -->\n" + table(selected, names) + match.group(4)

        new_text = BLOCK.sub(fill, text)
        if new_text != text:
            stale.append(name)
            if args.write:
                write_atomically(lesson, new_text)
    if empty:
        print("ptxas_report: no kernel of the chapter found in the build for " + ", ".join(empty))
        sys.exit(1)
    if args.write:
        print("ptxas_report: " + (f"rewrote {', '.join(stale)}" if stale else "lessons already current"))
    elif stale:
        print("ptxas_report: stale resource tables in " + ", ".join(stale) +
              "; run python3 tools/ptxas_report.py --build <build> --write")
        sys.exit(1)
    if skipped:
        print("ptxas_report: cannot check " + "; ".join(skipped))
        sys.exit(SKIP if args.check else 1)
    if args.check:
        print("ptxas_report: every lesson's resource table matches the build")


if __name__ == "__main__":
    main()
