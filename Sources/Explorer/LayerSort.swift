/// The orders the layer browser offers (`s` cycles, `S` reverses). Groups follow the same key:
/// by block for names, by their total or largest member otherwise.
public enum LayerSort: Int, CaseIterable, Sendable {
    /// Natural order of tensor names (`layers.2` before `layers.10`).
    case name
    /// Bytes after, largest first.
    case size
    /// Parameters after, largest first.
    case parameters
    /// Estimated relative error, largest first.
    case error
    /// Rank keeping 99% of the energy, largest first.
    case energyRank
    /// WeightWatcher's alpha of the shown spectrum, largest (most random-like) first.
    case alpha

    /// The word the status line and table title show.
    public var label: String {
        switch self {
        case .name: return "name"
        case .size: return "size"
        case .parameters: return "params"
        case .error: return "error"
        case .energyRank: return "r99"
        case .alpha: return "alpha"
        }
    }

    /// The next order in the cycle.
    public var next: LayerSort { LayerSort(rawValue: (rawValue + 1) % LayerSort.allCases.count)! }
}
