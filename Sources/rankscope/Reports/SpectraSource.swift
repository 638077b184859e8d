import Planning

/// Which spectra a run computed, as `spectra --json` and `plan --json` state it: the weights' own
/// (`"spectrum_kind": "weights"`) or data-aware ones of `W·S` (`"data_aware"`), with the
/// statistics file they were whitened by and, per matrix, how (see ``WhiteningSummary``).
struct SpectraSource {
    /// The `"statistics"` object of a data-aware report.
    struct Statistics: Encodable {
        /// The statistics file as given on the command line.
        let path: String
        /// ``ActivationStatistics/fingerprint``: size, modification time, inode and header hash.
        let fingerprint: String
    }

    /// The statistics, nil for plain spectra.
    let statistics: Statistics?
    /// What each delivered data-aware spectrum was whitened with, by tensor name.
    let whitenings: [String: WhiteningSummary]
    /// The matrices of a data-aware run that the statistics do not cover and that use their
    /// weight spectrum instead (`plan --stats`), in model order.
    var weightFallbacks: [String] = []
    /// The matrices whose spectrum is a partial estimate (`plan --estimate`): their errors are
    /// upper bounds.
    var estimated: Set<String> = []

    /// Plain spectra of the weights.
    static let weights = SpectraSource(statistics: nil, whitenings: [:])

    /// `"weights"` or `"data_aware"`.
    var kind: String { statistics == nil ? "weights" : "data_aware" }

    /// The kind of spectrum one matrix's row uses, `"weights"` or `"data_aware"`; nil when
    /// `hasSpectrum` is false (no figure of the run needed one).
    func kind(of name: String, hasSpectrum: Bool) -> String? {
        guard hasSpectrum else { return nil }
        return whitenings[name] == nil ? "weights" : "data_aware"
    }

    /// The `"whitening"` value of a matrix: `"cholesky"` or `"diagonal"`; nil for plain spectra.
    func whiteningKind(of name: String) -> String? { whitenings[name]?.kind.rawValue }

    /// The `"whitening_shift"` value of a matrix (λ); nil for plain spectra.
    func whiteningShift(of name: String) -> Double? { whitenings[name]?.shift }
}
