/// What the heatmap view shows per block × role (`A` cycles; the loss kinds need `--sensitivity`).
public enum HeatmapContent: Equatable, Sendable {
    /// The rank each matrix needs for an energy share (`E` cycles the share).
    case rank
    /// WeightWatcher's alpha of each matrix's spectrum.
    case alpha
    /// The loss increase the sensitivity profile predicts for each matrix at its current choice.
    case lossAtPlan
    /// The loss increase the profile estimates for each matrix at its lowest-rank probe, each
    /// probe shrunk toward its role by its noise in profiles without increases per window
    /// (``ProbeShrinkage``; a version-3 profile's as measured):
    /// how sensitive each matrix is, whatever the plan.
    case lossAtProbe
    /// The same probes as measured, before shrinkage (noisy probes may read 0 or below).
    case measuredLossAtProbe

    /// The content after this one; the loss kinds only when `withLoss`.
    func next(withLoss: Bool) -> HeatmapContent {
        switch self {
        case .rank: return .alpha
        case .alpha: return withLoss ? .lossAtPlan : .rank
        case .lossAtPlan: return .lossAtProbe
        case .lossAtProbe: return .measuredLossAtProbe
        case .measuredLossAtProbe: return .rank
        }
    }
}
