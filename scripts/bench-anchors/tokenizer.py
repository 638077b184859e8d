"""Anchor for rankscope-bench `tokenizer`: encoding a text with the Python `tokenizers` package.

usage: tokenizer.py TOKENIZER_JSON TEXT_FILE RUNS
Times RUNS loads of TOKENIZER_JSON (`Tokenizer.from_file`) and RUNS encodes of the whole text
(`encode(text).ids`, one call on one string, as the Swift side does; truncation and padding
from the file are turned off) after one warm-up, and prints
{"seconds": [...encode...], "load_seconds": [...], "ids": [...]}.
"""
import json
import sys
import time

from tokenizers import Tokenizer


def main():
    path, text_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    text = open(text_path, encoding="utf-8", newline="").read()
    load_seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        tokenizer = Tokenizer.from_file(path)
        load_seconds.append(time.perf_counter() - start)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    ids = tokenizer.encode(text).ids  # warm-up
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        ids = tokenizer.encode(text).ids
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds, "load_seconds": load_seconds, "ids": ids}))


if __name__ == "__main__":
    main()
