#!/usr/bin/env python3
"""Write a FastMlp model file laid out the way the reference safetensors writer lays it out.

Usage:
    python3 scripts/write-reference-order-model.py tests/FastMlp.Tests/Model/Fixtures/reference-order.safetensors

Python 3 standard library only (the safetensors package is not needed: the registry may be out of reach).
It prints the size and SHA-256 of the file it wrote.

The network (the same one tests/FastMlp.Tests/Model/SerializationTensorOrderTests.cs builds in C#):
layer sizes 3,4,2,5,1,3,2,4,3,2,2,3 (11 dense layers), hidden Tanh, output Identity; parameter i of
FastMlp's flat buffer (W1 [3,4] row-major, b1 [4], W2 [4,2], b2 [2], ...) is ((37 i) mod 101 - 50) / 16,
exact in F32.

Layout, following the reference implementation (huggingface/safetensors, safetensors/src/tensor.rs):
  - prepare() sorts the tensors by dtype, descending alignment, then by name (Rust String order: by
    code point), and gives them data_offsets back to back from 0 in that order. All tensors here are
    F32, so the order is by name alone: W1, W10, W11, W2, ..., W9, b1, b10, b11, b2, ..., b9 ('W' is
    0x57, 'b' 0x62). FastMlp itself writes W1, b1, W2, b2, ..., W11, b11.
  - The header is serde_json's compact output of the Metadata struct: "__metadata__" first, then the
    tensors in offset order, each as {"dtype", "shape", "data_offsets"}; no whitespace. The metadata is
    a HashMap there, so its key order is unspecified: this script writes the keys sorted, which is not
    the order FastMlp writes them in.
  - The header is padded with spaces (0x20) to a multiple of 8 bytes; its length N goes first as an
    8-byte little-endian unsigned integer; the data follows as little-endian F32, row-major.
"""

import hashlib
import json
import struct
import sys

SIZES = [3, 4, 2, 5, 1, 3, 2, 4, 3, 2, 2, 3]
HIDDEN = "Tanh"
OUTPUT = "Identity"


def parameter(i):
    return ((37 * i) % 101 - 50) / 16


def tensors():
    """(name, shape, values) in FastMlp's flat order."""
    result = []
    index = 0
    for layer in range(1, len(SIZES)):
        n_in, n_out = SIZES[layer - 1], SIZES[layer]
        for name, shape in ((f"W{layer}", [n_in, n_out]), (f"b{layer}", [n_out])):
            count = shape[0] * (shape[1] if len(shape) == 2 else 1)
            result.append((name, shape, [parameter(index + k) for k in range(count)]))
            index += count
    return result


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: write-reference-order-model.py OUTPUT")

    metadata = {
        "format": "fastmlp",
        "format_version": "1",
        "layer_sizes": ",".join(str(s) for s in SIZES),
        "hidden_activation": HIDDEN,
        "output_activation": OUTPUT,
    }

    header = {"__metadata__": dict(sorted(metadata.items()))}
    data = bytearray()
    for name, shape, values in sorted(tensors(), key=lambda t: t[0]):
        packed = struct.pack(f"<{len(values)}f", *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(packed)]}
        data += packed

    text = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    text += b" " * (-len(text) % 8)
    content = struct.pack("<Q", len(text)) + text + bytes(data)
    with open(sys.argv[1], "wb") as out:
        out.write(content)
    print(f"{sys.argv[1]}: {len(content)} bytes, sha256 {hashlib.sha256(content).hexdigest()}")


if __name__ == "__main__":
    main()
