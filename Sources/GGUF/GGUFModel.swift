import StrictJSON

/// A GGUF file seen as the model a Hugging Face user knows: tensors under their HF names and
/// shapes (see ``GGUFNaming``), values in HF order (llama.cpp's Q/K row permutation undone), and
/// the architecture facts (``GGUFModelConfig``).
public final class GGUFModel: Sendable {
    /// The opened file.
    public let file: GGUFFile
    /// The architecture facts from the metadata.
    public let config: GGUFModelConfig
    /// The naming used, `nil` when the architecture is not mapped (names stay GGUF's).
    public let naming: GGUFNaming?
    /// Every tensor, in file order.
    public let tensors: [GGUFModelTensor]
    private let indexByName: [String: Int]

    /// Opens `path` and maps its tensors; errors are ``GGUFError``s naming the file.
    public convenience init(path: String) throws {
        try self.init(file: GGUFFile(path: path))
    }

    /// Maps the tensors of an opened file.
    public init(file: GGUFFile) throws {
        self.file = file
        let config = GGUFModelConfig(header: file.header)
        self.config = config
        let naming = config.architecture.flatMap(GGUFNaming.forArchitecture)
        self.naming = naming
        var tensors: [GGUFModelTensor] = []
        var index: [String: Int] = [:]
        for stored in file.tensors {
            var name = stored.name
            var heads: Int?
            if let mapped = naming?.map(stored.name) {
                name = mapped.name
                switch mapped.heads {
                case .attention?: heads = config.attentionHeads
                case .keyValue?: heads = config.keyValueHeads
                case nil: heads = nil
                }
                if mapped.heads != nil, heads == nil, let architecture = config.architecture {
                    throw GGUFError(file: file.path, problem: .missingMetadata(
                        key: "\(architecture).attention.head_count", purpose: "undo llama.cpp's row order of '\(stored.name)'"))
                }
            }
            let rows = stored.shape.first ?? 1
            if let count = heads, count <= 0 || rows % (2 * count) != 0 {
                throw GGUFError(file: file.path, problem: .headsDoNotDivide(tensor: stored.name, rows: rows, heads: count))
            }
            if index[name] != nil { throw GGUFError(file: file.path, problem: .duplicateTensor(name: name)) }
            index[name] = tensors.count
            tensors.append(GGUFModelTensor(name: name, shape: stored.shape, stored: stored, permutedHeads: heads))
        }
        self.tensors = tensors
        self.indexByName = index
    }

    /// The Hugging Face `config.json` of the model: the metadata's facts
    /// (``GGUFModelConfig/huggingFaceObject``) and, for a mapped architecture, what the tensors
    /// and tokenizer metadata say (`tie_word_embeddings` when there is no `output.weight`, biases,
    /// `bos_token_id`, `eos_token_id`), with `torch_dtype` float32 as the tensors are decoded.
    public var huggingFaceConfig: JSONObject {
        var object = config.huggingFaceObject
        guard naming != nil else { return object }
        object.append(key: "hidden_act", value: .string("silu"))
        object.append(key: "tie_word_embeddings", value: .bool(file.tensor(named: "output.weight") == nil))
        object.append(key: "attention_bias", value: .bool(file.tensors.contains { $0.name.hasSuffix(".attn_q.bias") }))
        object.append(key: "mlp_bias", value: .bool(file.tensors.contains { $0.name.hasSuffix(".ffn_up.bias") }))
        for (key, field) in [("bos_token_id", "tokenizer.ggml.bos_token_id"), ("eos_token_id", "tokenizer.ggml.eos_token_id")] {
            if let id = file.header[field]?.intValue { object.append(key: key, value: .number(JSONNumber(id))) }
        }
        object.append(key: "torch_dtype", value: .string("float32"))
        return object
    }

    /// The tensor called `name` (its HF name when mapped).
    public func tensor(named name: String) -> GGUFModelTensor? {
        indexByName[name].map { tensors[$0] }
    }

    /// The GGUF row holding Hugging Face row `row` of a weight permuted over `heads` heads of
    /// `rows / heads` rows: HF row `h·d + j·(d/2) + i` is stored at `h·d + 2i + j`.
    public static func storedRow(of row: Int, rows: Int, heads: Int) -> Int {
        let perHead = rows / heads, half = perHead / 2
        let head = row / perHead, within = row % perHead
        return head * perHead + (within % half) * 2 + within / half
    }

    /// Decodes `tensor` into `output` (`elementCount` floats) in Hugging Face order: numpy's C
    /// order of ``GGUFModelTensor/shape`` with the Q/K permutation undone.
    public func dequantize(_ tensor: GGUFModelTensor, into output: UnsafeMutableBufferPointer<Float>) throws {
        let stored = tensor.stored
        guard let heads = tensor.permutedHeads else {
            return try file.dequantize(stored, rows: 0..<stored.rowCount, into: output)
        }
        let rows = tensor.shape.first ?? 1
        let width = stored.elementCount / max(1, rows)
        if stored.dimensions.count == 1 {
            // A bias: its elements are the rows; decode it whole, then reorder.
            let whole = try file.dequantized(stored)
            for row in 0..<rows { output[row] = whole[Self.storedRow(of: row, rows: rows, heads: heads)] }
            return
        }
        // A weight: rows are whole GGUF rows (blocks run along a row), decoded straight to place.
        precondition(width == stored.rowLength && rows == stored.rowCount, "a permuted weight must be 2-D")
        for row in 0..<rows {
            let from = Self.storedRow(of: row, rows: rows, heads: heads)
            try file.dequantize(stored, rows: from..<(from + 1),
                                into: UnsafeMutableBufferPointer(rebasing: output[(row * width)..<((row + 1) * width)]))
        }
    }

    /// The whole of `tensor` as floats in Hugging Face order.
    public func dequantized(_ tensor: GGUFModelTensor) throws -> [Float] {
        var values = [Float](repeating: 0, count: tensor.stored.elementCount)
        try values.withUnsafeMutableBufferPointer { try dequantize(tensor, into: $0) }
        return values
    }
}
