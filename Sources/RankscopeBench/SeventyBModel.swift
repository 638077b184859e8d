import Foundation
import Planning

/// A Llama-2-70B-shaped model with synthetic spectra: 80 blocks of 7 linear matrices (560 in
/// all; hidden 8192, MLP 28672, 8 key-value heads of 128), embeddings, head and norms, so the
/// plan benchmark works on the real number and sizes of matrices without a checkpoint.
///
/// Spectra are power laws σᵢ = c·(i^(−a) + 0.01), a per role (queries and keys decay fastest), c
/// from 1 to 1.2 per block: shaped like real weight spectra, without ties between layers, and
/// without the cost of computing any.
enum SeventyBModel {
    static let hidden = 8192
    static let intermediate = 28672
    static let keyValueWidth = 1024
    static let vocabulary = 32000
    static let blocks = 80

    /// The tensors in model order.
    static func tensors() -> [PlannedTensor] {
        var list = [PlannedTensor(name: "model.embed_tokens.weight", role: "embed_tokens", kind: .embedding, shape: [vocabulary, hidden])]
        let roles: [(String, [Int], Double)] = [
            ("self_attn.q_proj", [hidden, hidden], 0.9), ("self_attn.k_proj", [keyValueWidth, hidden], 0.8),
            ("self_attn.v_proj", [keyValueWidth, hidden], 0.4), ("self_attn.o_proj", [hidden, hidden], 0.45),
            ("mlp.gate_proj", [intermediate, hidden], 0.35), ("mlp.up_proj", [intermediate, hidden], 0.3),
            ("mlp.down_proj", [hidden, intermediate], 0.32),
        ]
        for block in 0..<blocks {
            // A per-block scale breaks the ties identical spectra would give the allocator.
            let scale = 1 + 0.2 * Double((block * 37) % blocks) / Double(blocks)
            for (role, shape, exponent) in roles {
                let name = "model.layers.\(block).\(role).weight"
                let values = (1...min(shape[0], shape[1])).map { scale * (pow(Double($0), -exponent) + 0.01) }
                list.append(PlannedTensor(name: name, block: block, role: role.replacingOccurrences(of: "self_attn.", with: "attn."),
                                          shape: shape, spectrum: Spectrum(tensorName: name, rows: shape[0], columns: shape[1], singularValues: values)))
            }
            for norm in ["input_layernorm", "post_attention_layernorm"] {
                list.append(PlannedTensor(name: "model.layers.\(block).\(norm).weight", block: block, role: norm, kind: .norm, shape: [hidden]))
            }
        }
        list.append(PlannedTensor(name: "model.norm.weight", role: "norm", kind: .norm, shape: [hidden]))
        list.append(PlannedTensor(name: "lm_head.weight", role: "lm_head", kind: .head, shape: [vocabulary, hidden]))
        return list
    }
}
