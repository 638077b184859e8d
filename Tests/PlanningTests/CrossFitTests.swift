import Foundation
import Planning
import XCTest

/// Version-3 profiles record each probe's increase per window: standard errors between whole
/// windows, the split into independent halves (``SensitivityProfile/half(_:)``), and the
/// cross-fitted prediction (allocator on the even windows, prediction on the odd ones), on
/// synthetic windows whose every figure is known.
final class CrossFitTests: XCTestCase {
    func testStandardErrorsAreTakenBetweenWholeWindows() throws {
        // Windows of 2 and 2 items: sums 4 and 8; Δ = 3, SE² = 2/1 · ((4 − 6)² + (8 − 6)²) / 4² = 1.
        let estimate = PairedStandardError.estimate([[1, 3], [2, 6]])
        XCTAssertEqual(try XCTUnwrap(estimate.standardError), 1, accuracy: 1e-12)
        XCTAssertNil(PairedStandardError.estimate([[1, 2, 3, 4]]).standardError, "one window: no error")
        // Means of independent values: sd/√n, sd of (1, 2, 3, 6) = √(14/3).
        XCTAssertEqual(try XCTUnwrap(PairedStandardError.ofMean([1, 2, 3, 6])), (14.0 / 3).squareRoot() / 2, accuracy: 1e-12)
        XCTAssertNil(PairedStandardError.ofMean([1]))
    }

    /// One 4×4 matrix, σ = (1, 1, 1, 1) (t(2) = 1/2), probed at rank 2 over 8 windows; a joint probe at 0.5.
    func profile(windows: [Double]?, joint: [Double]? = nil) -> SensitivityProfile {
        let settings = SensitivityProfile.Settings(checkpoint: "m", text: "t", seqLen: 8, maxTokens: 64, tokens: 64, statistics: nil,
                                                   truncation: .svd, rankFractions: [0.5], bits: [], key: "k")
        let mean = windows.map { $0.reduce(0, +) / Double($0.count) } ?? 0.3
        let point = SensitivityProfile.Point(rank: 2, factorBits: 16, tailEnergy: 0.5, loss: 2 + mean, lossIncrease: mean,
                                             lossIncreaseStandardError: windows.flatMap(PairedStandardError.ofMean), lossIncreaseWindows: windows)
        let jointMean = joint.map { $0.reduce(0, +) / Double($0.count) } ?? 0.3
        return SensitivityProfile(metric: .nextTokenLoss, originalLoss: 2, seconds: 1, settings: settings, unused: [],
                                  matrices: [.init(name: "a.weight", rows: 4, columns: 4, points: [point])],
                                  joint: [.init(rankFraction: 0.5, factorBits: 16, loss: 2 + jointMean, lossIncrease: jointMean, lossIncreaseWindows: joint)])
    }

    func testHalvesTakeTheEvenAndTheOddWindows() throws {
        let measured = profile(windows: [0, 0.4, 0.1, 0.5, 0, 0.6, 0.1, 0.3], joint: [1, 2, 1, 2, 1, 2, 1, 2])
        XCTAssertTrue(measured.isSplittable)
        let even = try XCTUnwrap(measured.half(.even)), odd = try XCTUnwrap(measured.half(.odd))
        XCTAssertEqual(even.matrices[0].points[0].lossIncrease, 0.05, accuracy: 1e-12)
        XCTAssertEqual(odd.matrices[0].points[0].lossIncrease, 0.45, accuracy: 1e-12)
        XCTAssertEqual(odd.matrices[0].points[0].loss, 2.45, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(odd.matrices[0].points[0].lossIncreaseStandardError), try XCTUnwrap(PairedStandardError.ofMean([0.4, 0.5, 0.6, 0.3])), accuracy: 1e-12)
        XCTAssertEqual(odd.matrices[0].points[0].lossIncreaseWindows, [0.4, 0.5, 0.6, 0.3])
        XCTAssertEqual(try XCTUnwrap(even.joint?.first).lossIncrease, 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(odd.joint?.first).lossIncrease, 2, accuracy: 1e-12)
        // Without windows (version 2), or with fewer than 2 a half, a profile is not split.
        XCTAssertFalse(profile(windows: nil).isSplittable)
        XCTAssertNil(profile(windows: nil).half(.odd))
        XCTAssertFalse(profile(windows: [0.1, 0.2, 0.3], joint: [1, 1, 1]).isSplittable)
        XCTAssertFalse(profile(windows: [0.1, 0.2, 0.3, 0.4], joint: nil).isSplittable, "a joint probe without windows")
    }

    /// The allocator reads the even windows (which read a cut as nearly free), the prediction the
    /// odd ones, and the combination is calibrated by the joint probe over all windows.
    func testTheAllocatorAndThePredictionReadIndependentHalves() throws {
        let measured = profile(windows: [0, 0.4, 0.1, 0.5, 0, 0.6, 0.1, 0.3], joint: [0.2, 0.2, 0.2, 0.2, 0.4, 0.4, 0.4, 0.4])
        let prediction = QualityPrediction(profile: measured, singularValues: ["a.weight": [1, 1, 1, 1]])
        let cut: [String: LayerChoice] = ["a.weight": .lowRank(rank: 2)]
        XCTAssertEqual(try XCTUnwrap(prediction.allocationPrediction.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2))), 0.05, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2))), 0.45, accuracy: 1e-12)
        let quality = prediction.predict(cut)
        XCTAssertTrue(quality.crossFitted)
        XCTAssertEqual(quality.additiveIncrease, 0.45, accuracy: 1e-12)
        XCTAssertEqual(quality.lossIncrease, 0.3, accuracy: 1e-12, "the joint probe over all 8 windows")
        // The probes' noise scaled by the combination's ratio 0.3/0.45 (this joint probe has no standard error).
        XCTAssertEqual(try XCTUnwrap(quality.increaseStandardError), 0.3 / 0.45 * (try XCTUnwrap(PairedStandardError.ofMean([0.4, 0.5, 0.6, 0.3]))), accuracy: 1e-12)
        // The allocator's cautious reading is the even half's, two of its standard errors up.
        let cautious = try XCTUnwrap(prediction.allocationModel() as? CautiousLoss)
        XCTAssertEqual(try XCTUnwrap(cautious.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2))),
                       0.05 + 2 * (try XCTUnwrap(PairedStandardError.ofMean([0, 0.1, 0, 0.1]))), accuracy: 1e-12)
        // A profile without windows is read whole by both.
        let whole = QualityPrediction(profile: profile(windows: nil), singularValues: ["a.weight": [1, 1, 1, 1]])
        XCTAssertFalse(whole.predict(cut).crossFitted)
        XCTAssertEqual(whole.allocationPrediction.predictedFrom, whole.predictedFrom)
    }

    /// Two matrices of one role whose probes disagree beyond their noise would be pulled toward
    /// each other by ``ProbeShrinkage``; with increases per window they are read as measured.
    func testProbesWithWindowsAreReadAsMeasured() {
        func point(_ increase: Double, windows: [Double]?) -> SensitivityProfile.Point {
            .init(rank: 2, factorBits: 16, tailEnergy: 0.5, loss: 2 + increase, lossIncrease: increase, lossIncreaseStandardError: 0.1, lossIncreaseWindows: windows)
        }
        let settings = SensitivityProfile.Settings(checkpoint: "m", text: "t", seqLen: 8, maxTokens: 64, tokens: 64, statistics: nil,
                                                   truncation: .svd, rankFractions: [0.5], bits: [], key: "k")
        func profile(windowed: Bool) -> SensitivityProfile {
            SensitivityProfile(metric: .nextTokenLoss, originalLoss: 2, seconds: 1, settings: settings, unused: [], matrices: [
                .init(name: "l.0.q.weight", rows: 4, columns: 4, points: [point(0.1, windows: windowed ? [0, 0.2, 0, 0.2] : nil)]),
                .init(name: "l.1.q.weight", rows: 4, columns: 4, points: [point(0.3, windows: windowed ? [0.2, 0.4, 0.2, 0.4] : nil)]),
            ])
        }
        XCTAssertTrue(ProbeShrinkage.applies(to: profile(windowed: false)))
        XCTAssertNotEqual(ProbeShrinkage.increases(of: profile(windowed: false))["l.0.q.weight"]![0], 0.1, accuracy: 1e-3, "shrunk toward 0.2")
        XCTAssertFalse(ProbeShrinkage.applies(to: profile(windowed: true)))
        XCTAssertEqual(ProbeShrinkage.increases(of: profile(windowed: true))["l.0.q.weight"]![0], 0.1)
        XCTAssertEqual(ProbeShrinkage.increases(of: profile(windowed: true))["l.1.q.weight"]![0], 0.3)
    }
}
