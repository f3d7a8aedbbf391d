#!/usr/bin/env python3
"""PyTorch's conv2d on bench_conv's layers, on the same GPU: a second opinion on the cuDNN baseline.

    build/bin/bench_conv --benchmark_out=bench_conv.json --benchmark_out_format=json
    python3 benchmarks/pytorch_conv.py --bench-conv bench_conv.json --out pytorch_conv.json

bench_conv's cuDNN rungs run the fastest algorithm that the legacy
`cudnnFindConvolutionForwardAlgorithmEx` timed. PyTorch reaches the same library
through cuDNN's graph (frontend) API, and with `torch.backends.cudnn.benchmark`
it times the engines that API offers, which on some layers are more than the
legacy call's eight algorithms. Where PyTorch is clearly faster than our cuDNN
row, the baseline is weak on that layer and every "% of cuDNN" there flatters
our rungs; the report puts PyTorch's row beside cuDNN's so that a reader sees it.

Same work as bench_conv: the layers come from its JSON (its context's
`conv_layers`), fp32 NCHW with TF32 off, and bf16 NHWC (channels_last) with fp32
accumulation. Same timing: L2 flushed before each run, CUDA events around the
convolution alone, the mean over runs that last at least --min-seconds in all,
after an untimed run that lets cuDNN pick its engine. Each bf16 result is
compared with the fp32 one, so a layer PyTorch computed wrongly is reported,
not timed.
"""

import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
from atomic_file import write_atomically  # noqa: E402

PRECISIONS = ("fp32 NCHW", "bf16 NHWC")  # bench_conv's labels, which report.py's tables split on
# bf16 inputs rounded to 8 bits of mantissa, then a bf16 output: a sum over C·R·S terms of mixed sign.
BF16_TOLERANCE = 2e-2


def conv_layers(bench_conv_json):
    """[(name, {n, c, h, w, k, r, s, stride, padding})] from bench_conv's context, in its order."""
    context = json.loads(pathlib.Path(bench_conv_json).read_text()).get("context", {})
    if "conv_layers" not in context:
        raise ValueError(f"{bench_conv_json} names no layers (its context has no conv_layers: "
                         "a bench_conv older than pytorch_conv.py)")
    layers = json.loads(context["conv_layers"])
    keys = ("n", "c", "h", "w", "k", "r", "s", "stride", "padding")
    for layer in layers:
        if not all(isinstance(layer.get(key), int) and layer[key] >= (0 if key == "padding" else 1) for key in keys):
            raise ValueError(f"{bench_conv_json}: layer {layer.get('name')!r} lacks a valid {', '.join(keys)}")
    return [(layer["name"], {key: layer[key] for key in keys}) for layer in layers]


def conv_flops(shape):
    """2·N·K·P·Q·C·R·S, as ConvProblem::flops()."""
    p = (shape["h"] + 2 * shape["padding"] - shape["r"]) // shape["stride"] + 1
    q = (shape["w"] + 2 * shape["padding"] - shape["s"]) // shape["stride"] + 1
    return 2.0 * shape["n"] * shape["k"] * p * q * shape["c"] * shape["r"] * shape["s"]


def time_conv(torch, run, flush, min_seconds, min_runs=10):
    """Mean milliseconds of run() over at least min_runs runs and min_seconds, each after an L2 flush."""
    run()  # untimed: cuDNN's engine search (benchmark mode) and the first call's setup
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    total_ms, runs = 0.0, 0
    while runs < min_runs or total_ms < 1e3 * min_seconds:
        flush.zero_()
        start.record()
        run()
        stop.record()
        stop.synchronize()
        total_ms += start.elapsed_time(stop)
        runs += 1
    return total_ms / runs, runs


def measure(torch, layers, min_seconds, progress):
    functional = torch.nn.functional
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False  # fp32 as bench_conv's cuDNN fp32 rung: CUDNN_FMA_MATH
    properties = torch.cuda.get_device_properties(0)
    flush = torch.empty(2 * max(properties.L2_cache_size, 1 << 20), dtype=torch.uint8, device="cuda")
    generator = torch.Generator(device="cuda").manual_seed(7)
    results = []
    for index, (name, shape) in enumerate(layers, 1):
        x = torch.randn(shape["n"], shape["c"], shape["h"], shape["w"], device="cuda", generator=generator)
        w = torch.randn(shape["k"], shape["c"], shape["r"], shape["s"], device="cuda", generator=generator)
        args = {"stride": shape["stride"], "padding": shape["padding"]}
        x16 = x.to(torch.bfloat16).contiguous(memory_format=torch.channels_last)
        w16 = w.to(torch.bfloat16).contiguous(memory_format=torch.channels_last)
        # The fp32 product of the bf16-rounded inputs: what the bf16 result should be, up to its rounding.
        expected = functional.conv2d(x16.float(), w16.float(), **args)
        scale = expected.abs().max().item() or 1.0
        runs = {"fp32 NCHW": lambda: functional.conv2d(x, w, **args),
                "bf16 NHWC": lambda: functional.conv2d(x16, w16, **args)}
        for precision in PRECISIONS:
            entry = {"layer": name, "precision": precision, **shape}
            results.append(entry)
            try:
                if precision == "bf16 NHWC":
                    error = (runs[precision]().float() - expected).abs().max().item() / scale
                    entry["max_error_over_max"] = error
                    if error > BF16_TOLERANCE:
                        entry["status"] = f"FAILED: max error {error:.2e} of the output's largest, over {BF16_TOLERANCE}"
                        continue
                ms, count = time_conv(torch, runs[precision], flush, min_seconds)
            except RuntimeError as error:  # PyTorch's CUDA and cuDNN errors: this layer's, not the run's
                entry["status"] = "FAILED: " + str(error).splitlines()[0]
                continue
            entry.update(status="ok", ms=ms, runs=count, tflops=conv_flops(shape) / (ms * 1e-3) / 1e12)
        if progress:
            print(f"pytorch_conv: {index}/{len(layers)} {name}", file=sys.stderr, flush=True)
    return results, properties.name


def print_table(results):
    print(f"{'layer':<20} {'precision':<10} {'ms':>9} {'TFLOP/s':>8}")
    for entry in results:
        if entry["status"] == "ok":
            print(f"{entry['layer']:<20} {entry['precision']:<10} {entry['ms']:>9.4f} {entry['tflops']:>8.2f}")
        else:
            print(f"{entry['layer']:<20} {entry['precision']:<10} {entry['status']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-conv", required=True, help="bench_conv's Google Benchmark JSON: the layers")
    parser.add_argument("--out", required=True, help="the JSON to write (atomically)")
    parser.add_argument("--min-seconds", type=float, default=0.1,
                        help="timed seconds per layer and precision, at least (default 0.1, as bench_conv)")
    parser.add_argument("--layers", help="only these layers, comma-separated (default: all of bench_conv's)")
    parser.add_argument("--quiet", action="store_true", help="no progress line per layer")
    args = parser.parse_args()
    if not 0 < args.min_seconds <= 60:
        parser.error(f"--min-seconds {args.min_seconds}: give a time in (0, 60]")
    layers = conv_layers(args.bench_conv)
    if args.layers:
        wanted = args.layers.split(",")
        unknown = sorted(set(wanted) - {name for name, _ in layers})
        if unknown:
            parser.error(f"--layers: {', '.join(unknown)} not among bench_conv's layers "
                         f"({', '.join(name for name, _ in layers)})")
        layers = [(name, shape) for name, shape in layers if name in wanted]
    try:
        import torch
    except ImportError as error:
        sys.exit(f"pytorch_conv.py: PyTorch is not importable here ({error})")
    if not torch.cuda.is_available():
        sys.exit("pytorch_conv.py: PyTorch sees no CUDA device")
    results, gpu = measure(torch, layers, args.min_seconds, progress=not args.quiet)
    record = {"program": "pytorch_conv.py", "gpu": gpu, "pytorch_version": torch.__version__,
              "cudnn_version": torch.backends.cudnn.version(), "min_seconds": args.min_seconds,
              "results": results}
    write_atomically(args.out, json.dumps(record, indent=1) + "\n")
    print_table(results)
    return 1 if any(entry["status"] != "ok" for entry in results) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, RuntimeError) as error:  # json.JSONDecodeError is a ValueError; CUDA's a RuntimeError
        sys.exit(f"pytorch_conv.py: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
