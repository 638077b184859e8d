import StrictJSON

/// The architecture facts of a GGUF model, read from its metadata (`ARCH.block_count`,
/// `ARCH.embedding_length`, … where `ARCH` is `general.architecture`), and the Hugging Face
/// `config.json` object they amount to, so a GGUF is described exactly as its safetensors folder.
public struct GGUFModelConfig: Sendable, Equatable {
    /// `general.architecture`, e.g. `llama`.
    public let architecture: String?
    /// `ARCH.block_count`: transformer blocks.
    public let layerCount: Int?
    /// `ARCH.embedding_length`: the hidden size.
    public let hiddenSize: Int?
    /// `ARCH.feed_forward_length`: the MLP's intermediate size.
    public let intermediateSize: Int?
    /// `ARCH.attention.head_count`.
    public let attentionHeads: Int?
    /// `ARCH.attention.head_count_kv`; the head count when absent (no grouped-query attention).
    public let keyValueHeads: Int?
    /// `ARCH.rope.freq_base` (HF `rope_theta`).
    public let ropeTheta: Double?
    /// `ARCH.attention.layer_norm_rms_epsilon` (HF `rms_norm_eps`), as the float32 stored.
    public let rmsNormEpsilon: Double?
    /// `ARCH.vocab_size`, else the length of `tokenizer.ggml.tokens`.
    public let vocabSize: Int?
    /// `ARCH.context_length` (HF `max_position_embeddings`).
    public let contextLength: Int?
    /// `ARCH.attention.key_length`, else `ARCH.rope.dimension_count` (HF `head_dim`).
    public let headDimension: Int?

    /// Reads the facts from `header`'s metadata; absent or non-numeric keys give `nil`.
    public init(header: GGUFHeader) {
        let architecture = header["general.architecture"]?.stringValue
        func value(_ key: String) -> GGUFValue? { architecture.flatMap { header["\($0).\(key)"] } }
        self.architecture = architecture
        layerCount = value("block_count")?.intValue
        hiddenSize = value("embedding_length")?.intValue
        intermediateSize = value("feed_forward_length")?.intValue
        attentionHeads = value("attention.head_count")?.intValue
        keyValueHeads = value("attention.head_count_kv")?.intValue ?? attentionHeads
        ropeTheta = value("rope.freq_base")?.doubleValue
        rmsNormEpsilon = value("attention.layer_norm_rms_epsilon")?.doubleValue
        vocabSize = value("vocab_size")?.intValue ?? header["tokenizer.ggml.tokens"]?.arrayValue?.count
        contextLength = value("context_length")?.intValue
        headDimension = value("attention.key_length")?.intValue ?? value("rope.dimension_count")?.intValue
    }

    /// The Hugging Face architecture class of a mapped architecture (`LlamaForCausalLM`).
    public var huggingFaceArchitecture: String? {
        architecture.flatMap { GGUFNaming.forArchitecture($0)?.huggingFaceClass }
    }

    /// The facts as a Hugging Face `config.json` object (keys as Transformers names them; only
    /// the facts present are written).
    public var huggingFaceObject: JSONObject {
        var object = JSONObject()
        if let name = huggingFaceArchitecture { object.append(key: "architectures", value: .array([.string(name)])) }
        if let architecture { object.append(key: "model_type", value: .string(architecture)) }
        let integers: [(String, Int?)] = [
            ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize), ("num_hidden_layers", layerCount),
            ("num_attention_heads", attentionHeads), ("num_key_value_heads", keyValueHeads),
            ("max_position_embeddings", contextLength), ("vocab_size", vocabSize), ("head_dim", headDimension),
        ]
        for (key, value) in integers {
            if let value { object.append(key: key, value: .number(JSONNumber(value))) }
        }
        for (key, value) in [("rms_norm_eps", rmsNormEpsilon), ("rope_theta", ropeTheta)] {
            if let value, let number = JSONNumber(value) { object.append(key: key, value: .number(number)) }
        }
        return object
    }
}
