#!/usr/bin/env python3
"""Chapter 14's LeNet in PyTorch, on the same GPU, from the same weights, on the same batches.

    build/bin/ch14_mnist_cnn --data DIR --augment off --save-initial initial.ckpt --json ours.json
    python3 benchmarks/pytorch_lenet.py --ours ours.json --weights initial.ckpt --data DIR --out cnn.json

It reads everything about the run from ours.json (batch, optimizer, learning rate and schedule,
weight decay, seed, epochs, how many images), starts PyTorch from initial.ckpt (the project's
checkpoint format, common/nn/checkpoint.hpp), and takes the batches in the project's order: the
same SplitMix64 stream (common/nn/random.hpp) and the same Fisher-Yates shuffle (training.cpp).
So with fp32 everywhere the two runs differ only by rounding, and this script checks that they
do: the first batches' losses must agree to 1e-3 (a different batch gives a different loss at
once). Then it times PyTorch's epochs four ways:

- eager fp32: the plain loop (TF32 off, so that it computes what the project computes);
- eager bf16: channels_last and bf16 autocast, the usual mixed-precision recipe;
- compiled fp32: torch.compile, where it works on the machine (its error is recorded otherwise);
- compiled bf16: all three at once, PyTorch's best effort (last: a run out of time loses it first).

Every mode keeps the data on the GPU and draws batches there with index_select, as the project
does, so no mode pays for host copies the other does not. The JSON written to --out holds the
project's run, each PyTorch mode's epochs, and the comparison; a table is printed last.

Augmentation is refused: the project's random transform has no exact PyTorch twin.
"""

import argparse
import gzip
import json
import math
import struct
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from atomic_file import write_atomically  # noqa: E402

MODES = ("eager fp32", "eager bf16", "compiled fp32", "compiled bf16")
MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
SHUFFLE_STREAM = 4  # mnist_app.cpp: kShuffleStream
CHECKED_BATCHES = 10  # the first batch losses that must agree
TOLERANCE = 1e-3  # relative, per batch loss
LENET = "lenet5 image 28 conv1 6 conv2 16 fc1 120 fc2 84 classes 10"


class Random:
    """SplitMix64, as common/nn/random.hpp: the same seed gives the same stream."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_bits(self):
        self.state = (self.state + GAMMA) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        limit = MASK - (MASK % bound)
        bits = self.next_bits()
        while bits >= limit:
            bits = self.next_bits()
        return bits % bound


def derive_seed(seed, purpose):
    return Random(seed ^ ((purpose * 0xD1B54A32D192ED03) & MASK)).next_bits()


def shuffled_indices(count, random):
    """training.cpp's shuffled_indices: Fisher-Yates from the last element down."""
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = random.below(i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def epoch_orders(seed, count, epochs):
    random = Random(derive_seed(seed, SHUFFLE_STREAM))
    return [shuffled_indices(count, random) for _ in range(epochs)]


def read_checkpoint(path):
    """[(name, shape, values as little-endian float32 bytes)] of a project checkpoint."""
    data = Path(path).read_bytes()
    if data[:8] != b"LADDERNN":
        raise ValueError(f"{path}: not a Kernel Ladder network checkpoint")
    if len(data) < 16 or zlib.crc32(data[:-4]) != struct.unpack_from("<I", data, len(data) - 4)[0]:
        raise ValueError(f"{path}: checksum mismatch: the file is corrupt or truncated")
    position = 8

    def u32():
        nonlocal position
        (value,) = struct.unpack_from("<I", data, position)
        position += 4
        return value

    def text():
        nonlocal position
        length = u32()
        value = data[position : position + length].decode()
        position += length
        return value

    version = u32()
    if version != 1:
        raise ValueError(f"{path}: checkpoint format {version}; this script reads format 1")
    description = text()
    if description != LENET:
        raise ValueError(f"{path}: holds '{description}'; this script builds '{LENET}'")
    headers = []
    for _ in range(u32()):
        name = text()
        shape = [u32() for _ in range(u32())]
        headers.append((name, shape))
    tensors = []
    for name, shape in headers:
        size = 4 * math.prod(shape)
        tensors.append((name, shape, data[position : position + size]))
        position += size
    if position != len(data) - 4:
        raise ValueError(f"{path}: unexpected bytes after the values")
    return tensors


def read_idx(path):
    """(shape, bytes) of an IDX file, raw or gzipped: 0x0803 images or 0x0801 labels."""
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    magic, = struct.unpack_from(">I", data, 0)
    dimensions = magic & 0xFF
    if magic >> 8 != 0x08 or dimensions not in (1, 3):
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    shape = list(struct.unpack_from(f">{dimensions}I", data, 4))
    start = 4 + 4 * dimensions
    if len(data) - start != math.prod(shape):
        raise ValueError(f"{path}: {len(data) - start} bytes of data for shape {shape}")
    return shape, data[start:]


def find_idx(folder, prefix, kind):
    for name in (f"{prefix}-{kind}", f"{prefix}-{kind}.gz"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{folder}: no {prefix}-{kind}[.gz]")


def load_split(folder, prefix, count):
    """The first `count` images (pixels as bytes) and labels of one split."""
    shape, pixels = read_idx(find_idx(folder, prefix, "images-idx3-ubyte"))
    _, labels = read_idx(find_idx(folder, prefix, "labels-idx1-ubyte"))
    if count > shape[0]:
        raise ValueError(f"{folder}: the run used {count} {prefix} images; the files hold {shape[0]}")
    side = shape[1]
    return pixels[: count * side * side], labels[:count], side


def cosine_rate(schedule, peak, step, total):
    """optimizer.cpp's scheduled_learning_rate."""
    if schedule == "constant":
        return peak
    return peak * (1 + math.cos(math.pi * min(step, total) / total)) / 2


def on_device(torch, data, dtype, device):
    """IDX bytes as a `dtype` tensor on `device`. frombuffer reads them in place; torch.tensor
    would walk the 47 million bytes of the training images one Python int at a time."""
    return torch.frombuffer(bytearray(data), dtype=torch.uint8).to(device=device, dtype=dtype)


def train(torch, mode, tensors, train_set, test_set, orders, ours):
    """Trains one mode for len(orders) epochs; returns its record."""
    functional = torch.nn.functional
    device = torch.device("cuda")
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10)).to(device)
    layers = {"conv1": model[0], "conv2": model[3], "fc1": model[7], "fc2": model[9], "fc3": model[11]}
    with torch.no_grad():
        for name, shape, values in tensors:
            layer, kind = name.split(".")
            getattr(layers[layer], kind).copy_(torch.frombuffer(bytearray(values), dtype=torch.float32).view(shape))
    bf16 = mode in ("eager bf16", "compiled bf16")
    if bf16:
        model = model.to(memory_format=torch.channels_last)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    groups = [{"params": weights, "weight_decay": ours["weight_decay"]}, {"params": biases, "weight_decay": 0.0}]
    if ours["optimizer"] == "adam":
        optimizer = torch.optim.AdamW(groups, lr=ours["learning_rate"], betas=(0.9, 0.999), eps=1e-8)
    else:
        optimizer = torch.optim.SGD(groups, lr=ours["learning_rate"], momentum=0.9)
    forward = torch.compile(model) if mode.startswith("compiled") else model

    images = on_device(torch, train_set[0], torch.uint8, device)
    images = (images.float() / 255.0).view(-1, 1, train_set[2], train_set[2])
    labels = on_device(torch, train_set[1], torch.int64, device)
    count, batch = images.shape[0], ours["batch"]
    steps = (count + batch - 1) // batch
    total_steps = steps * len(orders)
    epochs = []
    for epoch, order in enumerate(orders):
        order_d = torch.tensor(order, dtype=torch.int64, device=device)
        losses = torch.empty(steps, device=device)
        torch.cuda.synchronize()
        start = time.perf_counter()
        for step in range(steps):
            index = order_d[step * batch : (step + 1) * batch]
            x, y = images.index_select(0, index), labels.index_select(0, index)
            if bf16:
                x = x.contiguous(memory_format=torch.channels_last)
            rate = cosine_rate(ours["schedule"], ours["learning_rate"], epoch * steps + step, total_steps)
            for group in optimizer.param_groups:
                group["lr"] = rate
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
                logits = forward(x)
            loss = functional.cross_entropy(logits.float(), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses[step] = loss.detach()
        torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        batch_losses = losses.tolist()
        sizes = [min(batch, count - s * batch) for s in range(steps)]
        epochs.append({"loss": sum(l * n for l, n in zip(batch_losses, sizes)) / count, "seconds": seconds,
                       "images_per_second": count / seconds, "batch_losses": batch_losses[:50]})
    test_images = on_device(torch, test_set[0], torch.uint8, device)
    test_images = (test_images.float() / 255.0).view(-1, 1, test_set[2], test_set[2])
    test_labels = on_device(torch, test_set[1], torch.int64, device)
    with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
        predicted = torch.cat([forward(test_images[b : b + 256]).argmax(1) for b in range(0, len(test_labels), 256)])
    accuracy = (predicted == test_labels).float().mean().item()
    return {"epochs": epochs, "test_accuracy": accuracy}


def best_seconds(record):
    return min(epoch["seconds"] for epoch in record["epochs"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ours", required=True, help="the JSON ch14_mnist_cnn --json wrote (GPU path, --augment off)")
    parser.add_argument("--weights", required=True, help="the checkpoint ch14_mnist_cnn --save-initial wrote")
    parser.add_argument("--data", required=True, help="the IDX folder the run trained on (--data, or --synthetic-out)")
    parser.add_argument("--out", required=True, help="where to write the comparison as JSON (atomically)")
    parser.add_argument("--layer-times", help="another ch14_mnist_cnn --json, of a run with --layer-times: kept in "
                        "--out as where the project's step time goes")
    parser.add_argument("--no-graph-run", help="another ch14_mnist_cnn --json, of a run with --no-graph: kept in "
                        "--out, and its epoch time beside the graphed one's in the table")
    parser.add_argument("--bf16-run", help="another ch14_mnist_cnn --json, of a run with --precision bf16: kept in "
                        "--out, and beside PyTorch's eager bf16 in the table")
    parser.add_argument("--to-target-run", help="another ch14_mnist_cnn --json, of a longer run: kept in --out, "
                        "for its time to the target accuracy")
    parser.add_argument("--to-target-mnist-run", help="another ch14_mnist_cnn --json, of a longer run on MNIST "
                        "itself (the device kit's): kept in --out, for its time to 99 %%")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated PyTorch modes (default: all four)")
    args = parser.parse_args(argv)
    if unknown := [mode for mode in args.modes.split(",") if mode not in MODES]:
        parser.error(f"--modes: unknown {', '.join(map(repr, unknown))}; the modes are {', '.join(MODES)}")
    try:
        ours = json.loads(Path(args.ours).read_text())
        # The project's runs go into --out first, and again after each PyTorch mode: a mode that
        # fails, or a run cut short by its time limit, loses only what had not finished.
        results = {"ours": ours, "modes": {}}
        if args.layer_times:
            results["layer_times"] = json.loads(Path(args.layer_times).read_text()).get("layer_times")
        bf16 = json.loads(Path(args.bf16_run).read_text()) if args.bf16_run else None
        if bf16:
            results["bf16"] = bf16
        no_graph = json.loads(Path(args.no_graph_run).read_text()) if args.no_graph_run else None
        if no_graph:
            results["no_graph"] = no_graph
        if args.to_target_run:
            results["to_target"] = json.loads(Path(args.to_target_run).read_text())
        if args.to_target_mnist_run:
            results["to_target_mnist"] = json.loads(Path(args.to_target_mnist_run).read_text())
        write_atomically(args.out, json.dumps(results, indent=2) + "\n")
        if ours.get("augment"):
            raise ValueError(f"{args.ours}: the run augmented its batches; run ch14_mnist_cnn with --augment off")
        tensors = read_checkpoint(args.weights)
        folder = Path(args.data)
        train_set = load_split(folder, "train", ours["train_images"])
        test_set = load_split(folder, "t10k", ours["test_images"])
        orders = epoch_orders(ours["seed"], ours["train_images"], len(ours["epochs"]))
        if orders[0][: len(ours["first_epoch_order_head"])] != ours["first_epoch_order_head"]:
            raise ValueError("this script's shuffle differs from the project's: compare with training.cpp")
        import torch  # noqa: PLC0415 (the pure-Python parts above run, and are tested, without PyTorch)

        if not torch.cuda.is_available():
            raise RuntimeError("PyTorch sees no CUDA device")
        torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32, as in the project
        torch.backends.cudnn.allow_tf32 = False
    except (OSError, ValueError, RuntimeError, ImportError, KeyError) as error:
        print(f"pytorch_lenet.py: {error}", file=sys.stderr)
        if "results" in locals():  # the project's runs were read: keep them, with why PyTorch did not run
            results["pytorch_error"] = str(error)
            write_atomically(args.out, json.dumps(results, indent=2) + "\n")
        return 1

    results["pytorch_version"] = torch.__version__
    for mode in args.modes.split(","):
        print(f"training PyTorch, {mode} ...", file=sys.stderr, flush=True)
        try:
            results["modes"][mode] = train(torch, mode, tensors, train_set, test_set, orders, ours)
        except Exception as error:  # noqa: BLE001 (torch.compile fails in many ways; record why and go on)
            results["modes"][mode] = {"error": f"{type(error).__name__}: {error}".splitlines()[0]}
        write_atomically(args.out, json.dumps(results, indent=2) + "\n")

    ours_seconds = min(epoch["seconds"] for epoch in ours["epochs"])
    table = [("project (" + ours["device"] + ")", ours_seconds, ours["epochs"][0]["loss"], ours["test_accuracy"],
              "CUDA graph " + ours.get("cuda_graph", "?")[:40])]
    if no_graph:
        seconds = min(epoch["seconds"] for epoch in no_graph["epochs"])
        table.append(("project, --no-graph", seconds, no_graph["epochs"][0]["loss"], no_graph["test_accuracy"],
                      f"the graph saves {100 * (1 - ours_seconds / seconds):.0f} % of an epoch"))
    if bf16:
        seconds = min(epoch["seconds"] for epoch in bf16["epochs"])
        table.append(("project, --precision bf16", seconds, bf16["epochs"][0]["loss"], bf16["test_accuracy"],
                      f"{100 * (bf16['test_accuracy'] - ours['test_accuracy']):+.2f} points of test accuracy vs fp32"))
    # Eager fp32 is the check that both run the same computation: asked for and failed, nothing
    # was compared, and that fails the run.
    eager = results["modes"].get("eager fp32")
    verdict = 1 if "eager fp32" in args.modes.split(",") and (eager is None or "error" in eager) else 0
    if verdict:
        print("pytorch_lenet: PyTorch eager fp32 did not run, so the same-batches check could not be made",
              file=sys.stderr)
    for mode, record in results["modes"].items():
        if "error" in record:
            table.append((f"PyTorch {mode}", None, None, None, record["error"][:60]))
            continue
        note = f"{best_seconds(record) / ours_seconds:.2f}x the project's time"
        if mode == "eager fp32":
            theirs, mine = record["epochs"][0]["batch_losses"], ours["first_epoch_batch_losses"]
            worst = max(abs(a - b) / abs(b) for a, b in zip(theirs[:CHECKED_BATCHES], mine[:CHECKED_BATCHES]))
            results["same_batches_worst_relative_loss_difference"] = worst
            results["speedup_over_eager"] = best_seconds(record) / ours_seconds
            if worst > TOLERANCE:
                verdict = 1
                note += f"; first losses differ by {worst:.1e} (> {TOLERANCE:g}): not the same computation"
        first_loss = record["epochs"][0]["loss"]
        table.append((f"PyTorch {mode}", best_seconds(record), first_loss, record["test_accuracy"], note))
    write_atomically(args.out, json.dumps(results, indent=2) + "\n")

    print(f"\n{'run':<42} {'epoch s':>9} {'epoch-1 loss':>13} {'test acc':>9}  note")
    for name, seconds, loss, accuracy, note in table:
        cells = [f"{seconds:9.3f}" if seconds is not None else f"{'-':>9}",
                 f"{loss:13.4f}" if loss is not None else f"{'-':>13}",
                 f"{100 * accuracy:8.2f}%" if accuracy is not None else f"{'-':>9}"]
        print(f"{name:<42} {' '.join(cells)}  {note}")
    if verdict and eager is not None and "error" not in eager:
        print("pytorch_lenet.py: PyTorch and the project did not compute the same first losses", file=sys.stderr)
    return verdict


if __name__ == "__main__":
    sys.exit(main())
