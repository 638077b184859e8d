import Foundation

/// A cautious reading of a ``QualityPrediction`` for the quality allocator: each matrix's predicted
/// increase plus `standardErrors` of its probes' standard errors read off at the same choice
/// (``QualityPrediction/lossIncreaseStandardError(matrix:choice:)``), so a matrix whose probes
/// measured an increase no larger than their noise is not taken as free: cutting it costs what
/// the noise could hide. The standard error grows with the cut (it is read off like the
/// increase, 0 at full rank), so the cost still rises with the tail energy removed.
///
/// Why: on SmolLM2-135M (profile of 256 tokens, probes at 0.5 and 0.25, most probes within 2 SE
/// of 0) allocating for the plain prediction cut matrices whose probes read ~0 hardest; read
/// 2 standard errors up, the allocated plans measured 52.8 / 121.1 / 580 on held-out tokens at
/// 90 / 75 / 50% of the linear parameters against 59.9 / 174.9 / 1,153 (docs/evaluation.md).
public struct CautiousLoss: MatrixLossModel {
    /// The margin `plan` and the explorer allocate with unless told otherwise (`plan --noise-margin`).
    public static let defaultStandardErrors = 2.0

    /// The prediction read.
    public let prediction: QualityPrediction
    /// How many standard errors are added.
    public let standardErrors: Double

    /// `prediction` read `standardErrors` standard errors up.
    public init(_ prediction: QualityPrediction, standardErrors: Double) {
        self.prediction = prediction
        self.standardErrors = standardErrors
    }

    /// The prediction's loss, with the margin named: what the allocator's figures are in.
    public var lossDescription: String {
        prediction.lossDescription + " (read \(String(format: "%g", standardErrors)) probe standard errors up)"
    }

    /// The predicted increase (at least 0) plus ``standardErrors`` of its standard error (none: 0).
    public func lossIncrease(matrix: String, choice: LayerChoice) -> Double? {
        guard let increase = prediction.lossIncrease(matrix: matrix, choice: choice) else { return nil }
        return max(0, increase) + standardErrors * (prediction.lossIncreaseStandardError(matrix: matrix, choice: choice) ?? 0)
    }

    /// The prediction's combination rule.
    public func cost(ofIncrease increase: Double) -> Double { prediction.cost(ofIncrease: increase) }
    /// The prediction's combination rule.
    public func increase(ofCost cost: Double) -> Double { prediction.increase(ofCost: cost) }
}

extension QualityPrediction {
    /// What a size target is allocated for (`plan --sensitivity`, the explorer's budget panel):
    /// the ``allocationPrediction`` (the even windows of a profile that can be split, see
    /// cross-fitting in ``QualityPrediction``) read `noiseMargin` probe standard errors up
    /// (``CautiousLoss``), or as it is when the margin is 0 or the profile has no standard errors (version 1).
    public func allocationModel(noiseMargin: Double = CautiousLoss.defaultStandardErrors) -> any MatrixLossModel {
        let allocating = allocationPrediction
        return noiseMargin > 0 && profile.hasStandardErrors ? CautiousLoss(allocating, standardErrors: noiseMargin) : allocating
    }
}
