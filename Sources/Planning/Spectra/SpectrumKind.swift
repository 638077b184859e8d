/// What a spectrum is of: the weights' own singular values, or the data-aware ones of `W·S`
/// computed from activation statistics (see ``Whitening``). ``SpectrumEngine`` computes any kind
/// through the kind's ``SpectrumMethod``; the explorer shows one kind at a time, and every figure
/// (chart, errors, totals, allocation) follows the kind shown.
public enum SpectrumKind: Sendable, Hashable, CaseIterable {
    /// Singular values of `W`: errors are relative weight errors ‖W − Ŵ‖/‖W‖.
    case weights
    /// Singular values of `W·S`: errors are relative output errors ‖(W − Ŵ)·X‖/‖W·X‖.
    case dataAware

    /// `weights` or `data-aware`, for titles.
    public var name: String {
        switch self {
        case .weights: return "weights"
        case .dataAware: return "data-aware"
        }
    }

    /// What the kind's errors measure: `weight error` or `output error`.
    public var errorName: String {
        switch self {
        case .weights: return "weight error"
        case .dataAware: return "output error"
        }
    }
}
