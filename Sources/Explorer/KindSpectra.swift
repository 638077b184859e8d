import Planning

/// The explorer's spectra of one ``SpectrumKind``: a status per row and how many of them the
/// feed has finished. ``ExplorerState`` keeps one per kind it expects, so every kind arrives,
/// is counted and is looked up the same way.
public struct KindSpectra: Sendable {
    /// Status per row, in row order.
    public internal(set) var statuses: [SpectrumStatus]
    /// Spectra done (computed, cached or failed).
    public internal(set) var completed = 0
    /// Spectra requested.
    public internal(set) var total: Int

    /// Every one of `count` rows pending.
    init(count: Int) {
        statuses = Array(repeating: .pending, count: count)
        total = count
    }

    /// True when every spectrum is done.
    public var isDone: Bool { completed >= total }

    /// Records that `completed` of `total` are done (the count never goes back: events of
    /// several workers may arrive out of order).
    mutating func advance(to completed: Int, of total: Int) {
        self.completed = min(max(self.completed, completed), total)
        self.total = total
    }
}
