import LinearAlgebra

/// The weights' own spectra: square roots of the eigenvalues of the smaller Gram matrix
/// (``SingularValues/compute(_:panelWidth:isCancelled:progress:)``), accumulated panel by panel
/// straight from the checkpoint's bytes, so cancellation is noticed between panels; and their
/// partial estimates (``estimate(_:leading:tensorName:isCancelled:)``).
public struct GramSpectrumMethod: SpectrumMethod {
    /// A method for ``SpectrumKind/weights``.
    public init() {}

    public var kind: SpectrumKind { .weights }
    public var cacheTag: String { SpectrumCache.methodTag }
    public var recordsWhitening: Bool { false }

    /// s²·max(m, n) for the symmetric rank-k update and 4s³/3 for the tridiagonal reduction,
    /// s = min(m, n).
    public func flops(rows: Int, columns: Int) -> Double {
        let small = Double(min(rows, columns))
        let large = Double(max(rows, columns))
        return small * small * large + 4.0 / 3.0 * small * small * small
    }

    /// The s×s Gram matrix and one converted panel of the long side, in double.
    public func bytes(rows: Int, columns: Int) -> Double {
        let s = Double(min(rows, columns)), long = max(rows, columns)
        return 8 * s * (s + Double(min(long, SingularValues.automaticPanelWidth(smallerSide: min(rows, columns)))))
    }

    /// The weights can be estimated (``RandomizedSingularValues`` of the matrix as stored).
    public var estimates: Bool { true }

    /// ``RandomizedSingularValues`` of the whole matrix, its products in single precision on the
    /// stored values and its final projection in double (seeded, so the same checkpoint gives the
    /// same estimate), with its exact Frobenius norm.
    public func estimate(_ source: MatrixSource, leading: Int, tensorName: String,
                         isCancelled: @escaping () -> Bool) throws -> RandomizedSingularValues? {
        try RandomizedSingularValues(of: source, count: leading, isCancelled: isCancelled)
    }

    public func compute(_ source: MatrixSource, tensorName: String, isCancelled: @escaping () -> Bool) throws -> SpectrumValues {
        SpectrumValues(singularValues: try SingularValues.compute(source, isCancelled: isCancelled))
    }
}
