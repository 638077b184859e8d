/// What a rule or override does with the matrices it names. Of several matching rules the
/// last one that sets an action wins (and an override beats every rule).
public enum PlanAction: Sendable, Equatable, Hashable {
    /// Factorize at this rank (`"rank": 64`, `{"fraction": 0.25}`, `{"energy": 0.99}`).
    case rank(RankRule)
    /// Keep the matrix dense (`"keep_dense": true`), quantized when `dense_bits` is set; binds the allocator.
    case keepDense
    /// Leave the matrix as stored and out of any allocation (`"exclude": true`).
    case exclude
}
