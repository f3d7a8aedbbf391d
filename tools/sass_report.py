#!/usr/bin/env python3
"""What the compiled inner loop of a rung really does, from its SASS, into the lessons.

A lesson's prediction of "what limits it" rests on counts: how many shared
loads, of which width, and how many other instructions the GPU issues per
FFMA. ptxas decides those (it merges loads, unrolls, hoists), so this script
reads them from the machine code the build produced, and fills each block

    <!-- sass:begin kernel=NAME arch=sm_90 nvcc=13.0 k_steps=32 wavefronts="LDS.128=1" passes="LDS.128=2" -->
    ...generated...
    <!-- sass:end -->

with:
- the per-k-step counts of FFMA, of each width of shared load (LDS, LDS.64,
  LDS.128) and of all instructions in the kernel's main loop;
- the two ceilings they imply on sm_90, as fractions of the FP32 peak;
- an excerpt of that loop.

The main loop is the loop (a backward branch) holding the most FFMA, the
innermost one if loops nest. `k_steps` says how many steps of k one trip of it
covers: the lesson knows it from the code (its tile_k, or its unroll).

What a shared load costs, in wavefronts (128-byte passes of the shared memory
pipe), depends on the 32 lanes' addresses, which the machine code does not
show, and the source lines that nvdisasm attaches to scheduled loads are not
reliable enough to tell A's loads from B's. So the lesson states the cost per
width in `wavefronts` ("LDS.128=1; LDS=2", a fraction such as 3/2 for an
average over operands) and derives it in its text; Nsight Compute's shared
wavefront counter measures it on a GPU. `passes` states the same loads' cost
once the return path is counted too (one register of the warp per pass, so
an LDS.128 takes 4, or 2 when neighbouring lanes pair up on addresses;
common/core/warp_access_model.hpp): never fewer than `wavefronts`.

A tensor-core kernel's block says `math=HMMA` (and needs no k_steps or
wavefronts): its report counts HMMA, ldmatrix (LDSM), generic loads (LD: a
WMMA fragment loaded through a generic pointer), register transposes (MOVM)
and cp.async (LDGSTS) per k-tile against all the loop's instructions, and the
issue ceiling that follows from one HMMA per HMMA_CLOCKS clocks per
sub-partition at the peak. A wgmma kernel's block says `math=HGMMA` (sm_90a):
the same per warp and k-tile for HGMMA, cp.async and barriers, and the
ceiling that follows from one HGMMA.64xNx16 per N / 2 clocks.

The ceilings, on sm_90 (4 sub-partitions per SM, each issuing one warp
instruction per clock to 32 FP32 lanes; shared memory serving one wavefront
per clock per SM):
- issue slots: FFMA / all instructions of the loop;
- shared memory: at the FP32 peak an SM retires 4 warp FFMA per clock, so the
  ceiling is FFMA / (4 x wavefronts), at most 100 %; the same with passes.

    python3 tools/sass_report.py --build build            # print every lesson's block
    python3 tools/sass_report.py --build build --write    # regenerate the lessons' blocks
    python3 tools/sass_report.py --build build --check    # fail if one is stale (a CTest test)

cuobjdump and nvdisasm come with the CUDA toolkit or from the PyPI wheels
nvidia-cuda-cuobjdump and nvidia-cuda-nvdisasm. --check exits 77 (skip) when
the build cannot say: another build type, architecture or nvcc release than the
blocks were written for, or no disassembler.
"""
import importlib.util
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from atomic_file import write_atomically  # noqa: E402
from lessons import ROOT, SKIP, build_report_arguments, lessons  # noqa: E402
from ptxas_report import demangle, nvcc_version  # noqa: E402

BLOCK = re.compile(r"<!-- sass:begin (.*?) -->\n(.*?)(<!-- sass:end -->)", re.S)
FUNCTION = re.compile(r"^\.text\.(\S+):$")
INSTRUCTION = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(.*?);")
LABEL = re.compile(r"^(\.L_x_\d+):")
BRANCH = re.compile(r"\bBRA\b.*`\((\.L_x_\d+)\)")
EXCERPT_LINES = 14
SUB_PARTITIONS = 4  # sm_90: per SM, each issues one warp instruction per clock
# sm_90's dense bf16 peak is 4096 FLOP per clock per SM (132 SMs x 4096 x 1.83 GHz = 989 TFLOP/s), so 1024 per
# sub-partition: one m16n8k16 HMMA (16 x 8 x 16 x 2 = 4096 FLOP) every 4 clocks.
HMMA_CLOCKS = 4


def find_tool(name: str, build: pathlib.Path):
    """PATH, then the toolkit beside the build's nvcc, then the PyPI wheel's bin/ (nvidia/cu*/bin)."""
    if path := shutil.which(name):
        return path
    cache = build / "CMakeCache.txt"
    if cache.is_file() and (m := re.search(r"^CMAKE_CUDA_COMPILER:\w+=(.+)$", cache.read_text(), re.M)):
        beside = pathlib.Path(m.group(1)).parent / name
        if beside.is_file():
            return str(beside)
    if (spec := importlib.util.find_spec("nvidia")) and spec.submodule_search_locations:
        for package in spec.submodule_search_locations:
            for candidate in sorted(pathlib.Path(package).glob(f"cu*/bin/{name}"), reverse=True):
                return str(candidate)
    return None


def parse_rules(text: str):
    """{"LDS.128": Fraction(3, 2), ...} from "LDS.128=3/2; LDS=1"."""
    rules = {}
    for rule in filter(None, text.split(";")):
        load, count = rule.split("=")
        rules[load.strip()] = Fraction(count.strip())
    return rules


def parse_attributes(text: str):
    attributes = dict(token.split("=", 1) for token in shlex.split(text))
    attributes.setdefault("math", "FFMA")
    required = ("kernel", "arch") if attributes["math"] in ("HMMA", "HGMMA") else ("kernel", "arch", "k_steps",
                                                                                    "wavefronts", "passes")
    for name in required:
        if name not in attributes:
            raise ValueError(f"sass block without {name}=")
    attributes["rules"] = parse_rules(attributes.get("wavefronts", ""))
    attributes["pass_rules"] = parse_rules(attributes.get("passes", ""))
    for load, passes in attributes["pass_rules"].items():
        if passes < attributes["rules"].get(load, 0):
            raise ValueError(f"passes={load}={passes} is fewer than its wavefronts: the passes count both limits")
    return attributes


def disassemble(objects, arch: str, tools):
    """{mangled kernel: [(address, instruction) or ('label', name)]} from every object."""
    cuobjdump, nvdisasm = tools
    functions = {}
    with tempfile.TemporaryDirectory() as scratch:
        for index, obj in enumerate(objects):
            folder = pathlib.Path(scratch, str(index))
            folder.mkdir()
            subprocess.run([cuobjdump, "-xelf", "all", str(obj.resolve())], cwd=folder, check=True,
                           capture_output=True)
            for cubin in folder.glob(f"*.{arch}.cubin"):
                listing = subprocess.run([nvdisasm, "-c", str(cubin)], check=True, capture_output=True,
                                         text=True).stdout
                functions.update(parse_listing(listing))
    return functions


def parse_listing(listing: str):
    functions, current = {}, None
    for line in listing.splitlines():
        stripped = line.strip()
        if m := FUNCTION.match(stripped):
            current = functions.setdefault(m.group(1), [])
        elif current is None:
            continue
        elif m := LABEL.match(stripped):
            current.append(("label", m.group(1)))
        elif m := INSTRUCTION.search(stripped):
            current.append((int(m.group(1), 16), " ".join(m.group(2).split())))
    return functions


def main_loop(code, math="FFMA"):
    """The code from a label to a backward branch to it (labels kept), holding the most `math` (FFMA, HMMA or
    HGMMA) instructions (innermost on ties)."""
    labels, loops = {}, []
    for position, item in enumerate(code):
        if item[0] == "label":
            labels[item[1]] = position
        elif (m := BRANCH.search(item[1])) and m.group(1) in labels:
            loops.append(code[labels[m.group(1)]:position + 1])
    if not loops:
        return None
    return max(loops, key=lambda loop: (sum(opcode(i) == math for i in instructions(loop)), -len(loop)))


def instructions(loop):
    return [item for item in loop if item[0] != "label"]


def trip_length(loop, better, calls_end_a_path=False):
    """The `better` (min or max) count of instructions that one trip around the loop can issue, where every
    conditional branch may go either way. Branches that leave the loop end no trip and are taken as not taken.
    With calls_end_a_path, a path through an unconditional CALL does not count."""
    position_of = {item[1]: k for k, item in enumerate(loop) if item[0] == "label"}
    count = [None] * (len(loop) + 1)  # the best count of instructions issued before reaching position k
    count[0] = 0
    for k, item in enumerate(loop):
        if count[k] is None:
            continue
        instruction = item[0] != "label"
        if instruction and calls_end_a_path and opcode(item) == "CALL" and not item[1].startswith("@"):
            continue
        here = count[k] + instruction
        successors = [k + 1]
        if instruction and (m := BRANCH.search(item[1])) and position_of.get(m.group(1), 0) > k:
            target = position_of[m.group(1)]
            conditional = item[1].startswith("@") or re.search(r"\bBRA(\.\w+)* !?U?P\d", item[1])
            successors = [target, k + 1] if conditional else [target]
        for successor in successors:
            if count[successor] is None or better(here, count[successor]) != count[successor]:
                count[successor] = here
    return count[len(loop)]


def shortest_trip(loop):
    """The fewest instructions one trip around the loop can issue.

    The loop also holds code that an interior tile skips (the edge tiles' bounds
    handling), so its length overstates a trip; the shortest path understates
    one where it also skips work that only the last trips skip.
    """
    return trip_length(loop, min)


def longest_plain_trip(loop):
    """The most instructions one trip can issue without a CALL (the slow paths of 64-bit division and the
    like sit behind calls). For a gather that branches around chunks of zeros, this is an interior tile's trip;
    where edge tiles copy by a slower path, an edge tile's."""
    return trip_length(loop, max, calls_end_a_path=True)


def opcode(instruction):
    """The operation without its predicate and modifiers other than the load width: LDS.128, FFMA, BAR..."""
    text = re.sub(r"^@!?U?P\w+\s+", "", instruction[1])
    name = text.split()[0]
    base = name.split(".")[0]
    if base in ("LDS", "LDG", "STS", "STG", "LDSM"):
        widths = [part for part in name.split(".")[1:] if part in ("64", "128", "U8", "S8", "U16", "S16")]
        return ".".join([base, *widths])
    return base


def percent(value: Fraction):
    return f"{float(value) * 100:.0f} %"


def number(value: Fraction):
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.3g}"


def shared_loads(body, attributes, name: str):
    """{opcode: (count, wavefronts each, passes each)} for the loop's shared loads. `@!PT` marks one that never
    executes: ptxas places such dummies after cp.async; they take an issue slot but read nothing."""
    loads = {}
    for instruction in body:
        op = opcode(instruction)
        if not op.startswith("LDS") or instruction[1].startswith("@!PT "):
            continue
        for key, kind in (("rules", "wavefronts"), ("pass_rules", "passes")):
            if op not in attributes[key]:
                raise ValueError(f"{name}: no {kind} rule for {op} (rules: {attributes[key]})")
        count, each, passes = loads.get(op, (0, attributes["rules"][op], attributes["pass_rules"][op]))
        loads[op] = (count + 1, each, passes)
    return loads


def report(name: str, code, attributes):
    loop = main_loop(code)
    if loop is None:
        raise ValueError(f"{name}: no loop in the machine code")
    body, trip = instructions(loop), shortest_trip(loop)
    steps = int(attributes["k_steps"])
    ffma = sum(opcode(i) == "FFMA" for i in body)
    if ffma == 0 or ffma % steps:
        raise ValueError(f"{name}: {ffma} FFMA in the main loop is not a whole number per k-step for k_steps={steps}")
    per_step = lambda count: Fraction(count, steps)  # noqa: E731
    lines = [f"Main loop of `{name}` on {attributes['arch']}: {len(body)} instructions for {steps} k-step"
             f"{'s' if steps > 1 else ''}; the shortest trip around it issues {trip}.", "",
             "| per k-step | count | wavefronts each (banks) | passes each (+ return path) | wavefronts | passes |",
             "| --- | ---: | ---: | ---: | ---: | ---: |",
             f"| FFMA | {number(per_step(ffma))} | | | | |"]
    loads = shared_loads(body, attributes, name)
    wavefronts, passes = Fraction(0), Fraction(0)
    for op, (count, each, passes_each) in sorted(loads.items()):
        wavefronts += each * count
        passes += passes_each * count
        lines.append(f"| `{op}` | {number(per_step(count))} | {number(each)} | {number(passes_each)} | "
                     f"{number(each * per_step(count))} | {number(passes_each * per_step(count))} |")
    others = len(body) - ffma - sum(count for count, _, _ in loads.values())
    lines += [f"| other instructions (addresses, loop, barriers, global loads) | {number(per_step(others))} "
              "| | | | |",
              f"| **all instructions** | **{number(per_step(len(body)))}** | | | **{number(wavefronts / steps)}** | "
              f"**{number(passes / steps)}** |"]
    def cap(cost):
        return min(Fraction(1), Fraction(ffma) / (SUB_PARTITIONS * cost)) if cost else Fraction(1)

    if trip == len(body):
        issue = (f"{ffma} of the {trip} instructions of a trip are FFMA, "
                 f"a predicted ceiling of **{percent(Fraction(ffma, trip))}**")
    else:
        issue = (f"{ffma} FFMA among the loop's {len(body)} instructions, of which a trip issues at least {trip}: "
                 f"a predicted ceiling between **{percent(Fraction(ffma, len(body)))}** and "
                 f"**{percent(Fraction(ffma, trip))}**")
    lines += ["", f"- Issue slots: {issue} of the FP32 peak.",
              f"- Shared memory, banks only: {number(per_step(ffma))} FFMA per {number(wavefronts / steps)} "
              f"wavefronts, a predicted ceiling of **{percent(cap(wavefronts))}** of the FP32 peak "
              "(FFMA / (4 × wavefronts)).",
              f"- Shared memory with the return path (one register of the warp per pass): "
              f"{number(per_step(ffma))} FFMA per {number(passes / steps)} passes, a predicted ceiling of "
              f"**{percent(cap(passes))}** (FFMA / (4 × passes)).", "",
              "```", *excerpt(body), "```", ""]
    return "\n".join(lines)


def counts_table(header: str, math: str, counts, others: int, others_are: str, total: int):
    """The table of a tensor-core loop's counts: each counted opcode, the others (`others_are` says what they
    do), all; per `math` instruction."""
    per = counts[math]
    lines = [f"| {header} | count | per {math} |", "| --- | ---: | ---: |"]
    lines += [f"| `{op}` | {count} | {number(Fraction(count, per))} |" for op, count in counts.items()]
    return lines + [f"| other instructions ({others_are}) | {others} | "
                    f"{number(Fraction(others, per))} |",
                    f"| **all instructions** | **{total}** | **{number(Fraction(total, per))}** |", ""]


def report_mma(name: str, code, attributes):
    """A tensor-core kernel's main loop (one trip: one k-tile): its HMMA, ldmatrix (LDSM), generic loads (LD),
    register transposes (MOVM) and cp.async (LDGSTS) against everything else it issues, and the issue ceiling that
    implies on sm_90 (HMMA_CLOCKS)."""
    loop = main_loop(code, "HMMA")
    if loop is None:
        raise ValueError(f"{name}: no loop in the machine code")
    body, trip, longest = instructions(loop), shortest_trip(loop), longest_plain_trip(loop)
    counts = {op: sum(opcode(i) == op for i in body) for op in ("HMMA", "LDSM", "LD", "MOVM", "LDGSTS")}
    counts = {op: count for op, count in counts.items() if count or op == "HMMA"}  # rows for what the loop holds
    if counts["HMMA"] == 0:
        raise ValueError(f"{name}: no HMMA in the main loop")
    hmma = counts["HMMA"]
    others = len(body) - sum(counts.values())
    lines = [f"Main loop of `{name}` on {attributes['arch']}, one trip per k-tile: {len(body)} instructions. "
             f"The shortest trip around it issues {trip}; the longest that calls no slow path issues {longest} "
             "(every branch the loop holds taken: for a gather that skips chunks of zeros, an interior tile; "
             "where edge tiles copy by a slower path, an edge tile).", ""]
    lines += counts_table("per k-tile", "HMMA", counts, others, "gather addresses, predicates, loop, barrier",
                          len(body))
    lines += [f"- Issue slots: at the tensor cores' peak a sub-partition issues one HMMA every {HMMA_CLOCKS} clocks, "
              f"so at most {HMMA_CLOCKS} instructions per HMMA fit. The longest such trip issues "
              f"{number(Fraction(longest, hmma))} per HMMA: a predicted ceiling of "
              f"**{percent(min(Fraction(1), Fraction(HMMA_CLOCKS * hmma, longest)))}** of the dense bf16 peak; "
              f"the shortest, {number(Fraction(trip, hmma))} per HMMA, "
              f"{percent(min(Fraction(1), Fraction(HMMA_CLOCKS * hmma, trip)))}. Every k-tile's trip lies between.", ""]
    return "\n".join(lines)


HGMMA_SHAPE = re.compile(r"\bHGMMA\.64x(\d+)x16\.")


def report_wgmma(name: str, code, attributes):
    """A wgmma kernel's main loop, per warp and trip (one k-tile): its HGMMA, cp.async (LDGSTS) and barriers
    against everything else it issues, and the issue ceiling on sm_90. A warpgroup's 64 x N x 16 HGMMA gives each
    of its 4 warps' sub-partitions 16 x N x 16 x 2 = 512 N FLOP, N / 2 clocks of a tensor core at 1024 FLOP per
    clock (HMMA_CLOCKS' rate), while each warp issues the trip's instructions on its own sub-partition, one a
    clock. More warpgroups per SM share both alike, so the ratio does not depend on how many are resident."""
    loop = main_loop(code, "HGMMA")
    if loop is None:
        raise ValueError(f"{name}: no loop in the machine code")
    body, trip, longest = instructions(loop), shortest_trip(loop), longest_plain_trip(loop)
    widths = {int(m.group(1)) for item in body if opcode(item) == "HGMMA" and (m := HGMMA_SHAPE.search(item[1]))}
    if len(widths) != 1:
        raise ValueError(f"{name}: expected HGMMA of one 64xNx16 shape in the main loop, found N = {sorted(widths)}")
    width = widths.pop()
    counts = {op: sum(opcode(i) == op for i in body) for op in ("HGMMA", "LDGSTS", "BAR")}
    hgmma = counts["HGMMA"]
    others = len(body) - sum(counts.values())
    busy = Fraction(width, 2)  # tensor-core clocks per HGMMA on each sub-partition
    lines = [f"Main loop of `{name}` on {attributes['arch']}, one trip per k-tile, per warp: {len(body)} "
             f"instructions. The shortest trip around it issues {trip}; the longest that calls no slow path issues "
             f"{longest}.", ""]
    lines += counts_table("per k-tile and warp", "HGMMA", counts, others,
                          "gather addresses, predicates, fences, wgmma and cp.async waits, loop", len(body))
    lines += [f"- Issue slots: each HGMMA.64x{width}x16 keeps a sub-partition's tensor core busy {number(busy)} clocks "
              f"at the peak, in which its warp may issue {number(busy)} instructions. The longest such trip issues "
              f"{number(Fraction(longest, hgmma))} per HGMMA: a predicted ceiling of "
              f"**{percent(min(Fraction(1), busy * hgmma / longest))}** of the dense bf16 peak; the shortest, "
              f"{number(Fraction(trip, hgmma))} per HGMMA, {percent(min(Fraction(1), busy * hgmma / trip))}.", ""]
    return "\n".join(lines)


def excerpt(body):
    """The loop's instructions from its first shared load on: where the k-steps' math begins."""
    start = next((k for k, i in enumerate(body) if opcode(i).startswith("LDS") and not i[1].startswith("@!PT ")), 0)
    return [i[1] for i in body[start:start + EXCERPT_LINES]]


def lesson_objects(lesson: pathlib.Path, build: pathlib.Path):
    """The chapter's own rung objects (not its tests, exercises or main)."""
    chapter = lesson.parent.relative_to(ROOT)
    return sorted(p for p in (build / chapter / "CMakeFiles").glob("*_rungs.dir/*.o"))


def main():
    args = build_report_arguments(__doc__, "SASS counts")
    unable = SKIP if args.check else 1
    if args.build_type != "Release":
        print(f"sass_report: a {args.build_type} build compiles other code than the Release build the lessons "
              "describe; nothing to check")
        sys.exit(unable)
    build = args.build.resolve()
    if not build.is_dir():
        sys.exit(f"sass_report: {args.build}: no such build folder")
    tools = (find_tool("cuobjdump", build), find_tool("nvdisasm", build))
    if None in tools or not shutil.which("c++filt"):
        print("sass_report: needs cuobjdump and nvdisasm (CUDA toolkit, or pip install nvidia-cuda-cuobjdump "
              "nvidia-cuda-nvdisasm) and c++filt (binutils)")
        sys.exit(unable)
    version = nvcc_version(build)
    if version is None:
        sys.exit(f"sass_report: {args.build} holds no CMakeCUDACompiler.cmake: not a configured CUDA build")
    stale, skipped = [], []
    for lesson in lessons():
        text = lesson.read_text()
        if "<!-- sass:begin" not in text:
            continue
        lesson_name = str(lesson.relative_to(ROOT))
        objects = lesson_objects(lesson, build)
        cache = {}

        def fill(match):
            attributes = parse_attributes(match.group(1))
            arch = attributes["arch"]
            if args.check and attributes.get("nvcc") != version:
                skipped.append(f"{lesson_name}: written with nvcc {attributes.get('nvcc')}, built with {version}")
                return match.group(0)
            if arch not in cache:
                cache[arch] = disassemble(objects, arch, tools)
            functions = cache[arch]
            if not functions:
                skipped.append(f"{lesson_name}: {arch} not built")
                return match.group(0)
            names = demangle(sorted(functions))
            chosen = [m for m in functions if names[m] == attributes["kernel"]]
            if len(chosen) != 1:
                sys.exit(f"sass_report: {lesson_name}: kernel {attributes['kernel']!r} not found; the chapter's "
                         f"kernels are: {', '.join(sorted(names.values()))}")
            head = match.group(1)
            head = re.sub(r"nvcc=\S+", f"nvcc={version}", head) if "nvcc=" in head else f"{head} nvcc={version}"
            make = {"HMMA": report_mma, "HGMMA": report_wgmma}.get(attributes["math"], report)
            return f"<!-- sass:begin {head} -->\n" + make(attributes["kernel"], functions[chosen[0]],
                                                          attributes) + match.group(3)

        try:
            new_text = BLOCK.sub(fill, text)
        except ValueError as error:
            sys.exit(f"sass_report: {lesson_name}: {error}")
        if not (args.write or args.check):
            for block in BLOCK.finditer(new_text):
                print(f"## {lesson_name}\n\n{block.group(2)}")
        if new_text != text:
            stale.append(lesson_name)
            if args.write:
                write_atomically(lesson, new_text)
    if args.write:
        print("sass_report: " + (f"rewrote {', '.join(stale)}" if stale else "lessons already current"))
    elif args.check and stale:
        print("sass_report: stale SASS counts in " + ", ".join(stale) +
              "; run python3 tools/sass_report.py --build <build> --write")
        sys.exit(1)
    if skipped:
        print("sass_report: cannot check " + "; ".join(skipped))
        sys.exit(unable)
    if args.check:
        print("sass_report: every lesson's SASS counts match the build")


if __name__ == "__main__":
    main()
