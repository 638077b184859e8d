import SafeTensors
import StrictJSON

/// Everything the forward pass needs from `config.json`, validated once when a model loads.
public struct ModelHyperparameters: Sendable, Equatable {
    /// The architecture.
    public let family: ModelFamily
    /// `model_type` as written.
    public let modelType: String
    /// Transformer blocks.
    public let layers: Int
    /// Residual width.
    public let hidden: Int
    /// MLP width.
    public let intermediate: Int
    /// Query heads.
    public let heads: Int
    /// Key/value heads (GQA/MQA when fewer than ``heads``).
    public let keyValueHeads: Int
    /// Width of one head.
    public let headDimension: Int
    /// Embedding rows.
    public let vocabularySize: Int
    /// Normalisation epsilon (`rms_norm_eps` / `layer_norm_epsilon` / `layer_norm_eps`).
    public let epsilon: Double
    /// The MLP nonlinearity.
    public let activation: Activation
    /// RoPE base (llama family).
    public let ropeTheta: Double
    /// RoPE scaling (llama family).
    public let ropeScaling: RopeScaling
    /// Learned positions (GPT-2, BigCode, BERT); nil for RoPE models.
    public let maximumPositions: Int?
    /// Whether the output head is the embedding table (`tie_word_embeddings`).
    public let tiedEmbeddings: Bool
    /// Whether q/k/v (and o, for `attention_bias`) carry biases (llama family).
    public let attentionBias: Bool
    /// Whether o_proj carries a bias (llama `attention_bias`; not Qwen2).
    public let outputBias: Bool
    /// Whether the MLP projections carry biases (llama `mlp_bias`).
    public let mlpBias: Bool
    /// Mistral/Qwen2 sliding-window attention span, when the config enables it.
    public let slidingWindow: Int?
    /// GPTBigCode: one key/value head shared by all query heads (`multi_query`).
    public let multiQuery: Bool

    /// Reads and validates the hyperparameters of `config`.
    ///
    /// - Throws: ``ModelRuntimeError/unknownArchitecture(modelType:configPath:)`` for a
    ///   `model_type` the runtime does not implement, ``ModelRuntimeError/invalidConfigValue(key:configPath:problem:)``
    ///   for a missing or impossible value.
    public init(config: ModelConfig) throws {
        let raw = config.raw
        let path = config.path
        guard let modelType = config.modelType else {
            throw ModelRuntimeError.invalidConfigValue(key: "model_type", configPath: path, problem: "is missing, so the architecture is unknown")
        }
        guard let family = ModelFamily(modelType: modelType) else {
            throw ModelRuntimeError.unknownArchitecture(modelType: modelType, configPath: path)
        }
        func required(_ value: Int?, _ key: String) throws -> Int {
            guard let value else { throw ModelRuntimeError.invalidConfigValue(key: key, configPath: path, problem: "is missing or not an integer") }
            guard value > 0 else { throw ModelRuntimeError.invalidConfigValue(key: key, configPath: path, problem: "is \(value), not a positive integer") }
            return value
        }
        func double(_ keys: [String], default fallback: Double) throws -> Double {
            for key in keys where raw[key] != nil {
                guard let value = raw[key]?.doubleValue, value.isFinite else {
                    throw ModelRuntimeError.invalidConfigValue(key: key, configPath: path, problem: "is not a number")
                }
                return value
            }
            return fallback
        }
        func bool(_ key: String, default fallback: Bool) -> Bool { raw[key]?.boolValue ?? fallback }

        self.family = family
        self.modelType = modelType
        layers = try required(config.layerCount, "num_hidden_layers")
        hidden = try required(config.hiddenSize, "hidden_size")
        heads = try required(config.attentionHeads, "num_attention_heads")
        vocabularySize = try required(config.vocabSize, "vocab_size")
        multiQuery = family == .gptBigCode && bool("multi_query", default: true)
        switch family {
        case .gptBigCode:
            keyValueHeads = multiQuery ? 1 : heads
        case .gpt2, .bert:
            keyValueHeads = heads
        case .llama:
            keyValueHeads = try required(config.keyValueHeads, "num_key_value_heads")
        }
        guard heads % keyValueHeads == 0 else {
            throw ModelRuntimeError.invalidConfigValue(key: "num_key_value_heads", configPath: path,
                                                       problem: "is \(keyValueHeads), which does not divide num_attention_heads = \(heads)")
        }
        if family == .llama, let explicit = raw["head_dim"]?.intValue {
            headDimension = try required(explicit, "head_dim")
        } else {
            guard hidden % heads == 0 else {
                throw ModelRuntimeError.invalidConfigValue(key: "hidden_size", configPath: path,
                                                           problem: "is \(hidden), not a multiple of the \(heads) attention heads")
            }
            headDimension = hidden / heads
        }
        switch family {
        case .llama, .bert:
            intermediate = try required(config.intermediateSize, "intermediate_size")
        case .gpt2, .gptBigCode:
            intermediate = raw["n_inner"]?.intValue ?? 4 * hidden
        }
        switch family {
        case .llama: epsilon = try double(["rms_norm_eps"], default: 1e-6)
        case .gpt2, .gptBigCode: epsilon = try double(["layer_norm_epsilon"], default: 1e-5)
        case .bert: epsilon = try double(["layer_norm_eps"], default: 1e-12)
        }
        let activationKey = family == .gpt2 || family == .gptBigCode ? "activation_function" : "hidden_act"
        let activationDefault: String
        switch family {
        case .llama: activationDefault = "silu"
        case .gpt2: activationDefault = "gelu_new"
        case .gptBigCode: activationDefault = "gelu_pytorch_tanh"
        case .bert: activationDefault = "gelu"
        }
        let activationName = raw[activationKey]?.stringValue ?? activationDefault
        guard let activation = Activation(configName: activationName) else {
            throw ModelRuntimeError.invalidConfigValue(key: activationKey, configPath: path,
                                                       problem: "is \"\(activationName)\", an activation the runtime does not implement")
        }
        self.activation = activation
        ropeTheta = try double(["rope_theta"], default: 10_000)
        switch family {
        case .llama:
            maximumPositions = nil
        case .gpt2, .gptBigCode:
            maximumPositions = try required(raw["n_positions"]?.intValue ?? raw["max_position_embeddings"]?.intValue, "n_positions")
        case .bert:
            maximumPositions = try required(raw["max_position_embeddings"]?.intValue, "max_position_embeddings")
        }
        tiedEmbeddings = bool("tie_word_embeddings", default: family != .llama)
        switch modelType {
        case "qwen2":
            attentionBias = true
            outputBias = false
        default:
            attentionBias = bool("attention_bias", default: false)
            outputBias = attentionBias
        }
        mlpBias = bool("mlp_bias", default: false)
        let slidingEnabled = modelType == "mistral" || (modelType == "qwen2" && bool("use_sliding_window", default: false))
        slidingWindow = slidingEnabled ? raw["sliding_window"]?.intValue : nil
        ropeScaling = try Self.ropeScaling(raw: raw, path: path, maximumPositions: raw["max_position_embeddings"]?.intValue)
    }

    /// Parses `rope_scaling` (null or absent: none).
    private static func ropeScaling(raw: JSONObject, path: String, maximumPositions: Int?) throws -> RopeScaling {
        guard let value = raw["rope_scaling"], !value.isNull else { return .none }
        guard let object = value.objectValue else {
            throw ModelRuntimeError.invalidConfigValue(key: "rope_scaling", configPath: path, problem: "is not an object")
        }
        let kind = object["rope_type"]?.stringValue ?? object["type"]?.stringValue ?? ""
        func number(_ key: String, default fallback: Double? = nil) throws -> Double {
            if let value = object[key]?.doubleValue, value.isFinite, value > 0 { return value }
            if object[key] == nil, let fallback { return fallback }
            throw ModelRuntimeError.invalidConfigValue(key: "rope_scaling.\(key)", configPath: path, problem: "is missing or not a positive number")
        }
        switch kind {
        case "default": return .none
        case "linear": return .linear(factor: try number("factor"))
        case "dynamic":
            guard let maximumPositions else {
                throw ModelRuntimeError.invalidConfigValue(key: "max_position_embeddings", configPath: path, problem: "is missing, but dynamic rope_scaling needs it")
            }
            return .dynamic(factor: try number("factor"), maximumPositions: maximumPositions)
        case "llama3":
            return .llama3(factor: try number("factor"), lowFrequencyFactor: try number("low_freq_factor"),
                           highFrequencyFactor: try number("high_freq_factor"),
                           originalMaximumPositions: Int(try number("original_max_position_embeddings")))
        default:
            throw ModelRuntimeError.invalidConfigValue(key: "rope_scaling", configPath: path,
                                                       problem: "has type \"\(kind)\"; the runtime implements linear, dynamic and llama3")
        }
    }
}
