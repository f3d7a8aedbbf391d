#!/usr/bin/env python3
"""Turns recorded results (benchmarks/results/*.json) into the tables and chart of the docs.

Nothing here is typed by hand: every number comes from a results file written
by benchmarks/record.py on a GPU. It rewrites the blocks between
`<!-- results:begin ... -->` and `<!-- results:end -->` in README.md,
docs/results.md and every chapter's README.md, and draws
docs/images/ladder.png (needs matplotlib).

    python3 benchmarks/report.py            # rewrite tables and chart
    python3 benchmarks/report.py --check    # fail if a table is stale (CI)
"""
import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BLOCK = re.compile(r"(<!-- results:begin(?P<args>[^>]*)-->\n)(.*?)(<!-- results:end -->)", re.S)
HEADLINE = 4096
SIMT_LAST_CHAPTER = 6  # chapters 01-06 run on the CUDA cores; issue 3's targets apply to them
TARGET_HEADLINE_PCT, TARGET_BAND_PCT, TARGET_SIZES = 95, 90, (2048, 8192)
NO_RESULTS = ("No results recorded yet: run `benchmarks/run_gpu.sh` on a GPU "
              "(see benchmarks/README.md).\n")


def load_results():
    runs = []
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text())
        data["_file"] = path.name
        runs.append(data)
    return runs


def rung_rows(run):
    """{rung: {size: (ms, tflops, pct)}} from the Google Benchmark entries."""
    rows = {}
    for bench in run["benchmarks"].get("benchmarks", []):
        if bench.get("error_occurred") or bench.get("run_type") == "aggregate":
            continue
        _, rung, size = bench["name"].split("/")[:3]
        size = int(size.split(":")[0])
        rows.setdefault(rung, {})[size] = (bench["real_time"], bench.get("TFLOP/s", 0.0),
                                           bench.get("pct_of_cublas", float("nan")))
    return rows


def chapter_of(rung):
    head = rung.split(" ")[0]
    return int(head) if head.isdigit() else 0


def context_line(run):
    c = run["context"]
    return (f"{c['gpu']} (SM clock {c.get('sm_clock_mhz', '?')} MHz, memory clock "
            f"{c.get('memory_clock_mhz', '?')} MHz), driver {c['driver']}, CUDA {c['cuda']}, "
            f"commit `{c['commit'][:10]}`, {c['date']}; file `benchmarks/results/{run['_file']}`")


def table(run, chapter=None):
    rows = rung_rows(run)
    sizes = sorted({size for by_size in rows.values() for size in by_size})
    lines = [f"Measured on {context_line(run)}.", "",
             f"| rung | ms at {HEADLINE}³ | TFLOP/s at {HEADLINE}³ | " +
             " | ".join(f"% of cuBLAS at {s}" for s in sizes) + " |",
             "|---|---:|---:|" + "---:|" * len(sizes)]
    for rung, by_size in rows.items():
        if chapter is not None and chapter_of(rung) not in (0, chapter):
            continue
        ms, tflops, _ = by_size.get(HEADLINE, (float("nan"),) * 3)
        pcts = [percent(rung, by_size, s) for s in sizes]
        lines.append(f"| {rung} | {ms:.3f} | {tflops:.2f} | " + " | ".join(pcts) + " |")
    if chapter is None or chapter == SIMT_LAST_CHAPTER:
        lines += ["", simt_targets(rows)]
    return "\n".join(lines) + "\n"


def percent(rung, by_size, size):
    if rung == "cuBLAS" and size in by_size:
        return "100 (reference)"
    value = by_size[size][2] if size in by_size else float("nan")
    return "–" if value != value else f"{value:.1f}"


def simt_targets(rows):
    """Issue 3's targets, checked against the best SIMT rung at the headline size."""
    simt = {rung: by_size for rung, by_size in rows.items()
            if 1 <= chapter_of(rung) <= SIMT_LAST_CHAPTER and HEADLINE in by_size}
    if not simt:
        return f"SIMT targets: no SIMT rung measured at {HEADLINE}³."
    best = max(simt, key=lambda rung: simt[rung][HEADLINE][2])
    headline_pct = simt[best][HEADLINE][2]
    band = {size: v[2] for size, v in simt[best].items() if TARGET_SIZES[0] <= size <= TARGET_SIZES[1]}
    worst_size = min(band, key=band.get)
    verdict = lambda ok: "met" if ok else "**not met**"
    return (f"SIMT targets, best rung at {HEADLINE}³ ({best}): {headline_pct:.1f} % of cuBLAS at {HEADLINE}³ "
            f"(target ≥ {TARGET_HEADLINE_PCT} %: {verdict(headline_pct >= TARGET_HEADLINE_PCT)}); lowest from "
            f"{TARGET_SIZES[0]} to {TARGET_SIZES[1]}: {band[worst_size]:.1f} % at {worst_size}³ "
            f"(target ≥ {TARGET_BAND_PCT} %: {verdict(band[worst_size] >= TARGET_BAND_PCT)}).")


def render_block(runs, args):
    if not runs:
        return NO_RESULTS
    match = re.search(r"chapter=(\d+)", args)
    chapter = int(match.group(1)) if match else None
    text = "\n".join(table(run, chapter) for run in runs)
    if "chart" in args.split():
        text += f"\n![% of cuBLAS per rung at {HEADLINE}³](ladder.png)\n"
    return text


def rewrite(path, runs, check):
    text = path.read_text()
    updated = BLOCK.sub(lambda m: m.group(1) + render_block(runs, m.group("args")) + m.group(4), text)
    if updated == text:
        return True
    if check:
        print(f"{path.relative_to(ROOT)}: results block is stale; run python3 benchmarks/report.py", file=sys.stderr)
        return False
    path.write_text(updated)
    return True


def draw_chart(runs):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: chart not drawn (pip install matplotlib)", file=sys.stderr)
        return
    out = ROOT / "docs" / "images" / "ladder.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    run = runs[0]
    rows = rung_rows(run)
    names = [r for r in rows if HEADLINE in rows[r]]
    pcts = [rows[r][HEADLINE][2] for r in names]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.5))
    ax.barh(names[::-1], pcts[::-1], color="#4878a8")
    ax.set_xlabel(f"% of cuBLAS at {HEADLINE}³ (fp32)")
    ax.set_title(f"The ladder on {run['context']['gpu']}")
    for y, pct in enumerate(pcts[::-1]):
        ax.text(pct + 1, y, f"{pct:.1f}%", va="center")
    fig.tight_layout()
    tmp = out.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(out)  # atomic: a reader never sees half a chart


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a results block is stale; change nothing")
    args = parser.parse_args()
    runs = load_results()
    pages = [ROOT / "README.md", ROOT / "docs" / "results.md"] + sorted(ROOT.glob("chapters/*/README.md"))
    ok = all([rewrite(page, runs, args.check) for page in pages if page.exists()])
    if not args.check and runs:
        draw_chart(runs)
    print(f"report: {len(runs)} result file(s), {len(pages)} pages {'checked' if args.check else 'written'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
