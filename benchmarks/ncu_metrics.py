#!/usr/bin/env python3
"""Nsight Compute's metrics, read back from the text reports of run_gpu.sh's profile phases.

run_gpu.sh runs ncu twice on the same launches (ncu.txt, ncu-tune.txt): once for the
sections a person reads, once with `--metrics` for the numbers the lessons predict.
This reads the second kind of block, in the layout ncu prints for `--metrics`:

      void kernel<16>(float *, int) (64, 64, 1)x(256, 1, 1), Context 1, Stream 7, Device 0, CC 9.0
        Section: Command line profiler metrics
        ----------------------------------------------- ----------- ------------
        Metric Name                                     Metric Unit Metric Value
        ----------------------------------------------- ----------- ------------
        smsp__inst_executed.sum                                inst    2,512,134
        sm__pipe_fma_cycles_active.avg.pct_of_peak_...            %        81.53

(older releases print the launch's date where the grid is, and no header row), and
returns one entry per kernel launch that has metrics, in launch order:
{"kernel": name without namespaces and parameters, "metrics": {metric: value}}. A
value ncu could not collect ("(!) n/a") is None; a unit with an SI prefix (Kinst,
Mbyte) is scaled back to its base unit.

    python3 benchmarks/ncu_metrics.py ncu.txt            # the evidence table, as report.py prints it
    python3 benchmarks/ncu_metrics.py ncu.txt --json     # the launches and their metrics
    python3 benchmarks/ncu_metrics.py --metric-list      # what run_gpu.sh asks ncu for
    python3 benchmarks/ncu_metrics.py --stall-metric-list   # ... and in its stall pass
"""
import argparse
import json
import re
import sys

# A launch's header line: its name, then its grid and block (or, before 2023, its date), context and stream.
LAUNCH = re.compile(r"^\s+(?P<name>\S.*?)(?: \(\d+, \d+, \d+\)x\(\d+, \d+, \d+\))?"
                    r"(?:, \d{4}-\w{3}-\d{2} [\d:]+)?, Context \d+, Stream \d+")
# A metric's line: a name with ncu's double underscore, an optional unit, a number or "(!) n/a".
METRIC = re.compile(r"^\s+(?P<name>[a-z][a-z0-9]*__[a-z0-9_.]+)\s+(?:(?P<unit>[^\s\d(][^\s]*)\s+)?"
                    r"(?P<value>\(!\) n/a|-?[\d,]+(?:\.\d+)?)\s*$")
PREFIX = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
BASE_UNITS = ("inst", "byte", "sector", "request", "cycle", "warp", "wavefront", "thread")


def scale(unit):
    """The factor that turns a value in `unit` into one in its base unit: Minst → 1e6."""
    if unit and unit[0] in PREFIX and unit[1:].rstrip("s") in BASE_UNITS:
        return PREFIX[unit[0]]
    return 1.0


def short_name(name):
    """`void ladder::warp_tiling::cp_async_kernel<ladder::warp_tiling::TileConfig<128, 128>>(ladder::GemmArgs)`
    → `cp_async_kernel<TileConfig<128, 128>>`: no return type, namespaces or parameter list."""
    name = re.sub(r"^void ", "", name.strip())
    depth = 0
    for index, char in enumerate(name):  # cut the parameter list: the first "(" outside the template arguments
        depth += char == "<"
        depth -= char == ">"
        if char == "(" and depth == 0 and index > 0:
            name = name[:index]
            break
    return re.sub(r"\b[A-Za-z_]\w*::", "", name)


def parse(text):
    """[{"kernel": short name, "metrics": {name: value or None}}] for every launch with metrics. After a
    program's metrics run, a report may hold its stall pass over the same launches, between a STALL_PASS line
    and a STALL_PASS_END line (or the end of the report): those launches' metrics join the ones of the same
    program's launches at the same place, when the kernels match. A report may hold several programs' runs."""
    launches, program_start, position = [], 0, 0
    for section in STALL_SECTION.finditer(text):
        launches += parse_pass(text[position:section.start()])
        program = launches[program_start:]
        for index, launch in enumerate(parse_pass(section.group(1))):
            if index < len(program) and program[index]["kernel"] == launch["kernel"]:
                program[index]["metrics"].update(launch["metrics"])
            else:
                launches.append(launch)
        program_start, position = len(launches), section.end()
    return launches + parse_pass(text[position:])


def parse_pass(text):
    launches, current = [], None
    for line in text.splitlines():
        if match := LAUNCH.match(line):
            current = {"kernel": short_name(match.group("name")), "metrics": {}}
            launches.append(current)
        elif current is not None and (match := METRIC.match(line)):
            value = match.group("value")
            current["metrics"][match.group("name")] = (
                None if value.startswith("(!)") else float(value.replace(",", "")) * scale(match.group("unit")))
    return [launch for launch in launches if launch["metrics"]]


def ratio(numerator, denominator):
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


# The evidence table: what run_gpu.sh's ncu_report collects, and what the lessons compare it with.
ISSUED = "smsp__inst_executed.sum"
FMA_PIPE = "smsp__inst_executed_pipe_fma.sum"  # FFMA, and the integer multiply-adds that share the pipe
FMA_BUSY = "sm__pipe_fma_cycles_active.avg.pct_of_peak_sustained_active"
SHARED_LOADS = "smsp__inst_executed_op_shared_ld.sum"
WAVEFRONTS = "l1tex__data_pipe_lsu_wavefronts_mem_shared_op_ld.sum"
CONFLICTS = "l1tex__data_bank_conflicts_pipe_lsu_mem_shared_op_ld.sum"
BARRIER_STALL = "smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio"
SHORT_SCOREBOARD_STALL = "smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio"


def per_shared_load(metric):
    return lambda m: ratio(m.get(metric), m.get(SHARED_LOADS))


METRICS = (ISSUED, FMA_PIPE, FMA_BUSY, SHARED_LOADS, WAVEFRONTS, CONFLICTS, BARRIER_STALL, SHORT_SCOREBOARD_STALL)

# The stall pass: every stall reason, as cycles per issued instruction, and how busy each pipe was. Asked for
# by pattern (ncu's "regex:" prefix), in a pass of its own: should this ncu not know a name, only this pass fails.
STALL_PASS, STALL_PASS_END = "==LADDER== stall reasons", "==LADDER== end of stall reasons"
STALL_SECTION = re.compile(re.escape(STALL_PASS) + r"(.*?)(?:" + re.escape(STALL_PASS_END) + r"|\Z)", re.S)
STALL = re.compile(r"^smsp__average_warps_issue_stalled_(?P<reason>\w+?)_per_issue_active\.ratio$")
PIPE = re.compile(r"^sm__pipe_(?P<pipe>\w+?)_cycles_active\.avg\.pct_of_peak_sustained_active$")
STALL_METRICS = (r"regex:^smsp__average_warps_issue_stalled_[a-z_]+_per_issue_active\.ratio$",
                 r"regex:^sm__pipe_[a-z0-9_]+_cycles_active\.avg\.pct_of_peak_sustained_active$")
TOP = 4  # stall reasons and pipes named per launch


COLUMNS = (  # (title, value from a launch's metrics, format)
    ("warp instructions issued", lambda m: m.get(ISSUED), "{:.3g}"),
    ("fma-pipe share of them", lambda m: ratio(m.get(FMA_PIPE), m.get(ISSUED)), "{:.0%}"),
    ("fma pipe busy", lambda m: ratio(m.get(FMA_BUSY), 100), "{:.0%}"),
    ("shared loads", lambda m: m.get(SHARED_LOADS), "{:.3g}"),
    ("wavefronts per shared load", per_shared_load(WAVEFRONTS), "{:.2f}"),
    ("bank conflicts per shared load", per_shared_load(CONFLICTS), "{:.2f}"),
    ("barrier stall per issue", lambda m: m.get(BARRIER_STALL), "{:.2f}"),
    ("short-scoreboard stall per issue", lambda m: m.get(SHORT_SCOREBOARD_STALL), "{:.2f}"),
)


def evidence_table(launches):
    """A Markdown table of the launches' evidence, one row per launch; "n/a" where a metric is missing."""
    lines = ["| kernel | " + " | ".join(title for title, _, _ in COLUMNS) + " |",
             "|---|" + "---:|" * len(COLUMNS)]
    for launch in launches:
        cells = []
        for _, value_of, spec in COLUMNS:
            value = value_of(launch["metrics"])
            cells.append("n/a" if value is None else spec.format(value))
        lines.append(f"| `{launch['kernel']}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def ranked(metrics, pattern, group):
    """[(name, value)] of the metrics `pattern` matches, largest first, without the ones ncu could not collect."""
    found = [(m.group(group), value) for name, value in metrics.items()
             if (m := pattern.match(name)) and value is not None]
    return sorted(found, key=lambda item: -item[1])


def stall_table(launches):
    """A Markdown table of where each launch's warps waited: the cycles between two issues of a warp (the
    stall reasons' sum, "selected" included: the issue cycle itself), the largest reasons, and the busiest
    pipes; "" when no launch has the stall pass's metrics."""
    rows = []
    for launch in launches:
        stalls = ranked(launch["metrics"], STALL, "reason")
        if "selected" not in dict(stalls):  # not the stall pass: the first pass's two reasons only
            continue
        pipes = ranked(launch["metrics"], PIPE, "pipe")
        total = sum(value for _, value in stalls)
        rows.append(f"| `{launch['kernel']}` | {total:.2f} | "
                    + ", ".join(f"{reason} {value:.2f}" for reason, value in stalls[:TOP]) + " | "
                    + (", ".join(f"{pipe} {value:.0f} %" for pipe, value in pipes[:TOP]) or "n/a") + " |")
    if not rows:
        return ""
    return "\n".join(["| kernel | cycles per issue | largest stall reasons (cycles per issue) | busiest pipes |",
                      "|---|---:|---|---|", *rows]) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", nargs="?", help="an ncu text report with a --metrics block (run_gpu.sh's ncu.txt)")
    parser.add_argument("--json", action="store_true", help="print the parsed launches as JSON instead")
    parser.add_argument("--metric-list", action="store_true",
                        help="print the metrics the table needs, comma-separated, for ncu --metrics")
    parser.add_argument("--stall-metric-list", action="store_true",
                        help="print the stall pass's metric patterns, comma-separated, for ncu --metrics")
    parser.add_argument("--stall-marker", choices=("begin", "end"),
                        help="print the line that opens (or closes) a stall pass in a report, for run_gpu.sh")
    args = parser.parse_args()
    if args.metric_list or args.stall_metric_list:
        print(",".join(METRICS if args.metric_list else STALL_METRICS))
        return 0
    if args.stall_marker:
        print(STALL_PASS if args.stall_marker == "begin" else STALL_PASS_END)
        return 0
    if not args.report:
        parser.error("name a report, or ask for --metric-list")
    try:
        with open(args.report, encoding="utf-8", errors="replace") as report:
            launches = parse(report.read())
    except OSError as error:
        print(f"ncu_metrics: {error}", file=sys.stderr)
        return 1
    if not launches:
        print(f"ncu_metrics: {args.report} has no metrics block (did ncu run with --metrics?)", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(launches, indent=1))
    else:
        print(evidence_table(launches), end="")
        if stalls := stall_table(launches):
            print("\n" + stalls, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
