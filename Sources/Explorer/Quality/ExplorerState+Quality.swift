import Foundation
import Planning

/// The model quality the sensitivity profile (`--sensitivity`) predicts for the current plan:
/// perplexity for a causal LM, embedding cosine to the original for an encoder, shown in the top
/// line and the budget panel and recomputed on every change (``Planning/QualityPrediction``,
/// whose combination rule is Planning's to choose).
extension ExplorerState {
    /// Predicts quality from `profile` from now on (checked against the checkpoint beforehand).
    public mutating func expectPredictions(from profile: SensitivityProfile) {
        sensitivity = profile
    }

    /// True when the profile was measured with data-aware truncation (`--stats`): its curves read
    /// the tail energies of the data-aware spectra.
    var profileIsDataAware: Bool { sensitivity?.settings.truncation == .dataAware }

    /// The spectra the prediction reads: of the kind the profile was measured with when the
    /// explorer has them (data-aware ones need `--stats`), else the plain ones.
    var predictionStatuses: [SpectrumStatus] {
        profileIsDataAware ? dataAwareStatuses ?? weightStatuses : weightStatuses
    }

    /// The profile's prediction over the spectra received so far (the loss model the budget
    /// panel allocates a size target for), nil without a profile.
    var qualityModel: QualityPrediction? {
        sensitivity.map { qualityMemo.prediction(profile: $0, statuses: predictionStatuses, dataAware: profileIsDataAware && dataAwareStatuses != nil) }
    }

    /// The prediction for the current settings, nil without a profile.
    public var predictedQuality: PredictedQuality? { predictedQuality(of: settings) }

    /// The prediction for `settings` (one per row), nil without a profile. Rows whose spectrum is
    /// not computed yet have no figure (``Planning/PredictedQuality/unpredicted``).
    public func predictedQuality(of settings: [LayerSetting]) -> PredictedQuality? {
        guard let prediction = qualityModel else { return nil }
        var choices: [String: LayerChoice] = [:]
        for (i, entry) in entries.enumerated() { choices[entry.info.name] = settings[i].effectiveChoice }
        return prediction.predict(choices)
    }
}

extension ExplorerFormat {
    /// The top line's figure: `ppl 88.6` or `cos 0.953`, with `+?` when some changed matrices have
    /// no figure (their increases are left out, so the true figure is likely worse), then in
    /// brackets what qualifies it (``qualityNotes(_:short:)``): `ppl 108 (60–210, 138 extrap)`.
    static func quality(_ quality: PredictedQuality) -> String {
        let notes = qualityNotes(quality, short: true)
        return qualityFigure(quality) + (notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")")
    }

    /// `ppl 88.6` or `cos 0.953`, `+?` as in ``quality(_:)``.
    static func qualityFigure(_ quality: PredictedQuality) -> String {
        let unknown = quality.unpredicted.isEmpty ? "" : "+?"
        if let perplexity = quality.perplexity { return "ppl " + perplexityFigure(perplexity) + unknown }
        return String(format: "cos %.3f", quality.embeddingCosine ?? .nan) + unknown
    }

    /// How far to trust a predicted figure, as `plan --sensitivity` says it: the range of ±2 of the
    /// probes' standard errors (``Planning/PredictedQuality/figureRange(standardErrors:)``) and how
    /// many matrices are cut below their smallest probed rank (extrapolated: the figure is less
    /// certain). `short` for the top line (`60–210`, `138 extrap`), else `±2 SE 60–210`,
    /// `138 extrapolated`. Empty when neither applies.
    static func qualityNotes(_ quality: PredictedQuality, short: Bool) -> [String] {
        var notes: [String] = []
        if let ends = qualityRange(quality) { notes.append((short ? "" : "±2 SE ") + ends) }
        if !quality.extrapolated.isEmpty { notes.append("\(quality.extrapolated.count) extrap" + (short ? "" : "olated")) }
        return notes
    }

    /// The range of ±2 of the probes' standard errors
    /// (``Planning/PredictedQuality/figureRange(standardErrors:)``) as `60–210` or `0.912–0.958`,
    /// nil without one.
    static func qualityRange(_ quality: PredictedQuality) -> String? {
        guard let range = quality.figureRange() else { return nil }
        return quality.perplexity != nil
            ? perplexityFigure(range.lowerBound) + "–" + perplexityFigure(range.upperBound)
            : String(format: "%.3f–%.3f", range.lowerBound, range.upperBound)
    }

    /// A perplexity in 3–4 significant figures (`20.7`, `193.9`, `39347`, `1.2e+07`).
    static func perplexityFigure(_ value: Double) -> String {
        guard value.isFinite else { return "∞" }
        if value < 100 { return String(format: "%.1f", value) }
        if value < 100_000 { return String(format: "%.0f", value) }
        return String(format: "%.2g", value)
    }
}
