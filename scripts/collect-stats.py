#!/usr/bin/env python3
"""Collect per-layer input statistics of a Hugging Face model for `rankscope --stats`.

Runs the model over a text file with a forward hook on every torch.nn.Linear and writes, for
each linear layer `<module>` (its weight is `<module>.weight`), in float64 accumulation:

    <module>.input_second_moment   [n, n]  X·Xᵀ / tokens   (the averaged second moment)
    <module>.input_mean_square     [n]     its diagonal
    <module>.tokens                [1]     I64, the number of input vectors seen

with __metadata__ {"format": "rankscope-activation-stats", "version": "1"} (the layout
documented in docs/data-aware.md and in rankscope's ActivationStatistics). With --diagonal-only,
only the mean squares are written (n values per layer instead of n²).

    python3 scripts/collect-stats.py MODEL calibration.txt stats.safetensors \
        [--max-tokens 65536] [--seq-len 2048] [--device cuda] [--diagonal-only] [--float32]

Needs torch, transformers and safetensors; none is needed to build or test rankscope.
`StatsAccumulator` only needs numpy and safetensors, so it can be tested without a model.
"""
import argparse
import sys

import numpy as np

FORMAT = "rankscope-activation-stats"
VERSION = "1"


class StatsAccumulator:
    """Sums X·Xᵀ (float64) and token counts per module; writes the averaged layout."""

    def __init__(self, diagonal_only=False):
        self.diagonal_only = diagonal_only
        self.sums = {}
        self.tokens = {}

    def add_gram(self, module, gram, tokens):
        """Adds a partial sum: gram = Σ x·xᵀ (n×n) over `tokens` input vectors, or, with
        diagonal_only, its diagonal Σ x² (n)."""
        gram = np.asarray(gram, dtype=np.float64)
        if module in self.sums:
            self.sums[module] += gram
        else:
            self.sums[module] = gram.copy()
        self.tokens[module] = self.tokens.get(module, 0) + int(tokens)

    def add_activations(self, module, x):
        """Adds input vectors as rows of x (tokens × n)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, np.shape(x)[-1])
        self.add_gram(module, (x * x).sum(axis=0) if self.diagonal_only else x.T @ x, x.shape[0])

    def tensors(self, dtype=np.float64):
        """The tensors of the layout, by name."""
        out = {}
        for module, total in sorted(self.sums.items()):
            count = self.tokens[module]
            if count == 0:
                continue
            mean = total / count
            if not self.diagonal_only:
                out[module + ".input_second_moment"] = np.ascontiguousarray(mean, dtype=dtype)
                mean = np.diagonal(mean)
            out[module + ".input_mean_square"] = np.ascontiguousarray(mean, dtype=dtype)
            out[module + ".tokens"] = np.array([count], dtype=np.int64)
        return out

    def save(self, path, dtype=np.float64):
        """Writes the safetensors file (safetensors.numpy writes it whole)."""
        from safetensors.numpy import save_file
        save_file(self.tensors(dtype), path, metadata={"format": FORMAT, "version": VERSION})


def collect(model, chunks, accumulator):
    """Runs every chunk of token ids through the model with hooks on all nn.Linear layers."""
    import torch

    def hook_for(name):
        def hook(_module, inputs, _output):
            x = inputs[0].detach().reshape(-1, inputs[0].shape[-1]).to(torch.float64)
            if accumulator.diagonal_only:
                partial = (x * x).sum(dim=0)
            else:
                partial = x.T @ x
            accumulator.add_gram(name, partial.cpu().numpy(), x.shape[0])
        return hook

    handles = [module.register_forward_hook(hook_for(name))
               for name, module in model.named_modules() if isinstance(module, torch.nn.Linear)]
    try:
        with torch.no_grad():
            for chunk in chunks:
                model(chunk.to(model.device))
    finally:
        for handle in handles:
            handle.remove()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="Hugging Face model name or local folder")
    parser.add_argument("text", help="calibration text file (UTF-8)")
    parser.add_argument("output", help="statistics file to write (.safetensors)")
    parser.add_argument("--max-tokens", type=int, default=65536)
    parser.add_argument("--seq-len", type=int, default=2048)
    parser.add_argument("--device", default="cuda" if _cuda() else "cpu")
    parser.add_argument("--diagonal-only", action="store_true", help="write only per-channel mean squares")
    parser.add_argument("--float32", action="store_true", help="store statistics as F32 (half the file size)")
    args = parser.parse_args(argv)

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, torch_dtype=torch.float32).to(args.device).eval()
    with open(args.text, encoding="utf-8") as handle:
        ids = tokenizer(handle.read(), return_tensors="pt").input_ids[0][: args.max_tokens]
    if ids.numel() == 0:
        sys.exit(f"{args.text}: the text holds no tokens.")
    chunks = [ids[start:start + args.seq_len].unsqueeze(0) for start in range(0, ids.numel(), args.seq_len)]
    accumulator = StatsAccumulator(diagonal_only=args.diagonal_only)
    collect(model, chunks, accumulator)
    accumulator.save(args.output, np.float32 if args.float32 else np.float64)
    print(f"{args.output}: statistics of {len(accumulator.sums)} linear layers over {ids.numel()} tokens")


def _cuda():
    try:
        import torch
        return torch.cuda.is_available()
    except ImportError:
        return False


if __name__ == "__main__":
    main(sys.argv[1:])
