/// What a matrix's heavy-tailed metrics suggest to someone choosing its rank or bits: the mark
/// `plan` and the explorer put beside it. The rule, in order (the first that applies):
///
/// 1. ``unreliable`` — the power-law fit failed, or its KS distance D exceeds the 5% critical
///    value 1.358/√n over its n tail eigenvalues (``SpectralWarning/poorFit``): α says nothing
///    here, so no rank choice should lean on it.
/// 2. ``heavyTail`` — α < 2 (WeightWatcher's over-trained threshold): the layer's correlations are
///    concentrated in a very heavy tail; layer-wise schemes that use α (AlphaPruning, Lu et al.
///    2024) compress such layers least. Measured on all-MiniLM-L6-v2's data-aware sensitivity
///    profile (docs/spectra.md), these matrices were *less* sensitive to truncation than the
///    others (median loss increase 10× smaller at rank ½), so the mark is a description, not a
///    reason to keep rank.
/// 3. ``mostlyNoise`` — at most 1% of the M eigenvalues (at least one) lie above the
///    Marchenko–Pastur bulk edge with its Tracy–Widom margin (`num_spikes`): apart from a few
///    spikes the spectrum looks like a random matrix's, so a low rank keeps the signal, although
///    the weight error looks large because the random bulk holds most of ‖W‖_F².
///
/// Otherwise ``none``. α > 6 (under-trained) is not a caution of its own: such layers are
/// already near-random, the cheap case.
public enum SpectralCaution: String, Sendable, Codable, CaseIterable {
    /// Nothing to say.
    case none = ""
    /// The power-law fit failed or is poor.
    case unreliable = "poor-fit"
    /// α < 2.
    case heavyTail = "heavy-tail"
    /// At most 1% of the eigenvalues above the MP bulk.
    case mostlyNoise = "mostly-noise"

    /// The largest share of eigenvalues above the bulk that still counts as mostly noise.
    public static let noiseSpikeShare = 0.01

    /// The caution the metrics call for.
    public init(metrics: SpectralMetrics) {
        if metrics.powerLaw == nil || metrics.warning == .poorFit {
            self = .unreliable
        } else if metrics.alpha < SpectralWarning.overTrainedAlpha {
            self = .heavyTail
        } else if metrics.spikeCount >= 0,
                  Double(metrics.spikeCount) <= max(1, SpectralCaution.noiseSpikeShare * Double(metrics.eigenvalueCount)) {
            self = .mostlyNoise
        } else {
            self = .none
        }
    }

    /// One line saying what the mark means, for legends and help.
    public var explanation: String {
        switch self {
        case .none: return ""
        case .unreliable: return "power-law fit failed or poor (KS D > 1.358/√n): do not read α"
        case .heavyTail: return "α < 2: very heavy tail (does not predict sensitivity, see docs/spectra.md)"
        case .mostlyNoise: return "≤ 1% of eigenvalues above the MP bulk: mostly noise (sensitivity not measured)"
        }
    }
}
