/// Which spectra the explorer shows and estimates from: the weights' own, or the data-aware ones
/// of `W·S` computed from activation statistics (`--stats`, see Planning's `Whitening`). The
/// kind shown drives every figure: the spectrum chart and its markers, the table's r99 and
/// errors, the overlay, the heatmap, the totals and the budget allocation.
public enum SpectrumKind: Sendable, Equatable, CaseIterable {
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

    /// `spectrum: weights` or `spectrum: data-aware (output error)`, for the title bar.
    public var label: String {
        switch self {
        case .weights: return "spectrum: weights"
        case .dataAware: return "spectrum: data-aware (output error)"
        }
    }

    /// The other kind.
    public var other: SpectrumKind { self == .weights ? .dataAware : .weights }
}
