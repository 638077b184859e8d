/// Whether a ``Spectrum`` is the exact one or a fast partial estimate. The type carries it so that
/// nothing (the cache, the CLI's tables, the explorer's metrics) takes an estimate for exact.
public enum SpectrumExactness: Sendable, Hashable {
    /// Every singular value, exact to rounding (``GramSpectrumMethod``, ``WhitenedSpectrumMethod``).
    case exact
    /// The `leading` values estimated by a randomized range finder (each a lower bound) plus the
    /// exact total energy; see ``SpectrumEstimate`` for what the figures derived from it bound.
    case estimate(leading: Int)
}
