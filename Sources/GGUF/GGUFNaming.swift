/// How one GGUF architecture's tensor names map to the Hugging Face names users know, and
/// which weights llama.cpp's converter permuted.
///
/// `convert_hf_to_gguf.py` reorders the rows of the llama family's `q_proj` and `k_proj` weights
/// so that the two halves of every rotary pair become neighbours (its `permute`: per head, row
/// `j·(d/2) + i` goes to `2i + j`). ``GGUFModel`` undoes it so spectra, plans and converted
/// folders see the Hugging Face matrices. Architectures not listed here keep their GGUF names.
public struct GGUFNaming: Sendable {
    /// The `general.architecture` values this naming covers.
    public let architectures: Set<String>
    /// The Hugging Face class written as `architectures` in a config.
    public let huggingFaceClass: String
    /// GGUF per-block roles → Hugging Face module paths inside `model.layers.N`.
    public let blockRoles: [String: String]
    /// GGUF top-level stems → Hugging Face module paths.
    public let topLevel: [String: String]
    /// Roles whose rows llama.cpp permuted, with which head count undoes it.
    public let permuted: [String: HeadCount]

    /// Which of the config's head counts a permuted weight's heads are.
    public enum HeadCount: Sendable {
        /// `attention.head_count` (queries).
        case attention
        /// `attention.head_count_kv` (keys).
        case keyValue
    }

    /// The llama family (Llama 1–3, Mistral, SmolLM, TinyLlama…): every GGUF whose
    /// `general.architecture` is `llama`.
    public static let llama = GGUFNaming(
        architectures: ["llama"], huggingFaceClass: "LlamaForCausalLM",
        blockRoles: ["attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
                     "attn_output": "self_attn.o_proj", "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj",
                     "ffn_down": "mlp.down_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm"],
        topLevel: ["token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head"],
        permuted: ["attn_q": .attention, "attn_k": .keyValue])

    /// The naming of `architecture`, if it is mapped.
    public static func forArchitecture(_ architecture: String) -> GGUFNaming? {
        [llama].first { $0.architectures.contains(architecture) }
    }

    /// The Hugging Face name of GGUF tensor `name` and, for a permuted weight, which heads to
    /// undo (weights and biases alike, as the converter permutes both); `nil` when the name is not one this naming knows (it is then kept as it is).
    public func map(_ name: String) -> (name: String, heads: HeadCount?)? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let stem = name[..<dot], suffix = name[name.index(after: dot)...]
        let parts = stem.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count == 3, parts[0] == "blk", let block = Int(parts[1]), block >= 0, let role = blockRoles[String(parts[2])] {
            return ("model.layers.\(block).\(role).\(suffix)", permuted[String(parts[2])])
        }
        if let path = topLevel[String(stem)] { return ("\(path).\(suffix)", nil) }
        return nil
    }
}
