/// How a rank is stated before it becomes an exact number for one matrix.
public enum RankRule: Sendable, Equatable, Hashable {
    /// Exactly k (0 ≤ k ≤ min(m, n)).
    case exact(Int)
    /// The fraction f ∈ [0, 1] of the full rank s = min(m, n): k = ⌈f·s⌉ (rounded up, so any
    /// positive fraction keeps at least one component; f·s within 1e-9 of an integer counts as that integer).
    case fraction(Double)
    /// The smallest k whose truncation keeps the fraction e ∈ [0, 1] of Σσᵢ² (``Spectrum/rank(keepingEnergy:)``).
    case energy(Double)

    /// The exact rank for a rows×columns matrix named `tensor`; `spectrum` is needed only for ``energy(_:)``.
    public func rank(tensor: String, rows: Int, columns: Int, spectrum: Spectrum?) throws -> Int {
        let fullRank = min(rows, columns)
        switch self {
        case .exact(let k):
            if k < 0 { throw PlanError.negativeRank(tensor: tensor, rank: k) }
            if k > fullRank { throw PlanError.rankAboveFullRank(tensor: tensor, rank: k, fullRank: fullRank) }
            return k
        case .fraction(let f):
            guard f >= 0, f <= 1 else { throw PlanError.fractionOutOfRange(tensor: tensor, fraction: f) }
            let exact = f * Double(fullRank)
            let nearest = exact.rounded()
            let k = abs(exact - nearest) < 1e-9 ? Int(nearest) : Int(exact.rounded(.up))
            return min(k, fullRank)
        case .energy(let e):
            guard e >= 0, e <= 1 else { throw PlanError.fractionOutOfRange(tensor: tensor, fraction: e) }
            guard let spectrum else { throw PlanError.spectrumMissing(tensor: tensor) }
            if e == 0 { return 0 }
            return min(spectrum.rank(keepingEnergy: e), fullRank)
        }
    }
}
