import Foundation
import Planning

extension PredictedQuality {
    /// The prediction on the original measured in this run (`eval --sensitivity`, `plan --measure`):
    /// a causal LM's combined increase and its noise added to the loss of `perplexity`, the
    /// original's measured here (the profile may have been measured on other tokens), so the figure
    /// and its ``figureRange(standardErrors:)`` move together; an encoder's (nil `perplexity`) as it is.
    func onMeasuredOriginal(perplexity: Double?) -> PredictedQuality {
        perplexity.map { onOriginalLoss(log($0)) } ?? self
    }

    /// The predicted figure in the metric's own terms: perplexity (causal LMs) or mean embedding cosine (encoders).
    var figure: Double? { perplexity ?? embeddingCosine }

    /// ``figureRange(standardErrors:)`` as the JSON reports' `[low, high]`, under the key of the
    /// metric's own terms: `perplexity_range` for a causal LM, nil for an encoder.
    var perplexityRange: [Double]? { metric == .nextTokenLoss ? figureRangePair : nil }

    /// The same for an encoder (`embedding_cosine_range`), nil for a causal LM.
    var embeddingCosineRange: [Double]? { metric == .nextTokenLoss ? nil : figureRangePair }

    private var figureRangePair: [Double]? { figureRange().map { [$0.lowerBound, $0.upperBound] } }
}
