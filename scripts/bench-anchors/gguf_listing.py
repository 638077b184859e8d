"""Anchor for rankscope-bench `gguf-listing`: every tensor's name and shape with the `gguf` package.

usage: gguf_listing.py --make FILE   (writes a header-only Llama-2-7B-shaped Q4_K_M GGUF: the real
                                      header, a 32000-token vocabulary, tensor infos, then a sparse
                                      hole to the full ~3.9 GB size)
       gguf_listing.py FILE RUNS     (in-process timing of gguf.GGUFReader(FILE) + names/shapes)
       gguf_listing.py --print FILE  (prints every "name [shape]" line: what a user's script does)
Prints {"seconds": [...], "tensors": N, "parameters": sum of the shapes' products} when timing.
"""
import json
import os
import sys
import time

import numpy as np
import gguf


def make(path):
    Q = gguf.GGMLQuantizationType
    hidden, ffn, blocks, vocab, heads, kv_heads = 4096, 11008, 32, 32000, 32, 32
    w = gguf.GGUFWriter(path, "llama")
    w.add_name("Llama-2-7B-shaped header-only bench file")
    w.add_block_count(blocks); w.add_context_length(4096); w.add_embedding_length(hidden)
    w.add_feed_forward_length(ffn); w.add_head_count(heads); w.add_head_count_kv(kv_heads)
    w.add_layer_norm_rms_eps(1e-5); w.add_rope_freq_base(10000.0); w.add_vocab_size(vocab)
    w.add_tokenizer_model("llama")
    w.add_token_list([f"<tok{i}>" for i in range(vocab)])
    w.add_token_scores([float(-i) for i in range(vocab)])
    w.add_token_types([1] * vocab)

    def info(name, shape, qtype):
        size, block = gguf.GGML_QUANT_SIZES[qtype][1], gguf.GGML_QUANT_SIZES[qtype][0]
        nbytes = int(np.prod(shape)) // block * size
        w.add_tensor_info(name, gguf.quants.quant_shape_to_byte_shape(shape, qtype), np.dtype(np.uint8), nbytes, raw_dtype=qtype)

    info("token_embd.weight", (vocab, hidden), Q.Q4_K)
    for b in range(blocks):
        info(f"blk.{b}.attn_norm.weight", (hidden,), Q.F32)
        for role in ("attn_q", "attn_k", "attn_v", "attn_output"):
            info(f"blk.{b}.{role}.weight", (hidden, hidden), Q.Q4_K)
        info(f"blk.{b}.ffn_gate.weight", (ffn, hidden), Q.Q4_K)
        info(f"blk.{b}.ffn_up.weight", (ffn, hidden), Q.Q4_K)
        info(f"blk.{b}.ffn_down.weight", (hidden, ffn), Q.Q6_K)
        info(f"blk.{b}.ffn_norm.weight", (hidden,), Q.F32)
    info("output_norm.weight", (hidden,), Q.F32)
    info("output.weight", (vocab, hidden), Q.Q6_K)
    infos = list(w.tensors[0].values())
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_ti_data_to_file()
    w.close()
    reader_end = os.path.getsize(path)
    # The data section follows the tensor infos at the next 32-byte boundary; tensors are packed
    # with 32-byte padding in the order listed, so its size is their padded sum.
    data = 0
    for t in infos:
        data += t.nbytes + (-t.nbytes % 32)
    start = reader_end + (-reader_end % 32)
    os.truncate(path, start + data)


def listing(path):
    reader = gguf.GGUFReader(path)
    return [(t.name, [int(x) for x in reversed(t.shape)]) for t in reader.tensors]


def main():
    if sys.argv[1] == "--make":
        make(sys.argv[2])
        print(json.dumps({"made": sys.argv[2]}))
        return
    if sys.argv[1] == "--print":
        for name, shape in listing(sys.argv[2]):
            print(name, shape)
        return
    path, runs = sys.argv[1], int(sys.argv[2])
    listing(path)
    seconds, tensors = [], []
    for _ in range(runs):
        start = time.perf_counter()
        tensors = listing(path)
        seconds.append(time.perf_counter() - start)
    parameters = sum(int(np.prod(shape)) for _, shape in tensors)
    print(json.dumps({"seconds": seconds, "tensors": len(tensors), "parameters": parameters}))


if __name__ == "__main__":
    main()
