import Planning

/// `plan --json --sensitivity`'s `prediction`: what the profile predicts for the plan and for the
/// uniform plan at the same target (the JSON layout is in docs/planning.md).
struct PredictionReport: Encodable {
    /// One plan's predicted quality.
    struct Figures: Encodable {
        let loss_increase: Double
        let additive_loss_increase: Double
        let loss: Double
        let perplexity: Double?
        let embedding_cosine: Double?
        let unpredicted: [String]

        init(_ quality: PredictedQuality) {
            loss_increase = quality.lossIncrease
            additive_loss_increase = quality.additiveIncrease
            loss = quality.loss
            perplexity = quality.perplexity
            embedding_cosine = quality.embeddingCosine
            unpredicted = quality.unpredicted
        }
    }

    let profile: String
    let metric: String
    let original_loss: Double
    let interaction: Double
    let plan: Figures
    let uniform: Figures?

    /// The prediction of `model` (read from `profilePath`) for the plan's `choices` and, when
    /// there is one, the uniform plan's.
    init(_ model: QualityPrediction, profilePath: String, choices: [String: LayerChoice], uniformChoices: [String: LayerChoice]?) {
        let quality = model.predict(choices)
        profile = profilePath
        metric = model.profile.metric.rawValue
        original_loss = quality.originalLoss
        interaction = quality.combination.interaction
        plan = Figures(quality)
        uniform = uniformChoices.map { Figures(model.predict($0)) }
    }
}
