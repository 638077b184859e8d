/// What a matrix's heavy-tailed metrics warn about, with the thresholds stated.
///
/// - ``underTrained``: α > 6 (WeightWatcher's `UNDER_TRAINED_THRESH`): the tail is so light the
///   spectrum is close to a random matrix's.
/// - ``overTrained``: α < 2 (its `OVER_TRAINED_THRESH`), including a failed fit, which
///   WeightWatcher reports as α = −1: the tail is heavier than well-trained layers' (2 ≤ α ≤ 6),
///   the "over-fit" regime.
/// - ``poorFit``: the power law does not describe the tail: its KS distance D exceeds the 5%
///   critical value 1.358/√n of the Kolmogorov–Smirnov test for the n tail eigenvalues
///   (`num_pl_spikes`), so α should not be read at all. This one is rankscope's: WeightWatcher
///   leaves its `warning` column empty there.
///
/// The alpha rules come first, as in WeightWatcher's `warning` column, which ``weightWatcherText``
/// reproduces exactly.
public enum SpectralWarning: String, Sendable, Codable, CaseIterable {
    /// No warning.
    case none = ""
    /// α > 6.
    case underTrained = "under-trained"
    /// α < 2.
    case overTrained = "over-trained"
    /// D > 1.358/√n.
    case poorFit = "poor-fit"

    /// α below this is over-trained (WeightWatcher's threshold).
    public static let overTrainedAlpha = 2.0
    /// α above this is under-trained (WeightWatcher's threshold).
    public static let underTrainedAlpha = 6.0
    /// The KS critical value's coefficient at the 5% level (c(α) = √(−ln(0.025)/2) ≈ 1.358).
    public static let ksCriticalCoefficient = 1.358

    /// The warning for a fit with exponent `alpha`, KS distance `ksDistance` over `tailCount`
    /// eigenvalues (`alpha` = −1 when the fit failed).
    public init(alpha: Double, ksDistance: Double, tailCount: Int) {
        if alpha < SpectralWarning.overTrainedAlpha {
            self = .overTrained
        } else if alpha > SpectralWarning.underTrainedAlpha {
            self = .underTrained
        } else if tailCount > 0, ksDistance > SpectralWarning.ksCriticalCoefficient / Double(tailCount).squareRoot() {
            self = .poorFit
        } else {
            self = .none
        }
    }

    /// The text of WeightWatcher's `warning` column: empty for ``none`` and ``poorFit``.
    public var weightWatcherText: String { self == .poorFit ? "" : rawValue }
}
