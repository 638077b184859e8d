import Planning

/// The explorer's words for a ``SpectrumKind`` and the `D` key's toggle between the two kinds.
extension SpectrumKind {
    /// `spectrum: weights` or `spectrum: data-aware (output error)`, for the title bar.
    public var label: String {
        switch self {
        case .weights: return "spectrum: weights"
        case .dataAware: return "spectrum: data-aware (output error)"
        }
    }

    /// `weights` or `data-aware`: the label where the title bar is too narrow for ``label``.
    public var shortLabel: String {
        switch self {
        case .weights: return "weights"
        case .dataAware: return "data-aware"
        }
    }

    /// The other kind.
    public var other: SpectrumKind { self == .weights ? .dataAware : .weights }
}
