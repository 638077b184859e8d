/// The llama family (Llama 2/3, SmolLM, Mistral, Qwen2): pre-RMSNorm blocks, RoPE on q and k,
/// grouped-query attention, SiLU-gated MLP, final RMSNorm.
extension TransformerModel {
    static func loadLlama(_ h: ModelHyperparameters, _ reader: WeightReader) throws -> LoadedWeights {
        var loaded = LoadedWeights(prefix: "model.")
        let width = h.hidden, qWidth = h.heads * h.headDimension, kvWidth = h.keyValueHeads * h.headDimension
        loaded.tensors["model.embed_tokens.weight"] = try reader.floats("model.embed_tokens.weight", shape: [h.vocabularySize, width])
        for layer in 0..<h.layers {
            let p = "model.layers.\(layer)."
            loaded.tensors[p + "input_layernorm.weight"] = try reader.floats(p + "input_layernorm.weight", shape: [width])
            loaded.tensors[p + "post_attention_layernorm.weight"] = try reader.floats(p + "post_attention_layernorm.weight", shape: [width])
            let attentionBias: Bool? = h.attentionBias ? true : nil
            loaded.add(p + "self_attn.q_proj", try reader.dense(p + "self_attn.q_proj", outputs: qWidth, inputs: width, bias: attentionBias))
            loaded.add(p + "self_attn.k_proj", try reader.dense(p + "self_attn.k_proj", outputs: kvWidth, inputs: width, bias: attentionBias))
            loaded.add(p + "self_attn.v_proj", try reader.dense(p + "self_attn.v_proj", outputs: kvWidth, inputs: width, bias: attentionBias))
            loaded.add(p + "self_attn.o_proj", try reader.dense(p + "self_attn.o_proj", outputs: width, inputs: qWidth, bias: h.outputBias ? true : nil))
            let mlpBias: Bool? = h.mlpBias ? true : nil
            loaded.add(p + "mlp.gate_proj", try reader.dense(p + "mlp.gate_proj", outputs: h.intermediate, inputs: width, bias: mlpBias))
            loaded.add(p + "mlp.up_proj", try reader.dense(p + "mlp.up_proj", outputs: h.intermediate, inputs: width, bias: mlpBias))
            loaded.add(p + "mlp.down_proj", try reader.dense(p + "mlp.down_proj", outputs: width, inputs: h.intermediate, bias: mlpBias))
        }
        loaded.tensors["model.norm.weight"] = try reader.floats("model.norm.weight", shape: [width])
        if h.tiedEmbeddings {
            loaded.add("lm_head", DenseLinear(weight: loaded.tensors["model.embed_tokens.weight"]!, outputs: h.vocabularySize, inputs: width))
        } else {
            loaded.add("lm_head", try reader.dense("lm_head", outputs: h.vocabularySize, inputs: width, bias: false))
        }
        return loaded
    }

    /// The final-normed hidden states of packed `sequences` (`rows × hidden`).
    func llamaHidden(_ sequences: [[Int]], from start: BlockState? = nil) throws -> FloatBuffer {
        let h = hyperparameters
        let ranges = Self.packedRanges(sequences)
        let rows = ranges.last?.upperBound ?? 0
        let width = h.hidden, d = h.headDimension
        let qWidth = h.heads * d, kvWidth = h.keyValueHeads * d
        let x = FloatBuffer(count: rows * width)
        if let start {
            start.restore(into: x, rows: rows, width: width)
        } else {
            try gather("model.embed_tokens.weight", tokens: sequences.flatMap { $0 }, width: width, into: x.pointer)
        }
        let normed = FloatBuffer(count: rows * width)
        let q = FloatBuffer(count: rows * qWidth), k = FloatBuffer(count: rows * kvWidth), v = FloatBuffer(count: rows * kvWidth)
        let attended = FloatBuffer(count: rows * qWidth)
        let gate = FloatBuffer(count: rows * h.intermediate), up = FloatBuffer(count: rows * h.intermediate)
        let rope = RotaryEmbedding(dimension: d, theta: h.ropeTheta, scaling: h.ropeScaling)
        for layer in (start?.block ?? 0)..<h.layers {
            try observeBlock(layer, x, rows: rows)
            let p = "model.layers.\(layer)."
            normed.pointer.update(from: x.pointer, count: rows * width)
            Normalization.rms(normed.pointer, rows: rows, width: width, weight: tensor(p + "input_layernorm.weight"), epsilon: h.epsilon)
            linear(p + "self_attn.q_proj", normed.pointer, rows: rows, into: q.pointer)
            linear(p + "self_attn.k_proj", normed.pointer, rows: rows, into: k.pointer)
            linear(p + "self_attn.v_proj", normed.pointer, rows: rows, into: v.pointer)
            rope.apply(q.pointer, sequences: ranges, heads: h.heads, stride: qWidth)
            rope.apply(k.pointer, sequences: ranges, heads: h.keyValueHeads, stride: kvWidth)
            let layout = AttentionLayout(query: q.pointer, queryStride: qWidth, queryHeadStride: d,
                                         key: k.pointer, value: v.pointer, keyValueStride: kvWidth, keyValueHeadStride: d,
                                         heads: h.heads, keyValueHeads: h.keyValueHeads, headDimension: d)
            Attention.run(layout, sequences: ranges, causal: true, window: h.slidingWindow, output: attended.pointer)
            linear(p + "self_attn.o_proj", attended.pointer, rows: rows, into: x.pointer, accumulate: true)
            normed.pointer.update(from: x.pointer, count: rows * width)
            Normalization.rms(normed.pointer, rows: rows, width: width, weight: tensor(p + "post_attention_layernorm.weight"), epsilon: h.epsilon)
            linear(p + "mlp.gate_proj", normed.pointer, rows: rows, into: gate.pointer)
            linear(p + "mlp.up_proj", normed.pointer, rows: rows, into: up.pointer)
            h.activation.apply(gate.pointer, count: rows * h.intermediate)
            for i in 0..<(rows * h.intermediate) { gate.pointer[i] *= up.pointer[i] }
            linear(p + "mlp.down_proj", gate.pointer, rows: rows, into: x.pointer, accumulate: true)
        }
        try observeBlock(h.layers, x, rows: rows)
        Normalization.rms(x.pointer, rows: rows, width: width, weight: tensor("model.norm.weight"), epsilon: h.epsilon)
        return x
    }
}
