/// BERT encoders: word + position + token-type-0 embeddings and a LayerNorm, then post-LayerNorm
/// blocks (self-attention, residual, LayerNorm; GELU MLP, residual, LayerNorm). Each sequence
/// attends to all of itself and nothing else (a padded batch's attention mask).
extension TransformerModel {
    static func loadBERT(_ h: ModelHyperparameters, _ reader: WeightReader) throws -> LoadedWeights {
        let prefix = reader.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
        var loaded = LoadedWeights(prefix: prefix)
        let width = h.hidden
        let e = prefix + "embeddings."
        loaded.tensors[e + "word_embeddings.weight"] = try reader.floats(e + "word_embeddings.weight", shape: [h.vocabularySize, width])
        loaded.tensors[e + "position_embeddings.weight"] = try reader.floats(e + "position_embeddings.weight", shape: [h.maximumPositions!, width])
        let types = reader.checkpoint.tensors.first { $0.name == e + "token_type_embeddings.weight" }?.info.shape.first ?? 1
        let typeTable = try reader.floats(e + "token_type_embeddings.weight", shape: [types, width])
        loaded.tensors[e + "token_type_embeddings.weight"] = Array(typeTable[0..<width])
        for norm in [e + "LayerNorm"] {
            loaded.tensors[norm + ".weight"] = try reader.floats(norm + ".weight", shape: [width])
            loaded.tensors[norm + ".bias"] = try reader.floats(norm + ".bias", shape: [width])
        }
        for layer in 0..<h.layers {
            let p = prefix + "encoder.layer.\(layer)."
            for name in ["query", "key", "value"] {
                loaded.add(p + "attention.self." + name, try reader.dense(p + "attention.self." + name, outputs: width, inputs: width, bias: true))
            }
            loaded.add(p + "attention.output.dense", try reader.dense(p + "attention.output.dense", outputs: width, inputs: width, bias: true))
            loaded.add(p + "intermediate.dense", try reader.dense(p + "intermediate.dense", outputs: h.intermediate, inputs: width, bias: true))
            loaded.add(p + "output.dense", try reader.dense(p + "output.dense", outputs: width, inputs: h.intermediate, bias: true))
            for norm in [p + "attention.output.LayerNorm", p + "output.LayerNorm"] {
                loaded.tensors[norm + ".weight"] = try reader.floats(norm + ".weight", shape: [width])
                loaded.tensors[norm + ".bias"] = try reader.floats(norm + ".bias", shape: [width])
            }
        }
        return loaded
    }

    /// The last hidden states of packed `sequences` (`rows × hidden`).
    func bertHidden(_ sequences: [[Int]], from start: BlockState? = nil) throws -> FloatBuffer {
        let h = hyperparameters
        let ranges = Self.packedRanges(sequences)
        let rows = ranges.last?.upperBound ?? 0
        let width = h.hidden, d = h.headDimension
        if let longest = sequences.map(\.count).max(), longest > h.maximumPositions! {
            throw ModelRuntimeError.sequenceTooLong(length: longest, maximum: h.maximumPositions!)
        }
        let e = prefix + "embeddings."
        let x = FloatBuffer(count: rows * width)
        if let start {
            start.restore(into: x, rows: rows, width: width)
        } else {
            try gather(e + "word_embeddings.weight", tokens: sequences.flatMap { $0 }, width: width, into: x.pointer)
            let positions = tensor(e + "position_embeddings.weight"), type0 = tensor(e + "token_type_embeddings.weight")
            for range in ranges {
                for (position, row) in range.enumerated() {
                    let line = x.pointer + row * width
                    for i in 0..<width { line[i] += positions[position * width + i] + type0[i] }
                }
            }
            Normalization.layer(x.pointer, rows: rows, width: width, weight: tensor(e + "LayerNorm.weight"), bias: tensor(e + "LayerNorm.bias"), epsilon: h.epsilon)
        }
        let q = FloatBuffer(count: rows * width), k = FloatBuffer(count: rows * width), v = FloatBuffer(count: rows * width)
        let attended = FloatBuffer(count: rows * width)
        let inner = FloatBuffer(count: rows * h.intermediate)
        for layer in (start?.block ?? 0)..<h.layers {
            try observeBlock(layer, x, rows: rows)
            let p = prefix + "encoder.layer.\(layer)."
            linear(p + "attention.self.query", x.pointer, rows: rows, into: q.pointer)
            linear(p + "attention.self.key", x.pointer, rows: rows, into: k.pointer)
            linear(p + "attention.self.value", x.pointer, rows: rows, into: v.pointer)
            let layout = AttentionLayout(query: q.pointer, queryStride: width, queryHeadStride: d,
                                         key: k.pointer, value: v.pointer, keyValueStride: width, keyValueHeadStride: d,
                                         heads: h.heads, keyValueHeads: h.keyValueHeads, headDimension: d)
            Attention.run(layout, sequences: ranges, causal: false, window: nil, output: attended.pointer)
            linear(p + "attention.output.dense", attended.pointer, rows: rows, into: x.pointer, accumulate: true)
            Normalization.layer(x.pointer, rows: rows, width: width, weight: tensor(p + "attention.output.LayerNorm.weight"),
                                bias: tensor(p + "attention.output.LayerNorm.bias"), epsilon: h.epsilon)
            linear(p + "intermediate.dense", x.pointer, rows: rows, into: inner.pointer)
            h.activation.apply(inner.pointer, count: rows * h.intermediate)
            linear(p + "output.dense", inner.pointer, rows: rows, into: x.pointer, accumulate: true)
            Normalization.layer(x.pointer, rows: rows, width: width, weight: tensor(p + "output.LayerNorm.weight"),
                                bias: tensor(p + "output.LayerNorm.bias"), epsilon: h.epsilon)
        }
        try observeBlock(h.layers, x, rows: rows)
        return x
    }
}
