import Planning

/// Where one layer's spectrum stands.
public enum SpectrumStatus: Sendable {
    /// Still being computed (or queued), nothing known yet.
    case pending
    /// Only a partial estimate is known (``Spectrum/isEstimate``); the exact spectrum is still
    /// being computed and replaces it. Shown marked `≈`; its errors are upper bounds.
    case estimated(Spectrum)
    /// Known exactly.
    case ready(Spectrum)
    /// Could not be computed; the sentence says why.
    case failed(String)

    /// The exact spectrum when ready (never an estimate: what charts, metrics and the budget read).
    public var spectrum: Spectrum? {
        if case .ready(let s) = self { return s }
        return nil
    }

    /// The exact spectrum, else the estimate: what the table's errors and the totals read.
    public var bestSpectrum: Spectrum? {
        switch self {
        case .ready(let s), .estimated(let s): return s
        case .pending, .failed: return nil
        }
    }

    /// True while only an estimate is known.
    public var isEstimate: Bool {
        if case .estimated = self { return true }
        return false
    }
}
