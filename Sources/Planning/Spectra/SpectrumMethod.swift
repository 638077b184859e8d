import LinearAlgebra

/// How one ``SpectrumKind`` is computed: what ``SpectrumEngine`` needs to size its pool, compute
/// a matrix, and cache the result apart from every other method. A new kind of spectrum is a new
/// conforming type and a case of ``SpectrumKind``; the engine's queue, cache and events stay.
public protocol SpectrumMethod: Sendable {
    /// The kind this method computes.
    var kind: SpectrumKind { get }
    /// What the cache files of this method record (``SpectrumCache``): a version of the method and
    /// of anything the values depend on beyond the checkpoint, so a cache written by another
    /// method, version or statistics file is never served.
    var cacheTag: String { get }
    /// True when a spectrum needs its ``SpectrumValues/whitening`` (a cached spectrum without the
    /// record beside it is recomputed).
    var recordsWhitening: Bool { get }
    /// Floating-point operations of one spectrum of an m×n matrix (for the progress rate).
    func flops(rows: Int, columns: Int) -> Double
    /// Peak bytes of one spectrum of an m×n matrix (the engine runs only as many at once as fit).
    func bytes(rows: Int, columns: Int) -> Double
    /// The descending singular values of `source`, the matrix `tensorName`, polling
    /// `isCancelled` where the method can stop.
    ///
    /// - Throws: ``LinearAlgebraError/cancelled`` when stopped, ``SpectrumError`` for a problem
    ///   of the matrix or its inputs, or any other error (reported as the matrix's failure).
    func compute(_ source: MatrixSource, tensorName: String, isCancelled: @escaping () -> Bool) throws -> SpectrumValues
    /// A fast estimate of the `leading` largest singular values of `source` and its exact total
    /// energy (``SpectrumEstimate``), or nil when this kind has no estimate (then only the exact
    /// spectrum is computed). Estimates are never cached.
    func estimate(_ source: MatrixSource, leading: Int, tensorName: String,
                  isCancelled: @escaping () -> Bool) throws -> RandomizedSingularValues?
    /// True when ``estimate(_:leading:tensorName:isCancelled:)`` can give one.
    var estimates: Bool { get }
}

extension SpectrumMethod {
    /// No estimate: the exact spectrum only.
    public func estimate(_ source: MatrixSource, leading: Int, tensorName: String,
                         isCancelled: @escaping () -> Bool) throws -> RandomizedSingularValues? { nil }
    /// No estimate: the exact spectrum only.
    public var estimates: Bool { false }

    /// The leading values an estimate of an m×n matrix computes, nil when this method has no
    /// estimate or the exact spectrum is about as quick (``SpectrumEstimate``'s rule).
    public func estimateLeading(rows: Int, columns: Int) -> Int? {
        let leading = SpectrumEstimate.leadingCount(rows: rows, columns: columns)
        guard estimates, SpectrumEstimate.isWorthwhile(leading: leading, rows: rows, columns: columns,
                                                       exactFlops: flops(rows: rows, columns: columns)) else { return nil }
        return leading
    }
}

/// What a ``SpectrumMethod`` computes for one matrix.
public struct SpectrumValues: Sendable {
    /// Singular values in descending order.
    public let singularValues: [Double]
    /// What the matrix was whitened with, for data-aware spectra.
    public let whitening: WhiteningSummary?

    /// Values and, for data-aware spectra, their whitening.
    public init(singularValues: [Double], whitening: WhiteningSummary? = nil) {
        self.singularValues = singularValues
        self.whitening = whitening
    }
}
