import SafeTensors

extension LayerCatalog {
    /// Matrices of a checkpoint in another format (GGUF) stored in a type rankscope cannot decode
    /// (IQ2_XS, TQ1_0, …): listed with their type, skipped by analysis.
    public var undecodedMatrices: [CatalogEntry] {
        entries.filter { $0.tensor.stored != nil && $0.info.shape.count == 2 && !$0.info.dtype.isDecomposable }
    }

    /// The note analysis commands print about ``undecodedMatrices``, or `nil` when there are none:
    /// `note: 2 matrices are stored in types rankscope cannot dequantize yet and were skipped: a (IQ2_XS), b (IQ2_XS).`
    public var undecodedNote: String? {
        let skipped = undecodedMatrices
        guard !skipped.isEmpty else { return nil }
        let listed = skipped.prefix(5).map { "\($0.info.name) (\($0.tensor.typeName))" }.joined(separator: ", ")
        let more = skipped.count > 5 ? " and \(skipped.count - 5) more" : ""
        let subject = skipped.count == 1 ? "1 matrix is stored in a type" : "\(skipped.count) matrices are stored in types"
        return "note: \(subject) rankscope cannot dequantize yet and \(skipped.count == 1 ? "was" : "were") skipped: \(listed)\(more)."
    }
}
