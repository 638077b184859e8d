/// A report's JSON object assembled from parts, each writing its own keys into the same object
/// (flattened, not nested), so the rows of different reports share the parts they have in
/// common (``MatrixFields``, ``SizeFields``, ``SpectrumOriginFields``, ``ReportHeader``) instead
/// of re-declaring their keys.
protocol ReportObject: Encodable {
    /// The parts, whose keys must not overlap.
    var parts: [any Encodable] { get }
}

extension ReportObject {
    func encode(to encoder: Encoder) throws {
        for part in parts { try part.encode(to: encoder) }
    }
}
