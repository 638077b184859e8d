import LinearAlgebra

/// The input statistics of one linear layer `y = W·x` (W is m×n, x has n channels), as read from
/// an activation-statistics file (layout in ``ActivationStatistics``).
public struct LayerInputStatistics: Sendable {
    /// The module name (`model.layers.0.mlp.up_proj`); the weight is `<module>.weight`.
    public let module: String
    /// The averaged second moment `X·Xᵀ / tokens` (n×n), when the file has it.
    public let secondMoment: Matrix?
    /// Its diagonal: the mean square of each input channel (n values), when the file has it.
    public let meanSquare: [Double]?
    /// How many input vectors (tokens) were averaged.
    public let tokens: Int

    /// Wraps statistics; at least one of `secondMoment` and `meanSquare` should be given.
    public init(module: String, secondMoment: Matrix?, meanSquare: [Double]?, tokens: Int) {
        self.module = module
        self.secondMoment = secondMoment
        self.meanSquare = meanSquare
        self.tokens = tokens
    }

    /// The input width n.
    public var columns: Int { secondMoment?.columns ?? meanSquare?.count ?? 0 }
}
