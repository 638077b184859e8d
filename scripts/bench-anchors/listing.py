"""Anchor for rankscope-bench `listing`: every tensor's name and shape with the `safetensors` package.

usage: listing.py FILE RUNS     (in-process timing)
       listing.py --print FILE   (prints every "name [shape]" line: what a user's script does;
                                  the bench times the whole command, interpreter start included)
Times RUNS times `safe_open(FILE).keys()` and `get_slice(key).get_shape()` for every key (the
interpreter's start and imports are not timed) and prints
{"seconds": [...], "tensors": N, "parameters": sum of the shapes' products}.
"""
import json
import sys
import time

from safetensors import safe_open


def listing(path):
    with safe_open(path, framework="numpy") as handle:
        return [(key, handle.get_slice(key).get_shape()) for key in handle.keys()]


def main():
    if sys.argv[1] == "--print":
        for name, shape in listing(sys.argv[2]):
            print(name, shape)
        return
    path, runs = sys.argv[1], int(sys.argv[2])
    listing(path)  # warm-up, as the Swift side does
    seconds = []
    tensors = []
    for _ in range(runs):
        start = time.perf_counter()
        tensors = listing(path)
        seconds.append(time.perf_counter() - start)
    parameters = 0
    for _, shape in tensors:
        count = 1
        for size in shape:
            count *= size
        parameters += count
    print(json.dumps({"seconds": seconds, "tensors": len(tensors), "parameters": parameters}))


if __name__ == "__main__":
    main()
