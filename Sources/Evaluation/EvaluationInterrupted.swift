/// An evaluation stopped on request between (or inside) its forward passes: how far it got, and
/// for perplexity the figure over the windows finished so far, which is a partial figure, not the
/// evaluation's result (other windows may be easier or harder).
public struct EvaluationInterrupted: Error, Equatable, Sendable {
    /// Windows (or sentences) finished before the stop.
    public let completed: Int
    /// Windows (or sentences) asked for.
    public let total: Int
    /// The perplexity over the `completed` windows alone; nil for embeddings or when none finished.
    public let partialPerplexity: Double?

    /// An interruption after `completed` of `total`.
    public init(completed: Int, total: Int, partialPerplexity: Double? = nil) {
        self.completed = completed
        self.total = total
        self.partialPerplexity = partialPerplexity
    }
}
