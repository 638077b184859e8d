import Planning

/// `plan --json --sensitivity`'s `prediction`: what the profile predicts for the plan and for the
/// uniform plan at the same target (the JSON layout is in docs/planning.md; camelCase properties
/// are written as snake_case keys by ``JSONOutput``).
struct PredictionReport: Encodable {
    /// One plan's predicted quality.
    struct Figures: Encodable {
        let lossIncrease: Double
        let additiveLossIncrease: Double
        let loss: Double
        let perplexity: Double?
        let embeddingCosine: Double?
        let unpredicted: [String]
        /// Matrices cut below their smallest probed rank (figures extrapolated from the smallest probe as a fitted power of t, so less certain).
        let extrapolated: [String]
        /// The probe noise of `loss_increase` (absent for profiles without standard errors).
        let lossIncreaseStandardError: Double?
        /// `[low, high]` of ±2 standard errors in perplexity (causal LMs) or embedding cosine (encoders); absent when there is no noise figure.
        let perplexityRange: [Double]?
        let embeddingCosineRange: [Double]?
        /// Where a calibrated figure was measured (absent for the rule's).
        let calibration: CalibrationReport?

        init(_ quality: PredictedQuality) {
            lossIncrease = quality.lossIncrease
            additiveLossIncrease = quality.additiveIncrease
            loss = quality.loss
            perplexity = quality.perplexity
            embeddingCosine = quality.embeddingCosine
            unpredicted = quality.unpredicted
            extrapolated = quality.extrapolated
            lossIncreaseStandardError = quality.increaseStandardError
            perplexityRange = quality.perplexityRange
            embeddingCosineRange = quality.embeddingCosineRange
            calibration = quality.calibration.map(CalibrationReport.init)
        }
    }

    let profile: String
    let metric: String
    let originalLoss: Double
    /// The combination's calibration points `[added, combined, standard error]` (``Planning/LossCombination``); empty: addition.
    let combinationPoints: [[Double]]
    /// Whether the prediction reads half of the profile's windows and the allocator the other half.
    let crossFitted: Bool
    let plan: Figures
    let uniform: Figures?
    /// The plan and the uniform plan measured in company over `--calibration-text`, on that text's original.
    let calibratedPlan: Figures?
    let calibratedUniform: Figures?

    /// The prediction of `model` (read from `profilePath`) for the plan's `choices` and, when
    /// there is one, the uniform plan's; `calibrated` the measurements in company of the plan and
    /// the uniform plan, when made.
    init(_ model: QualityPrediction, profilePath: String, choices: [String: LayerChoice], uniformChoices: [String: LayerChoice]?,
         calibrated: (plan: PredictedQuality?, uniform: PredictedQuality?) = (nil, nil)) {
        let quality = model.predict(choices)
        profile = profilePath
        metric = model.profile.metric.rawValue
        originalLoss = quality.originalLoss
        combinationPoints = quality.combination.points.map { [$0.added, $0.combined, $0.standardError] }
        crossFitted = quality.crossFitted
        plan = Figures(quality)
        uniform = uniformChoices.map { Figures(model.predict($0)) }
        calibratedPlan = calibrated.plan.map(Figures.init)
        calibratedUniform = calibrated.uniform.map(Figures.init)
    }
}

/// Where a prediction measured in company was measured (`calibration` in `plan --json`'s
/// `calibrated_plan`, `calibrated_uniform` and `comparison` rows; ``Planning/PredictedQuality/Calibration``).
struct CalibrationReport: Encodable {
    /// The calibration text, as named.
    let text: String
    /// What the model ran over, e.g. `29 windows of 128 tokens`.
    let measuredOver: String
    let tokens: Int
    /// The rule's loss increase for the same plan (absent without a profile).
    let ruleLossIncrease: Double?

    init(_ calibration: PredictedQuality.Calibration) {
        text = calibration.text
        measuredOver = calibration.workload
        tokens = calibration.tokens
        ruleLossIncrease = calibration.ruleIncrease
    }
}
