#!/usr/bin/env python3
"""Writes the committed corpus of malformed checkpoints (Tests/Corpus/malformed) and the fuzzer's
seed inputs (Tests/Corpus/seeds). Run from anywhere: python3 Tests/Corpus/make_corpus.py.

Each malformed case is one file (or one folder, for sharded checkpoints) and one line of
malformed/EXPECTED: `name<TAB>fragment`, where fragment is part of the one-sentence message
rankscope must print for it. The 100 MB header case is not committed (it is made as a sparse
file by the test). The GGUF cases (gguf-*.gguf) are patched from a file gguf.GGUFWriter writes."""
import json, os, shutil, struct, tempfile

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


def gguf_string(text) -> bytes:
    raw = text if isinstance(text, bytes) else text.encode()
    return struct.pack("<Q", len(raw)) + raw


def gguf_image(kvs, tensors, data, version=3, alignment=32, magic=b"GGUF", counts=None) -> bytes:
    """A GGUF file image: kvs are (key, type code, payload bytes), tensors (name, dims, type, offset)."""
    n_tensors, n_kv = counts or (len(tensors), len(kvs))
    out = magic + struct.pack("<IQQ", version, n_tensors, n_kv)
    for key, code, payload in kvs:
        out += gguf_string(key) + struct.pack("<I", code) + payload
    for name, dims, code, offset in tensors:
        out += gguf_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", code, offset)
    out += bytes(-len(out) % alignment)
    return out + data


ARCH = ("general.architecture", 8, gguf_string("llama"))
GGUF_DATA = bytes(range(24)) + bytes(8) + bytes(34)  # a: F32 2x3 (24 bytes, padded to 32), b: Q8_0 32 (34 bytes)
GGUF_TENSORS = [("a", [3, 2], 0, 0), ("b", [32, 1], 8, 32)]


def gguf_written_by_the_package() -> bytes:
    """The valid base, written by gguf.GGUFWriter; gguf_image must produce the same bytes."""
    import numpy as np, gguf
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "base.gguf")
        w = gguf.GGUFWriter(path, "llama")
        w.add_tensor("a", np.frombuffer(GGUF_DATA[:24], dtype=np.float32).reshape(2, 3))
        w.add_tensor("b", np.frombuffer(GGUF_DATA[32:66], dtype=np.uint8).reshape(1, 34), raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
        return open(path, "rb").read()


def gguf_cases():
    base = gguf_image([ARCH], GGUF_TENSORS, GGUF_DATA)
    written = gguf_written_by_the_package()
    assert written[:len(base)] == base and set(written[len(base):]) <= {0}, "gguf_image differs from GGUFWriter"
    u32 = lambda v: struct.pack("<I", v)
    return {
        "gguf-bad-magic.gguf": (b"GGUX" + base[4:], "magic"),
        "gguf-empty.gguf": (b"", "the 4-byte magic needs 4 bytes"),
        "gguf-missing-head-count.gguf": (gguf_image([ARCH], [("blk.0.attn_q.weight", [4, 4], 0, 0)], bytes(64)), "llama.attention.head_count"),
        "gguf-version-1.gguf": (gguf_image([ARCH], GGUF_TENSORS, GGUF_DATA, version=1), "version 1 is not supported"),
        "gguf-big-endian.gguf": (base[:4] + struct.pack(">I", 3) + base[8:], "big-endian"),
        "gguf-tensor-count-overflow.gguf": (gguf_image([ARCH], GGUF_TENSORS, GGUF_DATA, counts=(1 << 60, 1)), "tensor count 1152921504606846976"),
        "gguf-metadata-count-overflow.gguf": (gguf_image([ARCH], GGUF_TENSORS, GGUF_DATA, counts=(2, 1 << 62)), "metadata count"),
        "gguf-truncated-header.gguf": (base[:44], "truncated or the count is corrupt"),
        "gguf-truncated-data.gguf": (base[:-10], "data section"),
        "gguf-string-length-overflow.gguf": (base[:24] + struct.pack("<Q", 1 << 63) + base[32:], "metadata key 0 needs 9223372036854775808 bytes"),
        "gguf-unknown-value-type.gguf": (gguf_image([("x", 42, b"")], GGUF_TENSORS, GGUF_DATA), "unknown value type 42"),
        "gguf-duplicate-key.gguf": (gguf_image([ARCH, ARCH], GGUF_TENSORS, GGUF_DATA), "appears twice"),
        "gguf-array-too-long.gguf": (gguf_image([("x", 9, u32(4) + struct.pack("<Q", 1 << 40))], [], b""), "length of array 'x'"),
        "gguf-bad-alignment.gguf": (gguf_image([ARCH, ("general.alignment", 4, u32(48))], GGUF_TENSORS, GGUF_DATA), "power of two"),
        "gguf-alignment-not-u32.gguf": (gguf_image([ARCH, ("general.alignment", 10, struct.pack("<Q", 32))], GGUF_TENSORS, GGUF_DATA), "must be a UINT32"),
        "gguf-unknown-tensor-type.gguf": (gguf_image([ARCH], [("a", [3, 2], 99, 0)], GGUF_DATA), "unknown ggml type 99"),
        "gguf-too-many-dimensions.gguf": (gguf_image([ARCH], [("a", [1, 1, 1, 1, 6], 0, 0)], GGUF_DATA), "more than ggml's 4"),
        "gguf-size-overflow.gguf": (gguf_image([ARCH], [("a", [1 << 32, 1 << 32, 1 << 8], 0, 0)], GGUF_DATA), "overflows 64 bits"),
        "gguf-partial-block.gguf": (gguf_image([ARCH], [("b", [16], 8, 0)], GGUF_DATA), "whole number"),
        "gguf-duplicate-tensor.gguf": (gguf_image([ARCH], [("a", [3, 2], 0, 0), ("a", [32], 8, 32)], GGUF_DATA), "listed twice"),
        "gguf-invalid-utf8-name.gguf": (gguf_image([ARCH], [(b"\xff\xfe", [3, 2], 0, 0)], GGUF_DATA), "UTF-8"),
        "gguf-misaligned-offset.gguf": (gguf_image([ARCH], [("a", [3, 2], 0, 0), ("b", [32], 8, 28)], GGUF_DATA), "multiple of the alignment"),
        "gguf-overlap.gguf": (gguf_image([ARCH], [("a", [3, 2], 0, 0), ("b", [32], 8, 0)], GGUF_DATA), "overlaps"),
        "gguf-offset-out-of-range.gguf": (gguf_image([ARCH], [("a", [3, 2], 0, 1 << 40)], GGUF_DATA), "data offset 1099511627776"),
    }


def main():
    shutil.rmtree(MALFORMED, ignore_errors=True)
    shutil.rmtree(SEEDS, ignore_errors=True)
    os.makedirs(MALFORMED)
    os.makedirs(SEEDS)
    expected = []
    FILES.update(gguf_cases())
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
        "gguf-valid.gguf": gguf_written_by_the_package(),
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
    import make_plan_corpus  # the plan corpus and its seeds

    make_plan_corpus.main()
