import Foundation
import Planning
import XCTest

/// A plan measured in company over a calibration text (``PredictedQuality/measuredInCompany(metric:originalLoss:lossIncrease:standardError:calibration:)``):
/// its figure, its range, how far the rule was off, and its increase carried onto another original.
final class CalibratedPredictionTests: XCTestCase {
    private let calibration = PredictedQuality.Calibration(text: "profile.txt", workload: "29 windows of 128 tokens", tokens: 3_712, ruleIncrease: 0.6)

    func testCausalFigureRangeAndRuleRatio() {
        let quality = PredictedQuality.measuredInCompany(metric: .nextTokenLoss, originalLoss: 3.0, lossIncrease: 0.7, standardError: 0.05,
                                                         calibration: calibration)
        XCTAssertEqual(quality.perplexity!, exp(3.7), accuracy: 1e-12)
        XCTAssertEqual(quality.figureRange()!.lowerBound, exp(3.6), accuracy: 1e-12)
        XCTAssertEqual(quality.figureRange()!.upperBound, exp(3.8), accuracy: 1e-12)
        XCTAssertEqual(quality.ruleRatio!, 0.7 / 0.6, accuracy: 1e-15)
        XCTAssertEqual(quality.calibration, calibration)
        XCTAssertTrue(quality.unpredicted.isEmpty && quality.extrapolated.isEmpty && !quality.crossFitted)

        // Carried onto the original measured over another text: the increase, its noise and where it was measured stay.
        let there = quality.onOriginalLoss(4.0)
        XCTAssertEqual(there.perplexity!, exp(4.7), accuracy: 1e-11)
        XCTAssertEqual(there.increaseStandardError, 0.05)
        XCTAssertEqual(there.calibration, calibration)
    }

    func testAnIncreaseWithinItsNoiseRangesFromTheOriginal() {
        let quality = PredictedQuality.measuredInCompany(metric: .nextTokenLoss, originalLoss: 3.0, lossIncrease: 0.04, standardError: 0.05,
                                                         calibration: calibration)
        XCTAssertEqual(quality.figureRange()!.lowerBound, exp(3.0), accuracy: 1e-12)
    }

    func testEncoderAndMissingRule() {
        let noRule = PredictedQuality.Calibration(text: "sentences.txt", workload: "16 sentences", tokens: 300, ruleIncrease: nil)
        let quality = PredictedQuality.measuredInCompany(metric: .oneMinusEmbeddingCosine, originalLoss: 0, lossIncrease: 0.08, standardError: nil,
                                                         calibration: noRule)
        XCTAssertEqual(quality.embeddingCosine!, 0.92, accuracy: 1e-15)
        XCTAssertNil(quality.perplexity)
        XCTAssertNil(quality.figureRange())
        XCTAssertNil(quality.ruleRatio)
        let zeroRule = PredictedQuality.Calibration(text: "t", workload: "w", tokens: 1, ruleIncrease: 0)
        XCTAssertNil(PredictedQuality.measuredInCompany(metric: .nextTokenLoss, originalLoss: 1, lossIncrease: 0.1, standardError: nil,
                                                        calibration: zeroRule).ruleRatio)
    }

    func testTheRulesOwnPredictionHasNoCalibration() {
        let rule = PredictedQuality(metric: .nextTokenLoss, originalLoss: 3, lossIncrease: 0.6, unpredicted: [])
        XCTAssertNil(rule.calibration)
        XCTAssertNil(rule.ruleRatio)
    }
}
