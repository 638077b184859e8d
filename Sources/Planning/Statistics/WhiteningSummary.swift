/// What a data-aware spectrum was whitened with, for reports: the kind of `S` (see ``Whitening``)
/// and the regularising shift `λ` added to the statistics' diagonal.
public struct WhiteningSummary: Sendable, Equatable {
    /// Which statistics `S` came from.
    public enum Kind: String, Sendable, CaseIterable {
        /// The Cholesky factor of the full second moment `X·Xᵀ/tokens (+ λ·I)`: exact output errors.
        case cholesky
        /// `diag(√(mean_square + λ))` from the per-channel mean squares only: estimated output errors.
        case diagonal
    }

    /// Which statistics `S` came from.
    public let kind: Kind
    /// The `λ` added to the diagonal of the statistics; 0 when none was needed.
    public let shift: Double

    /// A summary of `kind` with shift `shift`.
    public init(kind: Kind, shift: Double) {
        self.kind = kind
        self.shift = shift
    }
}

extension Whitening {
    /// The kind and shift of this whitening, for reports.
    public var summary: WhiteningSummary {
        switch self {
        case .cholesky(let factor): return WhiteningSummary(kind: .cholesky, shift: factor.shift)
        case .diagonal(_, let shift): return WhiteningSummary(kind: .diagonal, shift: shift)
        }
    }
}
