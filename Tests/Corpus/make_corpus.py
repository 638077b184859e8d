#!/usr/bin/env python3
"""Writes the committed corpus of malformed checkpoints (Tests/Corpus/malformed) and the fuzzer's
seed inputs (Tests/Corpus/seeds). Run from anywhere: python3 Tests/Corpus/make_corpus.py.

Each malformed case is one file (or one folder, for sharded checkpoints) and one line of
malformed/EXPECTED: `name<TAB>fragment`, where fragment is part of the one-sentence message
rankscope must print for it. The 100 MB header case is not committed (it is made as a sparse
file by the test)."""
import json, os, shutil, struct

HERE = os.path.dirname(os.path.abspath(__file__))
MALFORMED = os.path.join(HERE, "malformed")
SEEDS = os.path.join(HERE, "seeds")


def image(header: bytes, data: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header)) + header + data


def header(entries: dict) -> bytes:
    return json.dumps(entries, separators=(",", ":")).encode()


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


GOOD = header({"a": entry("F32", [2, 2], 0, 16), "b": entry("BF16", [3], 16, 22)})
GOOD_DATA = bytes(range(22))

FILES = {
    # name: (bytes, expected fragment)
    "empty.safetensors": (b"", "is empty"),
    "short.safetensors": (b"\x01\x02\x03", "shorter than"),
    "truncated-header.safetensors": (image(GOOD, GOOD_DATA)[:30], "beyond the file size"),
    "header-length-2-63.safetensors": (struct.pack("<Q", 1 << 63) + b" " * 64, "header length 9223372036854775808 is beyond"),
    "invalid-utf8.safetensors": (image(b'{"a\xff\xfe":' + GOOD[1:]), "UTF-8"),
    "duplicate-keys.safetensors": (image(b'{"a":' + json.dumps(entry("F32", [1], 0, 4)).encode() + b',"a":' + json.dumps(entry("F32", [1], 4, 8)).encode() + b"}", bytes(8)), "twice"),
    "negative-offset.safetensors": (image(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}', bytes(4)), "negative"),
    "reversed-offsets.safetensors": (image(header({"a": entry("F32", [1], 4, 0)}), bytes(4)), "reversed"),
    "gap.safetensors": (image(header({"a": entry("F32", [1], 0, 4), "b": entry("F32", [1], 8, 12)}), bytes(12)), "gap"),
    "overlap.safetensors": (image(header({"a": entry("F32", [2], 0, 8), "b": entry("F32", [2], 4, 12)}), bytes(12)), "overlap"),
    "shape-overflow.safetensors": (image(header({"a": entry("F32", [1 << 32, 1 << 32, 16], 0, 4)}), bytes(4)), "overflow"),
    "dtype-size-mismatch.safetensors": (image(header({"a": entry("F32", [3], 0, 8)}), bytes(8)), "F32"),
    "unknown-dtype.safetensors": (image(header({"a": entry("Q4_K", [4], 0, 4)}), bytes(4)), "Q4_K"),
    "not-json.safetensors": (image(b"{not json}"), "not valid JSON"),
    "not-an-object.safetensors": (image(b"[1, 2, 3]"), "array"),
    "metadata-not-strings.safetensors": (image(b'{"__metadata__":{"step":3}}'), "metadata"),
    "offset-beyond-buffer.safetensors": (image(header({"a": entry("F32", [4], 0, 16)}), bytes(8)), "beyond"),
    "trailing-bytes.safetensors": (image(GOOD, GOOD_DATA + b"\x00\x00"), "buffer"),
    # Issue 21 (9): integers of 19+ digits above 2^63-1 trapped the fast header scanner.
    "shape-2-63.safetensors": (image(b'{"s":{"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,4]}}', bytes(4)), "overflows 64 bits"),
    "offset-19-nines.safetensors": (image(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,9999999999999999999]}}', bytes(4)), "ends at byte 9999999999999999999"),
    "shape-20-digits.safetensors": (image(b'{"big":{"dtype":"U8","shape":[1,18446744073709551616],"data_offsets":[0,1]}}', bytes(1)), "tensor 'big'"),
}

# Sharded folders: index + shards.
SHARDED = {
    "sharded-missing-shard": (
        {"metadata": {"total_size": 16}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}},
        {"model-00001-of-00002.safetensors": image(header({"a": entry("F32", [2], 0, 8)}), bytes(8))},
        "does not exist",
    ),
    "sharded-cycle": (
        {"weight_map": {"a": "model.safetensors.index.json"}},
        {},
        "index file",
    ),
    "sharded-unsafe-name": (
        {"weight_map": {"a": "../model.safetensors"}},
        {},
        "not a plain file name",
    ),
    "sharded-no-weight-map": (
        {"metadata": {"total_size": 0}},
        {},
        "weight_map",
    ),
    "sharded-tensor-absent": (
        {"weight_map": {"a": "model-00001-of-00001.safetensors", "zz": "model-00001-of-00001.safetensors"}},
        {"model-00001-of-00001.safetensors": image(header({"a": entry("F32", [2], 0, 8)}), bytes(8))},
        "'zz'",
    ),
}


def main():
    shutil.rmtree(MALFORMED, ignore_errors=True)
    shutil.rmtree(SEEDS, ignore_errors=True)
    os.makedirs(MALFORMED)
    os.makedirs(SEEDS)
    expected = []
    for name, (content, fragment) in sorted(FILES.items()):
        with open(os.path.join(MALFORMED, name), "wb") as f:
            f.write(content)
        expected.append(f"{name}\t{fragment}")
    for name, (index, shards, fragment) in sorted(SHARDED.items()):
        folder = os.path.join(MALFORMED, name)
        os.makedirs(folder)
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
            json.dump(index, f, indent=2)
        for shard, content in shards.items():
            with open(os.path.join(folder, shard), "wb") as f:
                f.write(content)
        expected.append(f"{name}\t{fragment}")
    with open(os.path.join(MALFORMED, "EXPECTED"), "w") as f:
        f.write("\n".join(expected) + "\n")

    # Seeds: valid inputs of each kind, so the fuzzer starts inside the interesting paths.
    seeds = {
        "valid.safetensors": image(GOOD, GOOD_DATA),
        "valid-metadata.safetensors": image(header({"__metadata__": {"format": "pt"}, "w": entry("F16", [2, 3], 0, 12)}), bytes(12)),
        "valid-empty.safetensors": image(b"{}"),
        "index.json": json.dumps({"metadata": {"total_size": 22}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}).encode(),
        # Issue 21 (3): valid files whose names and config fields hold control characters (no LF in a
        # name: library messages quote names raw and are escaped where they are printed).
        "hostile-names.safetensors": image(header({"q\x1b]0;pwned\x07\x1b[2J": entry("F32", [2, 2], 0, 16),
                                                   "up\rforged\x00": entry("BF16", [3], 16, 22)}), GOOD_DATA),
        "hostile-config.json": json.dumps({"architectures": ["Evil\x1b[31mArch\u202e"], "model_type": "x\ry", "hidden_size": 8}).encode(),
        "config.json": json.dumps({"architectures": ["LlamaForCausalLM"], "hidden_size": 512, "num_hidden_layers": 8, "num_attention_heads": 8, "num_key_value_heads": 2, "vocab_size": 4096, "intermediate_size": 1376}).encode(),
    }
    for name, content in seeds.items():
        with open(os.path.join(SEEDS, name), "wb") as f:
            f.write(content)
    for name, (content, _) in FILES.items():
        if content:
            with open(os.path.join(SEEDS, "malformed-" + name), "wb") as f:
                f.write(content)


if __name__ == "__main__":
    main()
