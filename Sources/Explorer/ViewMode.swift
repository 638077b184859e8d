/// What the right-hand pane shows.
public enum ViewMode: Int, CaseIterable, Hashable, Sendable {
    /// The selected layer's spectrum.
    case spectrum = 1
    /// Several spectra on one axis: the marked layers, else the selected role across depth.
    case overlay
    /// Block × role grid of the rank needed for an energy share.
    case heatmap
    /// The plan's size as dense low-rank versus sparse formats at the same parameter count.
    case sparseDense
    /// The background compression job.
    case jobs
    /// The selected matrix's empirical spectral density on log-log axes, with the power-law fit
    /// and the Marchenko–Pastur bulk edge.
    case esd

    /// The view after this one (wrapping around).
    public var next: ViewMode { ViewMode(rawValue: rawValue % ViewMode.allCases.count + 1)! }

    /// A short name for the status line and help.
    public var name: String {
        switch self {
        case .spectrum: return "spectrum"
        case .overlay: return "overlay"
        case .heatmap: return "heatmap"
        case .sparseDense: return "sparse vs dense"
        case .jobs: return "jobs"
        case .esd: return "log-log ESD"
        }
    }

    /// The energy shares the heatmap cycles through.
    public static let heatmapEnergies = [0.9, 0.99, 0.999]
}
