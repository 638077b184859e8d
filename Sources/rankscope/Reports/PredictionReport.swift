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

        init(_ quality: PredictedQuality) {
            lossIncrease = quality.lossIncrease
            additiveLossIncrease = quality.additiveIncrease
            loss = quality.loss
            perplexity = quality.perplexity
            embeddingCosine = quality.embeddingCosine
            unpredicted = quality.unpredicted
        }
    }

    let profile: String
    let metric: String
    let originalLoss: Double
    let interaction: Double
    let plan: Figures
    let uniform: Figures?

    /// The prediction of `model` (read from `profilePath`) for the plan's `choices` and, when
    /// there is one, the uniform plan's.
    init(_ model: QualityPrediction, profilePath: String, choices: [String: LayerChoice], uniformChoices: [String: LayerChoice]?) {
        let quality = model.predict(choices)
        profile = profilePath
        metric = model.profile.metric.rawValue
        originalLoss = quality.originalLoss
        interaction = quality.combination.interaction
        plan = Figures(quality)
        uniform = uniformChoices.map { Figures(model.predict($0)) }
    }
}
