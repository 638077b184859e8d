import Foundation
import LinearAlgebra
import SafeTensors

/// A small built-in checkpoint with Llama names and shapes and designed spectra, so the tool
/// can be tried without downloading a model.
///
/// Each linear weight is W = U·diag(σ)·Vᵀ with U, V random orthonormal bases (QR of Gaussian
/// matrices, seeded by the tensor name) and σ from ``DemoSpectrumShape``, stored as BF16 like
/// Hugging Face checkpoints; embeddings and the head are Gaussian, norms near one.
public struct DemoCheckpoint: Sendable {
    /// Model width.
    public var hiddenSize = 512
    /// MLP width.
    public var intermediateSize = 1376
    /// Transformer blocks.
    public var blockCount = 8
    /// Attention heads.
    public var headCount = 8
    /// Key/value heads (grouped-query attention).
    public var keyValueHeadCount = 2
    /// Vocabulary size.
    public var vocabularySize = 4096
    /// Seed of every random draw.
    public var seed: UInt64 = 2024

    /// The default demo model.
    public init() {}

    /// Version recorded in the file's metadata; a demo folder with another version is rewritten.
    public static let version = "rankscope-demo-1"

    /// One tensor of the demo model.
    public struct TensorPlan: Sendable {
        /// Checkpoint name.
        public let name: String
        /// Shape.
        public let shape: [Int]
        /// The block, nil outside blocks.
        public let block: Int?
        /// The role inside the block (`attn.q_proj`), or the name outside blocks.
        public let role: String
    }

    /// Every tensor of the model in Llama naming.
    public var tensors: [TensorPlan] {
        let headDimension = hiddenSize / headCount
        let keyValueWidth = headDimension * keyValueHeadCount
        var plans = [
            TensorPlan(name: "model.embed_tokens.weight", shape: [vocabularySize, hiddenSize], block: nil, role: "embed_tokens"),
            TensorPlan(name: "model.norm.weight", shape: [hiddenSize], block: nil, role: "norm"),
            TensorPlan(name: "lm_head.weight", shape: [vocabularySize, hiddenSize], block: nil, role: "lm_head"),
        ]
        let roles: [(String, [Int])] = [
            ("self_attn.q_proj", [hiddenSize, hiddenSize]),
            ("self_attn.k_proj", [keyValueWidth, hiddenSize]),
            ("self_attn.v_proj", [keyValueWidth, hiddenSize]),
            ("self_attn.o_proj", [hiddenSize, hiddenSize]),
            ("mlp.gate_proj", [intermediateSize, hiddenSize]),
            ("mlp.up_proj", [intermediateSize, hiddenSize]),
            ("mlp.down_proj", [hiddenSize, intermediateSize]),
            ("input_layernorm", [hiddenSize]),
            ("post_attention_layernorm", [hiddenSize]),
        ]
        for block in 0..<blockCount {
            for (role, shape) in roles {
                let shortRole = role.replacingOccurrences(of: "self_attn.", with: "attn.")
                plans.append(TensorPlan(name: "model.layers.\(block).\(role).weight", shape: shape, block: block, role: shortRole))
            }
        }
        return plans
    }

    /// The singular values designed for a linear weight (before BF16 rounding); nil for others.
    public func designedSingularValues(of plan: TensorPlan) -> [Double]? {
        guard let block = plan.block, plan.shape.count == 2 else { return nil }
        let shape = DemoSpectrumShape.forRole(plan.role, block: block, blockCount: blockCount)
        let scale = 1.0 / Double(plan.shape[1]).squareRoot() * 8
        return shape.singularValues(count: plan.shape.min()!).map { $0 * scale }
    }

    /// The `config.json` of the model, as Hugging Face writes it for Llama.
    public var configJSON: String {
        """
        {
          "architectures": ["LlamaForCausalLM"],
          "model_type": "llama",
          "hidden_size": \(hiddenSize),
          "intermediate_size": \(intermediateSize),
          "num_hidden_layers": \(blockCount),
          "num_attention_heads": \(headCount),
          "num_key_value_heads": \(keyValueHeadCount),
          "vocab_size": \(vocabularySize),
          "max_position_embeddings": 2048,
          "rms_norm_eps": 1e-05,
          "hidden_act": "silu",
          "torch_dtype": "bfloat16"
        }

        """
    }

    /// True when `directory` already holds this demo (same version and seed).
    public func isWritten(at directory: String) -> Bool {
        guard let file = try? SafeTensorsFile(path: directory + "/model.safetensors") else { return false }
        return file.header.metadata?["rankscope_demo"] == DemoCheckpoint.version
            && file.header.metadata?["seed"] == String(seed)
            && FileManager.default.fileExists(atPath: directory + "/config.json")
    }

    /// Writes `model.safetensors` and `config.json` into `directory` (created if missing),
    /// each to a temporary name renamed when complete.
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let plans = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0) })
        let specs = tensors.map { TensorSpec(name: $0.name, dtype: .BF16, shape: $0.shape) }
        let writer = try SafeTensorsWriter(path: directory + "/model.safetensors", tensors: specs,
                                           metadata: ["format": "pt", "rankscope_demo": DemoCheckpoint.version, "seed": String(seed)])
        for spec in writer.layout {
            let bits = try values(of: plans[spec.name]!).map { HalfPrecision.bf16Bits(from: Float($0)) }
            try bits.withUnsafeBytes { try writer.append($0) }
        }
        try writer.finish()
        try AtomicFile.write(Data(configJSON.utf8), to: directory + "/config.json")
    }

    /// The values of one tensor, row-major.
    func values(of plan: TensorPlan) throws -> [Double] {
        var generator = SeededGenerator(seed: seed ^ FNV1a.hash(plan.name))
        let count = plan.shape.reduce(1, *)
        if let sigma = designedSingularValues(of: plan) {
            let rows = plan.shape[0], columns = plan.shape[1], rank = sigma.count
            let left = try LAPACK.orthonormalBasis(of: Matrix.gaussian(rows: rows, columns: rank, using: &generator))
            let right = try LAPACK.orthonormalBasis(of: Matrix.gaussian(rows: columns, columns: rank, using: &generator))
            var scaledLeft = left
            for row in 0..<rows {
                for k in 0..<rank { scaledLeft[row, k] *= sigma[k] }
            }
            return try scaledLeft.multiplied(by: right.transposed()).elements
        }
        if plan.shape.count == 1 {
            return (0..<count).map { _ in 1 + 0.05 * generator.nextGaussian() }
        }
        return (0..<count).map { _ in 0.02 * generator.nextGaussian() }
    }
}
