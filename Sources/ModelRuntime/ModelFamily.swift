/// The architectures the runtime implements, chosen by `model_type` in `config.json`.
public enum ModelFamily: String, Sendable, CaseIterable {
    /// Llama 2/3, SmolLM, Mistral (`mistral`) and Qwen2 (`qwen2`): RMSNorm, RoPE, GQA, SiLU-gated MLP.
    case llama
    /// GPT-2: learned positions, pre-LayerNorm, fused Conv1D attention (stored `[in, out]`), GELU.
    case gpt2
    /// GPTBigCode (StarCoder): GPT-2's shape with multi-query attention and `nn.Linear` weights.
    case gptBigCode
    /// BERT encoders (sentence-transformers): post-LayerNorm, GELU, bidirectional attention.
    case bert

    /// The family of a `model_type`, or nil when the runtime does not know it.
    public init?(modelType: String) {
        switch modelType {
        case "llama", "mistral", "qwen2": self = .llama
        case "gpt2": self = .gpt2
        case "gpt_bigcode": self = .gptBigCode
        case "bert": self = .bert
        default: return nil
        }
    }

    /// True for next-token models (perplexity); false for encoders (sentence embeddings).
    public var isCausal: Bool { self != .bert }
}
