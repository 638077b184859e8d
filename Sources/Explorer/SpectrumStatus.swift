import Planning

/// Where one layer's spectrum stands.
public enum SpectrumStatus: Sendable {
    /// Still being computed (or queued).
    case pending
    /// Known.
    case ready(Spectrum)
    /// Could not be computed; the sentence says why.
    case failed(String)

    /// The spectrum when ready.
    public var spectrum: Spectrum? {
        if case .ready(let s) = self { return s }
        return nil
    }
}
