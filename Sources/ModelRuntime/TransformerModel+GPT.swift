/// GPT-2 and GPTBigCode: learned positions, pre-LayerNorm blocks with a fused `c_attn`
/// projection, GELU MLP, final LayerNorm. GPT-2's Conv1D weights are stored `[in, out]` and
/// turned around at load; BigCode's are ordinary `nn.Linear` `[out, in]`. BigCode's fused output
/// is `[q (all heads) | k | v]` with multi-query attention, and `[q_h k_h v_h]` per head without.
extension TransformerModel {
    static func loadGPT(_ h: ModelHyperparameters, _ reader: WeightReader) throws -> LoadedWeights {
        let prefix = reader.contains("transformer.wte.weight") ? "transformer." : ""
        var loaded = LoadedWeights(prefix: prefix)
        let width = h.hidden
        let conv = h.family == .gpt2
        let fused = width + 2 * h.keyValueHeads * h.headDimension
        loaded.tensors[prefix + "wte.weight"] = try reader.floats(prefix + "wte.weight", shape: [h.vocabularySize, width])
        loaded.tensors[prefix + "wpe.weight"] = try reader.floats(prefix + "wpe.weight", shape: [h.maximumPositions!, width])
        for layer in 0..<h.layers {
            let p = prefix + "h.\(layer)."
            for norm in ["ln_1", "ln_2"] {
                loaded.tensors[p + norm + ".weight"] = try reader.floats(p + norm + ".weight", shape: [width])
                loaded.tensors[p + norm + ".bias"] = try reader.floats(p + norm + ".bias", shape: [width])
            }
            loaded.add(p + "attn.c_attn", try reader.dense(p + "attn.c_attn", outputs: fused, inputs: width, bias: true, transposed: conv))
            loaded.add(p + "attn.c_proj", try reader.dense(p + "attn.c_proj", outputs: width, inputs: width, bias: true, transposed: conv))
            loaded.add(p + "mlp.c_fc", try reader.dense(p + "mlp.c_fc", outputs: h.intermediate, inputs: width, bias: true, transposed: conv))
            loaded.add(p + "mlp.c_proj", try reader.dense(p + "mlp.c_proj", outputs: width, inputs: h.intermediate, bias: true, transposed: conv))
        }
        loaded.tensors[prefix + "ln_f.weight"] = try reader.floats(prefix + "ln_f.weight", shape: [width])
        loaded.tensors[prefix + "ln_f.bias"] = try reader.floats(prefix + "ln_f.bias", shape: [width])
        if h.tiedEmbeddings {
            loaded.add("lm_head", DenseLinear(weight: loaded.tensors[prefix + "wte.weight"]!, outputs: h.vocabularySize, inputs: width))
        } else {
            loaded.add("lm_head", try reader.dense("lm_head", outputs: h.vocabularySize, inputs: width, bias: false))
        }
        return loaded
    }

    /// The final-normed hidden states of packed `sequences` (`rows × hidden`).
    func gptHidden(_ sequences: [[Int]], from start: BlockState? = nil) throws -> FloatBuffer {
        let h = hyperparameters
        let ranges = Self.packedRanges(sequences)
        let rows = ranges.last?.upperBound ?? 0
        let width = h.hidden, d = h.headDimension
        let maximum = h.maximumPositions!
        if let longest = sequences.map(\.count).max(), longest > maximum {
            throw ModelRuntimeError.sequenceTooLong(length: longest, maximum: maximum)
        }
        let fused = width + 2 * h.keyValueHeads * d
        let x = FloatBuffer(count: rows * width)
        if let start {
            start.restore(into: x, rows: rows, width: width)
        } else {
            try gather(prefix + "wte.weight", tokens: sequences.flatMap { $0 }, width: width, into: x.pointer)
            tensor(prefix + "wpe.weight").withUnsafeBufferPointer { positions in
                for range in ranges {
                    for (position, row) in range.enumerated() {
                        let line = x.pointer + row * width, add = positions.baseAddress! + position * width
                        for i in 0..<width { line[i] += add[i] }
                    }
                }
            }
        }
        let normed = FloatBuffer(count: rows * width)
        let qkv = FloatBuffer(count: rows * fused)
        let attended = FloatBuffer(count: rows * width)
        let inner = FloatBuffer(count: rows * h.intermediate)
        for layer in (start?.block ?? 0)..<h.layers {
            try observeBlock(layer, x, rows: rows)
            let p = prefix + "h.\(layer)."
            normed.pointer.update(from: x.pointer, count: rows * width)
            Normalization.layer(normed.pointer, rows: rows, width: width, weight: tensor(p + "ln_1.weight"), bias: tensor(p + "ln_1.bias"), epsilon: h.epsilon)
            linear(p + "attn.c_attn", normed.pointer, rows: rows, into: qkv.pointer)
            let base = UnsafePointer(qkv.pointer)
            let layout: AttentionLayout
            if h.family == .gptBigCode && !h.multiQuery {
                layout = AttentionLayout(query: base, queryStride: fused, queryHeadStride: 3 * d,
                                         key: base + d, value: base + 2 * d, keyValueStride: fused, keyValueHeadStride: 3 * d,
                                         heads: h.heads, keyValueHeads: h.keyValueHeads, headDimension: d)
            } else {
                let kvWidth = h.keyValueHeads * d
                layout = AttentionLayout(query: base, queryStride: fused, queryHeadStride: d,
                                         key: base + width, value: base + width + kvWidth, keyValueStride: fused, keyValueHeadStride: d,
                                         heads: h.heads, keyValueHeads: h.keyValueHeads, headDimension: d)
            }
            Attention.run(layout, sequences: ranges, causal: true, window: nil, output: attended.pointer)
            linear(p + "attn.c_proj", attended.pointer, rows: rows, into: x.pointer, accumulate: true)
            normed.pointer.update(from: x.pointer, count: rows * width)
            Normalization.layer(normed.pointer, rows: rows, width: width, weight: tensor(p + "ln_2.weight"), bias: tensor(p + "ln_2.bias"), epsilon: h.epsilon)
            linear(p + "mlp.c_fc", normed.pointer, rows: rows, into: inner.pointer)
            h.activation.apply(inner.pointer, count: rows * h.intermediate)
            linear(p + "mlp.c_proj", inner.pointer, rows: rows, into: x.pointer, accumulate: true)
        }
        try observeBlock(h.layers, x, rows: rows)
        Normalization.layer(x.pointer, rows: rows, width: width, weight: tensor(prefix + "ln_f.weight"), bias: tensor(prefix + "ln_f.bias"), epsilon: h.epsilon)
        return x
    }
}
