/// What one matrix's choice does to the whole model's quality: the seam between a measured
/// sensitivity profile (which predicts it) and the quality allocator and plan figures (which use it).
///
/// The loss is the model's own: mean next-token log-loss in nats for a causal LM, 1 − embedding
/// cosine to the original model for an encoder. A model-level prediction combines the per-matrix
/// increases (the combination rule is the implementation's to state and measure).
public protocol MatrixLossModel: Sendable {
    /// What the loss is, for people ("next-token log-loss", "1 − embedding cosine").
    var lossDescription: String { get }
    /// The predicted growth of the model's loss (≥ 0) when only `matrix` takes `choice` and every
    /// other matrix stays as stored, or nil when the model has no figure for that matrix.
    func lossIncrease(matrix: String, choice: LayerChoice) -> Double?
}
