/// One spectrum to compute: a matrix of the checkpoint, the kind of its spectrum, and whether a
/// fast partial estimate should come first (or alone).
public struct SpectrumRequest: Sendable {
    /// What a run delivers for a request.
    public enum Stages: Sendable, Hashable {
        /// The exact spectrum only.
        case exact
        /// An estimate first (``SpectrumEngine/Event/estimated(_:)``, queued ahead of every exact
        /// spectrum of the run), then the exact spectrum that replaces it.
        case estimateThenExact
        /// The estimate alone (the exact spectrum when it is cached, or as quick to compute).
        case estimateOnly
    }

    /// The matrix.
    public let entry: CatalogEntry
    /// Which spectrum of it.
    public let kind: SpectrumKind
    /// Exact, estimate then exact, or estimate only. An estimate is made only where the kind's
    /// method has one and ``SpectrumEstimate``'s rule finds it worthwhile; otherwise the exact
    /// spectrum is computed instead.
    public let stages: Stages

    /// The `kind` spectrum of `entry`, in `stages`.
    public init(_ entry: CatalogEntry, kind: SpectrumKind, stages: Stages = .exact) {
        self.entry = entry
        self.kind = kind
        self.stages = stages
    }
}
