#!/usr/bin/env python3
"""Download the four MNIST files for chapter 14 and verify their checksums.

    python3 get_mnist.py --dir data/mnist          # download what is missing or damaged
    python3 get_mnist.py --dir data/mnist --check  # only verify the files already there

then train on them:

    bin/ch14_mnist_cnn --cpu --data data/mnist

The original site (yann.lecun.com) often answers 403, so the files come from
maintained mirrors, tried in order. Every file is checked against the MD5 sum
torchvision publishes for it and written atomically: into a temporary file in
the same folder, renamed into place only once complete and verified, so an
interrupted download never leaves a half file under the real name.

Needs only the Python 3 standard library. Without internet, train on the
synthetic digits instead (the default of ch14_mnist_cnn): nothing in the
tests needs this script or the network.
"""

import argparse
import hashlib
import os
import socket
import sys
import tempfile
import urllib.error
import urllib.request

MIRRORS = [
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
]

# MD5 of each .gz file, as published by torchvision (torchvision/datasets/mnist.py).
FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

CHUNK_BYTES = 1 << 16
OFFLINE_HINT = ("cannot reach any MNIST mirror: are you offline? Train on generated digits instead: "
                "bin/ch14_mnist_cnn --cpu --synthetic 20000")


class Offline(Exception):
    """No mirror could be reached at all (DNS failure, refused connection, timeout)."""


def md5_of_file(path):
    digest = hashlib.md5()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_network_unreachable(error):
    """True when the error means "no connection at all" rather than "this mirror refused"."""
    reason = getattr(error, "reason", error)
    return isinstance(reason, (socket.gaierror, socket.timeout, ConnectionError, TimeoutError))


def download_verified(url, expected_md5, destination, timeout):
    """Streams url into a temporary file next to destination; renames it into place only if its MD5 matches."""
    request = urllib.request.Request(url, headers={"User-Agent": "kernel-ladder-get-mnist/1.0"})
    folder = os.path.dirname(os.path.abspath(destination))
    handle, temporary = tempfile.mkstemp(prefix=".get_mnist.", dir=folder)
    try:
        digest = hashlib.md5()
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(request, timeout=timeout) as response:
            for chunk in iter(lambda: response.read(CHUNK_BYTES), b""):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != expected_md5:
            raise ValueError(f"checksum mismatch (MD5 {digest.hexdigest()}, expected {expected_md5})")
        os.replace(temporary, destination)  # atomic on POSIX and Windows
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def fetch(name, expected_md5, destination, mirrors, timeout):
    """Tries each mirror in turn. Raises Offline when none could be reached, RuntimeError when all failed."""
    problems = []
    unreachable = 0
    for mirror in mirrors:
        url = mirror + name
        try:
            download_verified(url, expected_md5, destination, timeout)
            return url
        except urllib.error.HTTPError as error:
            problems.append(f"{url}: HTTP {error.code} {error.reason}")
        except (urllib.error.URLError, OSError) as error:
            if is_network_unreachable(error):
                unreachable += 1
            problems.append(f"{url}: {getattr(error, 'reason', error)}")
        except ValueError as error:
            problems.append(f"{url}: {error}")
    if unreachable == len(mirrors):
        raise Offline("; ".join(problems))
    raise RuntimeError("; ".join(problems))


def check(directory):
    """Verifies the files already in directory. Returns the number of missing or damaged ones."""
    bad = 0
    for name, expected_md5 in FILES.items():
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            print(f"{path}: missing")
            bad += 1
        elif md5_of_file(path) != expected_md5:
            print(f"{path}: checksum mismatch (damaged or not the MNIST file); delete it and download again")
            bad += 1
        else:
            print(f"{path}: ok")
    return bad


def download(directory, mirrors, timeout):
    """Downloads every missing or damaged file. Returns the process exit status."""
    os.makedirs(directory, exist_ok=True)
    for name, expected_md5 in FILES.items():
        path = os.path.join(directory, name)
        if os.path.exists(path) and md5_of_file(path) == expected_md5:
            print(f"{path}: already there, checksum ok")
            continue
        try:
            url = fetch(name, expected_md5, path, mirrors, timeout)
        except Offline as error:
            print(f"get_mnist.py: {OFFLINE_HINT} ({error})", file=sys.stderr)
            return 1
        except RuntimeError as error:
            print(f"get_mnist.py: could not download {name}: {error}", file=sys.stderr)
            return 1
        print(f"{path}: downloaded from {url}, checksum ok")
    print(f"MNIST is ready: bin/ch14_mnist_cnn --cpu --data {directory}")
    return 0


def main():
    parser = argparse.ArgumentParser(description="Download and verify the MNIST files for chapter 14.")
    parser.add_argument("--dir", default="data/mnist", help="folder for the four .gz files (default: data/mnist)")
    parser.add_argument("--check", action="store_true", help="only verify the files already there; no network")
    parser.add_argument("--mirror", action="append", default=[],
                        help="extra mirror URL ending in '/', tried before the built-in ones (repeatable)")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for a mirror (default: 30)")
    args = parser.parse_args()
    if args.check:
        bad = check(args.dir)
        if bad:
            print(f"get_mnist.py: {bad} of {len(FILES)} files missing or damaged in {args.dir}", file=sys.stderr)
        return 1 if bad else 0
    mirrors = [m if m.endswith("/") else m + "/" for m in args.mirror] + MIRRORS
    return download(args.dir, mirrors, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
