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

    /// Plain spectra of the weights.
    static let weights = SpectraSource(statistics: nil, whitenings: [:])

    /// `"weights"` or `"data_aware"`.
    var kind: String { statistics == nil ? "weights" : "data_aware" }

    /// The `"whitening"` value of a matrix: `"cholesky"` or `"diagonal"`; nil for plain spectra.
    func whiteningKind(of name: String) -> String? { whitenings[name]?.kind.rawValue }

    /// The `"whitening_shift"` value of a matrix (λ); nil for plain spectra.
    func whiteningShift(of name: String) -> Double? { whitenings[name]?.shift }
}
