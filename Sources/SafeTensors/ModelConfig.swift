import StrictJSON

/// The architecture facts rankscope uses from a Hugging Face `config.json`, plus the raw object.
///
/// Different model families name the same fact differently; each property takes the first key
/// present among the listed alternatives, and is `nil` when none is present or the value is
/// not an integer.
public struct ModelConfig: Sendable, Equatable {
    /// The path of the config file.
    public let path: String
    /// The whole top-level object, for anything not extracted below.
    public let raw: JSONObject
    /// `architectures.first`, e.g. `LlamaForCausalLM`.
    public let architecture: String?
    /// `model_type`, e.g. `llama`.
    public let modelType: String?
    /// `num_hidden_layers` | `n_layer` | `num_layers`.
    public let layerCount: Int?
    /// `hidden_size` | `n_embd` | `d_model`.
    public let hiddenSize: Int?
    /// `intermediate_size` | `n_inner` | `ffn_dim`.
    public let intermediateSize: Int?
    /// `num_attention_heads` | `n_head` | `num_heads`.
    public let attentionHeads: Int?
    /// `num_key_value_heads` | `n_head_kv` | `num_kv_heads`; 1 when `multi_query` is true
    /// (StarCoder/GPT-BigCode); otherwise equal to ``attentionHeads`` as in Transformers' own
    /// default.
    public let keyValueHeads: Int?
    /// `vocab_size` | `n_vocab`.
    public let vocabSize: Int?

    /// Loads `config.json` (or any config file) at `path`; a malformed file is an error naming it.
    public init(path: String) throws {
        self.init(object: try JSONFileLoader.loadObject(path: path), path: path)
    }

    /// Parses config JSON `bytes`; `path` names the file in errors.
    public init<Bytes: Collection>(parsing bytes: Bytes, path: String) throws where Bytes.Element == UInt8 {
        self.init(object: try JSONFileLoader.object(parsing: bytes, file: path), path: path)
    }

    /// Extracts the facts from an already parsed object.
    public init(object: JSONObject, path: String) {
        func int(_ keys: String...) -> Int? {
            for key in keys {
                if let value = object[key] { return value.intValue }
            }
            return nil
        }
        self.path = path
        self.raw = object
        self.architecture = object["architectures"]?.arrayValue?.first?.stringValue
        self.modelType = object["model_type"]?.stringValue
        self.layerCount = int("num_hidden_layers", "n_layer", "num_layers")
        self.hiddenSize = int("hidden_size", "n_embd", "d_model")
        self.intermediateSize = int("intermediate_size", "n_inner", "ffn_dim")
        let heads = int("num_attention_heads", "n_head", "num_heads")
        self.attentionHeads = heads
        if let kv = int("num_key_value_heads", "n_head_kv", "num_kv_heads") {
            self.keyValueHeads = kv
        } else if object["multi_query"]?.boolValue == true {
            self.keyValueHeads = 1
        } else {
            self.keyValueHeads = heads
        }
        self.vocabSize = int("vocab_size", "n_vocab")
    }
}
