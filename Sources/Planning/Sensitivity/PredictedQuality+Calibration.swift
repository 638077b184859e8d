import Foundation

extension PredictedQuality {
    /// A whole plan measured in company over a calibration text (`plan --calibration-text`): all
    /// its matrices truncated at once, as `compress` writes them, so none of the rule's
    /// assumptions (each matrix's probe read off its curve, increases combined through the joint
    /// probes) stands between the plan and its figure. What remains between this figure and
    /// another text is the texts' difference and the calibration text's own spread between
    /// windows (the standard error).
    public struct Calibration: Sendable, Equatable {
        /// The calibration text, as named.
        public let text: String
        /// What the model ran over, for people: `29 windows of 128 tokens`, `40 sentences`.
        public let workload: String
        /// The tokens scored.
        public let tokens: Int
        /// What the rule (``QualityPrediction/predict(_:)``) predicted for the same plan: its loss
        /// increase (nil without a profile, or when the profile cannot predict this plan).
        public let ruleIncrease: Double?

        public init(text: String, workload: String, tokens: Int, ruleIncrease: Double?) {
            self.text = text
            self.workload = workload
            self.tokens = tokens
            self.ruleIncrease = ruleIncrease
        }
    }

    /// A plan measured in company over a calibration text (``Calibration``): `lossIncrease` (a
    /// causal LM's mean increase of the windows' log-loss, an encoder's 1 − mean embedding cosine)
    /// with its `standardError` between windows or sentences (nil when unknown), on
    /// `originalLoss`, the original measured over the same text (0 for an encoder). Reading it on
    /// another original (``onOriginalLoss(_:)``) carries the increase over, as the rule's is.
    public static func measuredInCompany(metric: SensitivityProfile.Metric, originalLoss: Double, lossIncrease: Double, standardError: Double?,
                                         calibration: Calibration) -> PredictedQuality {
        PredictedQuality(metric: metric, originalLoss: originalLoss, lossIncrease: lossIncrease, unpredicted: [],
                         increaseStandardError: standardError, calibration: calibration)
    }

    /// How far the rule was off the measurement in company: the measured increase ÷ the rule's;
    /// nil for the rule's own prediction, or without a rule's figure above 0.
    public var ruleRatio: Double? {
        guard let rule = calibration?.ruleIncrease, rule > 0 else { return nil }
        return lossIncrease / rule
    }
}
