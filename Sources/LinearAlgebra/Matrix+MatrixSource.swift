/// Conversion of a borrowed ``MatrixSource`` into an owned ``Matrix``.
extension Matrix {
    /// A double-precision copy of `source` (exact for every format).
    ///
    /// Memory is `8 · rows · columns` bytes: use it for matrices that fit comfortably;
    /// ``SingularValues/compute(_:panelWidth:isCancelled:progress:)`` never needs the full copy.
    /// - Throws: ``LinearAlgebraError/nonFinite(row:column:)`` at the first NaN/Inf (row order),
    ///   ``LinearAlgebraError/cancelled`` when `isCancelled` returns `true` (checked every few
    ///   rows), ``LinearAlgebraError/invalidDimensions(_:)`` for impossible dimensions.
    public init(_ source: MatrixSource, isCancelled: () -> Bool = { false }) throws {
        let elements = try source.convertedElements(isCancelled: isCancelled)
        try self.init(rows: source.rows, columns: source.columns, elements: elements)
    }
}
