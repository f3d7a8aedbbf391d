#!/usr/bin/env python3
"""Do the tensor-core rungs really run on the tensor cores? Their SASS says.

WMMA and mma.sync both compile to HMMA instructions (sm_80 and sm_90), wgmma to
HGMMA (sm_90a only). A tensor-core rung whose kernel holds none has fallen back
to something else (a guard that compiled the body away, an architecture
without the instruction), and its results would still be correct, so only the
machine code can tell. For every kernel of the rung objects of the tensor-core
chapters (07, 08 and 13: their rungs and the instruction micro-benchmarks, on
every architecture the build made; 09, and chapter 13's wgmma rungs, on sm_90a,
when the build has it, and chapter 09's sweep, benchmarks/tune_wgmma.cu, when it
is built), this counts the chapter's instruction and fails if a kernel has none. Chapter 09's
B is row-major K x N, so every one of its HGMMA must read B transposed
(`tnspB`, MN-major): one without it multiplies by B's transpose's layout, a
descriptor or layout mistake that a square test with a symmetric B would miss.
The exceptions prove the rule: a kernel built for B stored n x k
(`BStoredNByK<...>`, 09c's and 09d's, timed by bench_gemm beside them), and chapter 13's wgmma
kernels (`WgmmaConvConfig<...>`: B is the KRSC filters, channels by reduction steps), must
read B K-major, with no HGMMA carrying tnspB.
And the loop that issues a chapter 09 kernel's HGMMA must hold no GPU-wide memory
barrier (MEMBAR ... .GPU): 09d's consumers once arrived on their peer's barrier with
a cluster-scope release, which ptxas compiles to one before every arrival, and the
rung ran at two thirds of 09c's speed.

    python3 tools/tensor_core_sass.py --build build        # exit 77 (skip) without cuobjdump/nvdisasm

cuobjdump and nvdisasm come with the CUDA toolkit or from the PyPI wheels
nvidia-cuda-cuobjdump and nvidia-cuda-nvdisasm.
"""
import argparse
import pathlib
import shutil
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lessons import ROOT, SKIP  # noqa: E402
from ptxas_report import demangle  # noqa: E402
from sass_report import disassemble, find_tool, instructions as loop_instructions, main_loop, opcode as opcode_of  # noqa: E402,E501

HMMA_ARCHITECTURES = ("sm_80", "sm_86", "sm_89", "sm_90")  # those with bf16 HMMA
# Chapter 13's wgmma kernels, by name: the only ones of the chapter that issue HGMMA, not HMMA.
WGMMA_CONV = "WgmmaConvConfig<"
# Chapter: ((the architectures its kernels are checked on, the instruction they must issue, which of the
# kernels: a predicate on the demangled name), ...). Chapter 09 and chapter 13's wgmma rungs are built for
# sm_90a alone (cmake/LadderHopper.cmake); without it, they have nothing to check. A build for 90a only
# also makes chapter 13's mma.sync kernels sm_90a code, which the HGMMA pass must leave alone.
TENSOR_CORE_CHAPTERS = {"07": ((HMMA_ARCHITECTURES, "HMMA", None),), "08": ((HMMA_ARCHITECTURES, "HMMA", None),),
                        "09": ((("sm_90a",), "HGMMA", None),),
                        "13": ((HMMA_ARCHITECTURES, "HMMA", lambda name: WGMMA_CONV not in name),
                               (("sm_90a",), "HGMMA", lambda name: WGMMA_CONV in name))}
# Kernels whose B is stored n x k (K-major), so whose HGMMA must not read it transposed.
K_MAJOR_B_KERNELS = ("BStoredNByK<", WGMMA_CONV)
# Kernels of these chapters that do no matrix work and so rightly hold no HMMA: data movement beside the
# tensor-core kernel (13e's channel padding, 13f's sum of the split partials).
HELPER_KERNELS = ("pad_channels_kernel(", "reduce_splits_kernel<")


# Programs outside the chapters whose kernels are a tensor-core chapter's, by that chapter: chapter 09's
# sweep (benchmarks/tune_wgmma.cu) instantiates 09c's kernel with other settings.
SWEEP_OBJECTS = {"09": "benchmarks/CMakeFiles/tune_wgmma.dir"}


def rung_objects(build: pathlib.Path):
    """The rung objects of the tensor-core chapters and their solutions, and of the sweeps over a
    chapter's kernel, by folder; {folder: (chapter, objects)}."""
    found = {}
    for area in ("chapters", "solutions"):
        for chapter in TENSOR_CORE_CHAPTERS:
            for folder in sorted((build / area).glob(f"{chapter}_*")):
                objects = sorted(folder.glob("CMakeFiles/*_rungs.dir/*.o"))
                if objects:
                    found[str(folder.relative_to(build))] = (chapter, objects)
    for chapter, folder in SWEEP_OBJECTS.items():
        if objects := sorted((build / folder).glob("*.o")):
            found[folder] = (chapter, objects)
    return found


def instructions(functions, opcode):
    """{kernel: the text of each of its instructions whose opcode is `opcode`}."""
    return {name: [item[1] for item in code if opcode_of(item) == opcode] for name, code in functions.items()}


def gpu_fences_in_math_loop(code, opcode):
    """The GPU-wide memory barriers in the loop that issues the most `opcode` instructions (none: no loop)."""
    loop = main_loop(code, opcode)
    return [] if loop is None else [item[1] for item in loop_instructions(loop)
                                    if opcode_of(item) == "MEMBAR" and ".GPU" in item[1]]


def check_kernels(folder, built, opcode, which, failures):
    """Checks every kernel of `built` ({arch: functions}) that `which` picks (None: all) for `opcode`, appending
    failures; returns the count."""
    checked = 0
    for arch, functions in built.items():
        names = demangle(sorted(functions))
        for mangled, found in sorted(instructions(functions, opcode).items()):
            if names[mangled].startswith(HELPER_KERNELS) or (which is not None and not which(names[mangled])):
                continue
            checked += 1
            line = f"{folder} {arch} {names[mangled]}: {len(found)} {opcode}"
            wants_tnsp_b = not any(marker in names[mangled] for marker in K_MAJOR_B_KERNELS)  # B k x n: MN-major
            wrong_layout = [text for text in found if opcode == "HGMMA" and (".tnspB" in text) != wants_tnsp_b]
            fences = gpu_fences_in_math_loop(functions[mangled], opcode) if opcode == "HGMMA" else []
            if opcode == "HGMMA":
                transposed = sum(".tnspB" in text for text in found)
                line += (f", {transposed} of them reading B MN-major (tnspB; expected: "
                         f"{'all' if wants_tnsp_b else 'none, B stored n x k'}), "
                         f"{len(fences)} GPU-wide memory barriers in their loop")
            print(line)
            if not found or wrong_layout or fences:
                failures.append(line)
    return checked


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True, type=pathlib.Path, help="the CMake build folder")
    args = parser.parse_args()
    build = args.build.resolve()
    tools = (find_tool("cuobjdump", build), find_tool("nvdisasm", build))
    if None in tools or not shutil.which("c++filt"):
        print("tensor_core_sass: needs cuobjdump and nvdisasm (CUDA toolkit, or pip install nvidia-cuda-cuobjdump "
              "nvidia-cuda-nvdisasm) and c++filt (binutils)")
        sys.exit(SKIP)
    folders = rung_objects(build)
    expected = [c for c in TENSOR_CORE_CHAPTERS if list(ROOT.glob(f"chapters/{c}_*/CMakeLists.txt"))]
    missing = [c for c in expected if not any(f"chapters/{c}_" in folder for folder in folders)]
    if missing:
        sys.exit(f"tensor_core_sass: no rung objects of chapter(s) {', '.join(missing)} in {build}: build first")
    failures, checked = [], 0
    for folder, (chapter, objects) in folders.items():
        for architectures, opcode, which in TENSOR_CORE_CHAPTERS[chapter]:
            built = {arch: functions for arch in architectures if (functions := disassemble(objects, arch, tools))}
            if not built:
                print(f"{folder}: no {' or '.join(architectures)} code in this build, nothing to check")
            checked += check_kernels(folder, built, opcode, which, failures)
    if checked == 0:
        sys.exit("tensor_core_sass: no kernel built for " + ", ".join(HMMA_ARCHITECTURES))
    if failures:
        sys.exit("tensor_core_sass: kernels without a tensor-core instruction, with an HGMMA that reads B in "
                 "the wrong layout, or with a GPU-wide memory barrier in their HGMMA loop:\n  " + "\n  ".join(failures))
    print(f"tensor_core_sass: all {checked} tensor-core kernels issue HMMA or HGMMA (every HGMMA with tnspB, "
          "none for B stored n x k; no GPU-wide memory barrier in its loop)")


if __name__ == "__main__":
    main()
