#!/usr/bin/env python3
"""Is every kernel of ours in namespace ladder? The sanitizer relies on it.

The GPU run's racecheck and synccheck check our kernels only, picked by
compute-sanitizer's `--kernel-name kns=6ladder` (benchmarks/run_gpu.sh): the
substring that namespace ladder puts into every mangled name (with
`kns=ladder::` beside it, for a sanitizer that compares demangled names). A
kernel defined outside the namespace would silently go unchecked. This lists
every kernel of the programs the sanitize phase runs and fails on any whose
mangled name lacks the substring.

    python3 tools/kernel_namespace.py --build build      # exit 77 (skip) without cuobjdump

cuobjdump comes with the CUDA toolkit or from the PyPI wheel nvidia-cuda-cuobjdump.
"""
import argparse
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lessons import SKIP  # noqa: E402
from sass_report import find_tool  # noqa: E402

# The programs benchmarks/run_gpu.sh runs under compute-sanitizer, and the substring it filters on.
SANITIZED_PROGRAMS = ("all_rungs", "all_conv_rungs", "ch14_mnist_cnn")
NAMESPACE_MARK = "6ladder"


def kernel_names(cuobjdump: str, program: pathlib.Path):
    """The mangled names of the kernels in PROGRAM's device code, every architecture together."""
    listing = subprocess.run([cuobjdump, "--dump-resource-usage", str(program)], capture_output=True, text=True,
                             check=True).stdout
    return sorted(set(re.findall(r"Function (\S+?):", listing)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True, type=pathlib.Path, help="the CMake build folder")
    args = parser.parse_args()
    build = args.build.resolve()
    cuobjdump = find_tool("cuobjdump", build)
    if cuobjdump is None:
        print("kernel_namespace: needs cuobjdump (CUDA toolkit, or pip install nvidia-cuda-cuobjdump)")
        sys.exit(SKIP)
    outside = []
    for name in SANITIZED_PROGRAMS:
        program = build / "bin" / name
        if not program.is_file():
            sys.exit(f"kernel_namespace: no {program}: build first")
        kernels = kernel_names(cuobjdump, program)
        if not kernels:
            sys.exit(f"kernel_namespace: cuobjdump lists no kernel in {program}")
        outside += [f"{name}: {kernel}" for kernel in kernels if NAMESPACE_MARK not in kernel]
        print(f"{name}: {len(kernels)} kernels")
    if outside:
        sys.exit("kernel_namespace: kernels outside namespace ladder, which racecheck and synccheck would skip:\n  " +
                 "\n  ".join(outside))
    print("kernel_namespace: every kernel is in namespace ladder")


if __name__ == "__main__":
    main()
