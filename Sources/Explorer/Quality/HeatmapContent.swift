/// What the heatmap view shows per block × role (`A` cycles; the loss kinds need `--sensitivity`).
public enum HeatmapContent: Equatable, Sendable {
    /// The rank each matrix needs for an energy share (`E` cycles the share).
    case rank
    /// WeightWatcher's alpha of each matrix's spectrum.
    case alpha
    /// The loss increase the sensitivity profile predicts for each matrix at its current choice.
    case lossAtPlan
    /// The loss increase the profile measured for each matrix at its lowest-rank probe: how
    /// sensitive each matrix is, whatever the plan.
    case lossAtProbe

    /// The content after this one; the loss kinds only when `withLoss`.
    func next(withLoss: Bool) -> HeatmapContent {
        switch self {
        case .rank: return .alpha
        case .alpha: return withLoss ? .lossAtPlan : .rank
        case .lossAtPlan: return .lossAtProbe
        case .lossAtProbe: return .rank
        }
    }
}
