"""Anchor for rankscope-bench `spectra`: singular values of one matrix of a safetensors file.

usage: spectra.py FILE TENSOR numpy|scipy|gram RUNS OUT.npy
Reads TENSOR (F32 or BF16) with the `safetensors` package, converts it to float32 outside the
timing (BF16 has no numpy dtype), then times only the decomposition RUNS times:
`numpy.linalg.svd(a, compute_uv=False)`, `scipy.linalg.svdvals(a)`, or `gram`, numpy's fastest
in-process route to every singular value: the float64 Gram matrix of the smaller side
(`w @ w.T`, conversion to float64 included) and `numpy.linalg.eigvalsh`. Writes the singular values
of the last run to OUT.npy (float64) and prints one JSON object: {"seconds": [...]}.
"""
import json
import sys
import time

import numpy as np
import scipy.linalg
from safetensors import safe_open


def load_float32(path, name):
    """The tensor as float32; BF16 is widened exactly by shifting its bits into the high half."""
    with safe_open(path, framework="numpy") as handle:
        if handle.get_slice(name).get_dtype() != "BF16":
            return handle.get_tensor(name).astype(np.float32, copy=False)
    return load_bf16_bits(path, name)  # numpy has no bfloat16: read the raw bits instead.


def load_bf16_bits(path, name):
    with open(path, "rb") as stream:
        header_size = int.from_bytes(stream.read(8), "little")
        header = json.loads(stream.read(header_size))
        entry = header[name]
        start, end = entry["data_offsets"]
        stream.seek(8 + header_size + start)
        bits = np.frombuffer(stream.read(end - start), dtype="<u2")
    return (bits.astype(np.uint32) << 16).view(np.float32).reshape(entry["shape"])


def gram_singular_values(a):
    """Singular values, descending, from the float64 Gram matrix of the smaller side."""
    w = a.astype(np.float64)
    if w.shape[0] > w.shape[1]:
        w = w.T
    eigenvalues = np.linalg.eigvalsh(w @ w.T)
    return np.sqrt(np.clip(eigenvalues[::-1], 0, None))


def main():
    path, name, method, runs, output = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    matrix = load_float32(path, name)
    decompose = {
        "numpy": lambda a: np.linalg.svd(a, compute_uv=False),
        "scipy": lambda a: scipy.linalg.svdvals(a),
        "gram": gram_singular_values,
    }[method]
    seconds = []
    values = None
    for _ in range(runs):
        start = time.perf_counter()
        values = decompose(matrix)
        seconds.append(time.perf_counter() - start)
    np.save(output, np.asarray(values, dtype=np.float64))
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
