import SafeTensors

/// One tensor of a checkpoint, with its place in the model and what may be done to it.
public struct CatalogEntry: Sendable {
    /// The tensor and the shard it lives in.
    public let tensor: CheckpointTensor
    /// The parsed name: block index and role.
    public let name: TensorName
    /// What the tensor is for.
    public let kind: TensorKind

    /// Classifies a checkpoint tensor.
    public init(tensor: CheckpointTensor) {
        self.tensor = tensor
        self.name = TensorName(tensor.info.name)
        self.kind = CatalogEntry.classify(tensor.info, name: name)
    }

    /// The tensor's header entry (name, dtype, shape, offsets).
    public var info: TensorInfo { tensor.info }

    /// True when the tensor is a 2-D floating-point matrix, so it has a singular-value spectrum.
    public var hasSpectrum: Bool {
        info.shape.count == 2 && info.dtype.isDecomposable
    }

    /// True for the matrices a plan decomposes by default: linear-layer weights.
    /// Embeddings, heads, norms and biases are listed but excluded.
    public var isCompressible: Bool { kind == .linear }

    /// Rows and columns of a 2-D tensor; nil otherwise.
    public var matrixShape: (rows: Int, columns: Int)? {
        info.shape.count == 2 ? (info.shape[0], info.shape[1]) : nil
    }

    /// Substrings of a lower-cased name that mark an embedding table.
    private static let embeddingMarkers = ["embed_tokens", "embeddings", "wte", "wpe", "word_embeddings",
                                           "position_embeddings", "token_type_embeddings", "embed_positions",
                                           "shared.weight", "tok_embeddings"]
    /// Last name components of the bookkeeping tensors of quantized layers — rankscope's own
    /// `P.scales`/`P.zeros`/`P.qweight` (``QuantizedLayout`` in Compression), and GPTQ/AWQ/FP8
    /// `qzeros`, `g_idx`, `weight_scale`…: 2-D F16 tensors that look like matrices but are not
    /// weights, so a plan must never choose a rank for them (compress would refuse it).
    static let quantizationLeaves: Set<String> = ["scales", "zeros", "qweight", "qzeros", "g_idx", "weight_scale",
                                                  "weight_scale_inv", "input_scale", "weight_zero_point"]

    /// Roles (outside blocks) that name an output head.
    private static let headRoles: Set<String> = ["lm_head", "embed_out", "output", "score", "classifier", "cls.predictions.decoder"]

    /// `input_layernorm`, `ln_f`, `ln_1`, `ln2`, `LayerNorm`, `norm`.
    private static func isNormComponent(_ component: Substring) -> Bool {
        contains("norm", in: component) || component == "ln" || component.hasPrefix("ln_")
            || (component.hasPrefix("ln") && component.dropFirst(2).allSatisfy(\.isNumber))
    }

    /// True when `text` holds `marker`, compared byte by byte (Foundation's locale-aware
    /// `contains`, and the standard library's generic one, made listing a 500-tensor checkpoint
    /// several milliseconds slower).
    private static func contains(_ marker: String, in text: Substring) -> Bool {
        let haystack = text.utf8
        guard let first = marker.utf8.first else { return true }
        var start = haystack.startIndex
        while let candidate = haystack[start...].firstIndex(of: first) {
            if haystack[candidate...].starts(with: marker.utf8) { return true }
            start = haystack.index(after: candidate)
        }
        return false
    }

    private static func classify(_ info: TensorInfo, name: TensorName) -> TensorKind {
        let lower = info.name.lowercased()
        let components = lower.utf8.split(separator: UInt8(ascii: ".")).map { Substring($0) }
        if info.shape.count == 2, embeddingMarkers.contains(where: { contains($0, in: lower[...]) }) {
            return .embedding
        }
        if info.shape.count == 2, name.block == nil, headRoles.contains(name.role.lowercased()) {
            return .head
        }
        if components.contains(where: isNormComponent) {
            return .norm
        }
        if name.parameter == "bias" {
            return .bias
        }
        if quantizationLeaves.contains(components.last.map(String.init) ?? "") {
            return .other
        }
        if info.shape.count == 2, info.dtype.isDecomposable, info.shape[0] > 0, info.shape[1] > 0 {
            return .linear
        }
        return .other
    }
}
