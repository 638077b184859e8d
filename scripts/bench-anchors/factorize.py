"""Anchor for rankscope-bench `factorize`: rank-K factors of one matrix by a full SVD + truncation.

usage: factorize.py FILE TENSOR K RUNS OUT.npy
Reads TENSOR (F32) with the `safetensors` package, then times RUNS times what a script without
rankscope does: `u, s, vt = numpy.linalg.svd(a, full_matrices=False)` and the truncated factors
`A = u[:, :K] * s[:K]`, `B = vt[:K]`. Writes A·B of the last run (float32, outside the timing) to
OUT.npy, so the bench can check both methods agree, and prints {"seconds": [...]}.
"""
import json
import sys
import time

import numpy as np
from safetensors.numpy import load_file


def main():
    path, name, rank, runs, output = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    matrix = load_file(path)[name]
    seconds = []
    factors = None
    for _ in range(runs):
        start = time.perf_counter()
        u, s, vt = np.linalg.svd(matrix, full_matrices=False)
        factors = (u[:, :rank] * s[:rank], vt[:rank])
        seconds.append(time.perf_counter() - start)
    np.save(output, (factors[0] @ factors[1]).astype(np.float32))
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
