/// The result of a ``BudgetAllocator`` run: a choice for every compressible matrix, the totals it
/// gives, and the uniform-rank plan at the same budget for comparison.
public struct Allocation: Sendable {
    /// The uniform-rank plan: every free matrix at rank ⌈f·min(m, n)⌉ (at least its floor; dense
    /// where that reaches break-even), f the largest fraction meeting a size target, or the smallest
    /// meeting an error target.
    public struct Uniform: Sendable {
        /// The rank fraction f.
        public let fraction: Double
        /// The uniform plan's choices by tensor name.
        public let choices: [String: LayerChoice]
        /// The uniform plan's totals.
        public let totals: PlanTotals
    }

    /// What an allocation and its uniform fallback share.
    struct Common {
        let target: BudgetTarget
        let objective: AllocationObjective
        let minimumRank: MinimumRank
        let multiplier: Double
        let fillMoves: Int
        let withoutSpectrum: [String]
        let uniform: Uniform?
        let uniformProxyError: Double?
    }

    /// What a ``MatrixLossModel`` predicts for an allocation made with it (each matrix's predicted
    /// Δloss as if alone, combined by the model's rule).
    public struct Prediction: Sendable {
        /// What the loss is ("next-token log-loss", "1 − embedding cosine").
        public let lossDescription: String
        /// The predicted Δloss of the returned choices.
        public let lossIncrease: Double
        /// The predicted Δloss of the uniform plan, nil without one.
        public let uniformLossIncrease: Double?
        /// Free matrices the model had a figure for (the others stand in by the proxy).
        public let modelledMatrices: Int
        /// Free matrices allocated.
        public let freeMatrices: Int

        /// The same prediction when the uniform plan is returned.
        func asUniform() -> Prediction {
            Prediction(lossDescription: lossDescription, lossIncrease: uniformLossIncrease ?? lossIncrease,
                       uniformLossIncrease: uniformLossIncrease, modelledMatrices: modelledMatrices, freeMatrices: freeMatrices)
        }
    }

    init(_ common: Common, choices: [String: LayerChoice], totals: PlanTotals, proxyError: Double,
         prediction: Prediction? = nil, isUniform: Bool) {
        self.prediction = prediction
        target = common.target
        objective = common.objective
        minimumRank = common.minimumRank
        multiplier = common.multiplier
        fillMoves = common.fillMoves
        withoutSpectrum = common.withoutSpectrum
        uniform = common.uniform
        uniformProxyError = common.uniformProxyError
        self.choices = choices
        self.totals = totals
        self.proxyError = proxyError
        self.isUniform = isUniform
    }

    /// The target met.
    public let target: BudgetTarget
    /// How the per-matrix errors were combined (``AllocationObjective/squaredError`` for an error target).
    public let objective: AllocationObjective
    /// The least rank every free matrix was given.
    public let minimumRank: MinimumRank
    /// The allocator's proxy √(Σ wᵢ·εᵢ²) for ``choices`` (``AllocationObjective``): what it
    /// minimised, a relative error in 0…1 (weight errors, or output errors with activation statistics).
    public let proxyError: Double
    /// The same proxy for the uniform plan, nil without one.
    public let uniformProxyError: Double?
    /// With a loss model: the predicted Δloss of this plan and of the uniform plan; nil without one.
    public let prediction: Prediction?
    /// Choices of every compressible matrix (free, locked and excluded), by tensor name.
    public let choices: [String: LayerChoice]
    /// Totals of the whole model under ``choices``.
    public let totals: PlanTotals
    /// The Lagrange multiplier λ of the water level: weighted squared error (``objective``) per cost
    /// unit, or, with a loss model, predicted Δloss per cost unit.
    public let multiplier: Double
    /// Moves made greedily after the water level: added to use the size budget left, or given back
    /// while an error target still holds. 0 means the plan is an exact Lagrangian point, hence
    /// optimal among all plans costing no more than it does (and cheapest among plans with no more error).
    public let fillMoves: Int
    /// Free matrices whose spectrum is not known yet: kept as stored (their error unknown) rather
    /// than allocated, in model order, so the caller can say which.
    public let withoutSpectrum: [String]
    /// The uniform-rank plan at the same target, nil when no uniform fraction meets it.
    public let uniform: Uniform?
    /// True when the uniform plan did better than the water-filling at this budget (a discrete
    /// effect of a rank or two) and was returned instead.
    public let isUniform: Bool

    /// The uniform plan's proxy error / the allocated proxy error (> 1 when the allocation is
    /// better), both in the allocator's proxy (``proxyError``, ``objective``), not a measured
    /// quality; nil without a uniform plan or when the allocation has no error.
    public var errorImprovement: Double? {
        guard let uniformProxyError, proxyError > 0 else { return nil }
        return uniformProxyError / proxyError
    }

    /// Uniform bytes / allocated bytes (> 1 when the allocation is smaller), nil without a uniform plan.
    public var sizeImprovement: Double? {
        guard let uniform, totals.model.bytesAfter > 0 else { return nil }
        return Double(uniform.totals.model.bytesAfter) / Double(totals.model.bytesAfter)
    }
}
