/// One spectrum to compute: a matrix of the checkpoint and the kind of its spectrum.
public struct SpectrumRequest: Sendable {
    /// The matrix.
    public let entry: CatalogEntry
    /// Which spectrum of it.
    public let kind: SpectrumKind

    /// The `kind` spectrum of `entry`.
    public init(_ entry: CatalogEntry, kind: SpectrumKind) {
        self.entry = entry
        self.kind = kind
    }
}
