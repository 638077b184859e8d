import LinearAlgebra

/// All singular values of one matrix of a checkpoint, with the figures derived from them; or, when
/// ``exactness`` says so, a partial estimate completed to a full-length bound (see
/// ``SpectrumEstimate``), which is never cached and is replaced by the exact spectrum.
public struct Spectrum: Sendable {
    /// The tensor's name in the checkpoint.
    public let tensorName: String
    /// Singular values in descending order; `min(rows, columns)` of them. For an estimate, the
    /// leading ones are estimates (each ≤ the exact value) and the rest a flat completion of the
    /// exact remaining energy (``SpectrumEstimate/completedValues(leading:frobeniusNormSquared:fullCount:)``).
    public let singularValues: [Double]
    /// Exact, or an estimate of the leading values: every figure derived from an estimate
    /// (errors, energy ranks) is an upper bound on the exact one.
    public let exactness: SpectrumExactness
    /// Norms, ranks and break-even rank derived from the singular values.
    public let summary: SpectrumSummary
    /// `tailEnergy[k]` = Σ_{i ≥ k} σᵢ² (0-based): the squared error of the best rank-k
    /// approximation. Summed from the small end so small tails keep full precision.
    public let tailEnergy: [Double]

    /// Wraps descending singular values of an m×n matrix (exact unless `exactness` says otherwise).
    public init(tensorName: String, rows: Int, columns: Int, singularValues: [Double], exactness: SpectrumExactness = .exact) {
        self.tensorName = tensorName
        self.singularValues = singularValues
        self.exactness = exactness
        self.summary = SpectrumSummary(singularValues: singularValues, rows: rows, columns: columns)
        var tail = [Double](repeating: 0, count: singularValues.count + 1)
        for index in stride(from: singularValues.count - 1, through: 0, by: -1) {
            tail[index] = tail[index + 1] + singularValues[index] * singularValues[index]
        }
        self.tailEnergy = tail
    }

    /// The estimate an m×n matrix's randomized leading values give: ``SpectrumEstimate``'s
    /// completion, marked ``SpectrumExactness/estimate(leading:)``.
    public init(tensorName: String, rows: Int, columns: Int, estimate: RandomizedSingularValues) {
        self.init(tensorName: tensorName, rows: rows, columns: columns,
                  singularValues: SpectrumEstimate.completedValues(leading: estimate.leading,
                                                                   frobeniusNormSquared: estimate.frobeniusNormSquared,
                                                                   fullCount: estimate.fullCount),
                  exactness: .estimate(leading: estimate.leading.count))
    }

    /// True for a partial estimate (``exactness`` is not exact).
    public var isEstimate: Bool { exactness != .exact }

    /// Nil when the plan's figures can be computed from these values; otherwise the sentence
    /// fragment saying why not: a singular value that is not finite, or σ₁ so large (above about
    /// 1e154) that the squared errors the estimates add up overflow double precision.
    public var unusableEnergyReason: String? {
        if let bad = singularValues.first(where: { !$0.isFinite }) { return "has a singular value of \(bad), so no figure can be computed from its spectrum" }
        guard let total = tailEnergy.first, !total.isFinite else { return nil }
        return "has singular values up to \(singularValues.first ?? 0), whose squares overflow double precision, so its errors cannot be estimated; scale the weights down"
    }

    /// Relative Frobenius error ‖W − W_k‖_F / ‖W‖_F of the best rank-k approximation
    /// (Eckart–Young): √(Σ_{i>k} σᵢ² / Σ σᵢ²). Zero for a zero matrix.
    public func truncationError(rank k: Int) -> Double {
        guard let total = tailEnergy.first, total > 0 else { return 0 }
        let clamped = min(max(k, 0), singularValues.count)
        return (tailEnergy[clamped] / total).squareRoot()
    }

    /// The smallest rank whose truncation keeps `fraction` of the squared Frobenius norm.
    public func rank(keepingEnergy fraction: Double) -> Int {
        SpectrumSummary.rank(keeping: fraction, cumulative: SpectrumSummary.cumulativeEnergy(singularValues))
    }
}
