/// What one matrix's choice does to the whole model's quality: the seam between a measured
/// sensitivity profile (which predicts it) and the quality allocator and plan figures (which use it).
///
/// The loss is the model's own: mean next-token log-loss in nats for a causal LM, 1 − embedding
/// cosine to the original model for an encoder. A model-level prediction combines the per-matrix
/// increases by the implementation's rule, stated as an additive cost per matrix and a monotone map
/// from the total cost back to the model's increase (both the identity by default: addition).
public protocol MatrixLossModel: Sendable {
    /// What the loss is, for people ("next-token log-loss", "1 − embedding cosine").
    var lossDescription: String { get }
    /// The predicted growth of the model's loss (≥ 0) when only `matrix` takes `choice` and every
    /// other matrix stays as stored, or nil when the model has no figure for that matrix.
    func lossIncrease(matrix: String, choice: LayerChoice) -> Double?

    /// The additive cost of a matrix's increase under the combination rule.
    func cost(ofIncrease increase: Double) -> Double
    /// The model's predicted increase for a total of the matrices' costs (monotone).
    func increase(ofCost cost: Double) -> Double
}

extension MatrixLossModel {
    /// Addition: the increase itself.
    public func cost(ofIncrease increase: Double) -> Double { increase }
    /// Addition: the total itself.
    public func increase(ofCost cost: Double) -> Double { cost }
}
