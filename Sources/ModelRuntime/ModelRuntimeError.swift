/// A problem loading or running a model, as one sentence naming the file or value at fault.
public enum ModelRuntimeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The checkpoint folder has no `config.json`, so the architecture is unknown.
    case missingConfig(folder: String)
    /// `model_type` names an architecture the runtime does not implement.
    case unknownArchitecture(modelType: String, configPath: String)
    /// A value the architecture needs is absent from (or invalid in) `config.json`.
    case invalidConfigValue(key: String, configPath: String, problem: String)
    /// A tensor the architecture needs is not in the checkpoint.
    case missingTensor(name: String, checkpoint: String)
    /// A tensor has another shape than the config implies.
    case tensorShape(name: String, expected: [Int], found: [Int], checkpoint: String)
    /// A tensor's dtype cannot be converted to Float.
    case unsupportedDType(name: String, dtype: String, checkpoint: String)
    /// A token id is outside the embedding table.
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    /// A sequence is longer than the model's learned positions allow.
    case sequenceTooLong(length: Int, maximum: Int)
    /// An operation asked for a linear module the model does not have.
    case unknownModule(name: String)
    /// A replacement operator has another shape than the layer it replaces.
    case operatorShape(module: String, expected: (rows: Int, columns: Int), found: (rows: Int, columns: Int))
    /// The operation does not apply to this kind of model (e.g. logits of an encoder).
    case wrongModelKind(operation: String, modelType: String)

    public static func == (lhs: ModelRuntimeError, rhs: ModelRuntimeError) -> Bool {
        lhs.description == rhs.description
    }

    /// One sentence a person can act on.
    public var description: String {
        switch self {
        case .missingConfig(let folder):
            return "\(folder): there is no config.json beside the weights, so the model's architecture is unknown; add the config.json the model was published with."
        case .unknownArchitecture(let modelType, let configPath):
            return "\(configPath): model_type \"\(modelType)\" is not an architecture rankscope can run (it runs llama, mistral, qwen2, gpt2, gpt_bigcode and bert)."
        case .invalidConfigValue(let key, let configPath, let problem):
            return "\(configPath): \(key) \(problem)."
        case .missingTensor(let name, let checkpoint):
            return "\(checkpoint): the tensor \(name) that the architecture needs is not in the checkpoint."
        case .tensorShape(let name, let expected, let found, let checkpoint):
            return "\(checkpoint): the tensor \(name) has shape \(found), but config.json implies \(expected)."
        case .unsupportedDType(let name, let dtype, let checkpoint):
            return "\(checkpoint): the tensor \(name) is \(dtype); the runtime reads F32, F16, BF16 and F64 weights."
        case .tokenOutOfRange(let id, let vocabularySize):
            return "token id \(id) is outside the model's vocabulary of \(vocabularySize) entries; the tokenizer does not belong to this model."
        case .sequenceTooLong(let length, let maximum):
            return "a sequence of \(length) tokens is longer than the model's \(maximum) learned positions; use a shorter --seq-len."
        case .unknownModule(let name):
            return "the model has no linear module named \(name)."
        case .operatorShape(let module, let expected, let found):
            return "the replacement for \(module) maps \(found.columns) inputs to \(found.rows) outputs, but the layer maps \(expected.columns) to \(expected.rows)."
        case .wrongModelKind(let operation, let modelType):
            return "\(operation) needs a \(operation == "sentence embeddings" ? "encoder" : "causal language model"), but this model is \(modelType)."
        }
    }
}
