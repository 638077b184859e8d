/// What the user fixed about one compressible matrix before a budget allocation.
public enum LayerConstraint: Sendable, Equatable, Hashable {
    /// The allocator picks the rank, at least `floor`; it may also keep the matrix dense when
    /// its best rank reaches break-even.
    case free(floor: Int = 0)
    /// The user's choice stands as is.
    case locked(LayerChoice)
    /// Kept as stored.
    case excluded
}
