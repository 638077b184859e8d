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

    /// The target met.
    public let target: BudgetTarget
    /// Choices of every compressible matrix (free, locked and excluded), by tensor name.
    public let choices: [String: LayerChoice]
    /// Totals of the whole model under ``choices``.
    public let totals: PlanTotals
    /// The Lagrange multiplier λ (squared error per cost unit) of the water level.
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

    /// Uniform relative error / allocated relative error (> 1 when the allocation is better),
    /// nil without a uniform plan or when the allocation has no error.
    public var errorImprovement: Double? {
        guard let uniform, totals.model.relativeError > 0 else { return nil }
        return uniform.totals.model.relativeError / totals.model.relativeError
    }

    /// Uniform bytes / allocated bytes (> 1 when the allocation is smaller), nil without a uniform plan.
    public var sizeImprovement: Double? {
        guard let uniform, totals.model.bytesAfter > 0 else { return nil }
        return Double(uniform.totals.model.bytesAfter) / Double(totals.model.bytesAfter)
    }
}
