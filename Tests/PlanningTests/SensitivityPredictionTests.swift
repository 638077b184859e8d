import Foundation
import Planning
import XCTest

/// The sensitivity curve's interpolation and extrapolation rules and the combination of
/// ``QualityPrediction``, on synthetic profiles whose exact answers follow from the rules.
final class SensitivityPredictionTests: XCTestCase {
    func testCurveIsLinearInTailEnergyBetweenProbesAndGrowsAsSquareRootBeyond() {
        let curve = SensitivityCurve(measured: [(0.4, 0.8), (0.1, 0.1)])
        XCTAssertEqual(curve.increase(atTail: 0), 0)
        XCTAssertEqual(curve.increase(atTail: 0.05), 0.05, accuracy: 1e-12)        // origin → (0.1, 0.1)
        XCTAssertEqual(curve.increase(atTail: 0.1), 0.1, accuracy: 1e-12)
        XCTAssertEqual(curve.increase(atTail: 0.25), 0.45, accuracy: 1e-12)        // halfway to (0.4, 0.8)
        XCTAssertEqual(curve.increase(atTail: 0.4), 0.8, accuracy: 1e-12)
        XCTAssertEqual(curve.increase(atTail: 1.6), 0.8 * 2, accuracy: 1e-12)      // √(1.6/0.4) = 2
        XCTAssertEqual(SensitivityCurve(measured: [(0.2, -0.01)]).increase(atTail: 0.1), 0)  // noise never predicts a gain
        XCTAssertEqual(SensitivityCurve(measured: []).increase(atTail: 0.5), 0)
        // Only tail energies beyond the largest probe's are extrapolated.
        XCTAssertFalse(curve.isExtrapolated(atTail: 0.4))
        XCTAssertTrue(curve.isExtrapolated(atTail: 0.41))
        XCTAssertFalse(SensitivityCurve(measured: []).isExtrapolated(atTail: 0.5))
    }

    func testRelativeTailsOfASpectrum() {
        XCTAssertEqual(SensitivityCurve.relativeTails([3, 2, 1]), [1, 5.0 / 14, 1.0 / 14, 0])
        XCTAssertEqual(SensitivityCurve.relativeTails([0, 0]), [0, 0, 0])
    }

    /// Two 4×4 matrices with known spectra: σ = (2, 1, 1, 0) gives t = (1, 1/3, 1/6, 0, 0); σ = (1, 1, 1, 1)
    /// gives t = (1, 3/4, 1/2, 1/4, 0). `standardErrors` gives each matrix's probes theirs, in order
    /// (none by default, as in a version-1 profile).
    func profile(metric: SensitivityProfile.Metric = .nextTokenLoss, originalLoss: Double = 2,
                 standardErrors: [String: [Double]] = [:]) -> SensitivityProfile {
        let settings = SensitivityProfile.Settings(checkpoint: "m", text: "t", seqLen: 8, maxTokens: 16, tokens: 16, statistics: nil,
                                                   truncation: .svd, rankFractions: [0.5, 0.25], bits: [4], key: "k")
        func point(_ rank: Int, _ bits: Int, _ increase: Double) -> SensitivityProfile.Point {
            SensitivityProfile.Point(rank: rank, factorBits: bits, tailEnergy: -1, loss: originalLoss + increase, lossIncrease: increase)
        }
        var profile = SensitivityProfile(metric: metric, originalLoss: originalLoss, seconds: 1, settings: settings, unused: ["pooler.weight"], matrices: [
            .init(name: "a.weight", rows: 4, columns: 4, points: [point(2, 16, 0.3), point(1, 16, 0.6), point(2, 4, 0.5)]),
            .init(name: "b.weight", rows: 4, columns: 4, points: [point(2, 16, 0.2)]),
        ])
        for index in profile.matrices.indices {
            for (point, error) in (standardErrors[profile.matrices[index].name] ?? []).enumerated() {
                profile.matrices[index].points[point].lossIncreaseStandardError = error
            }
        }
        return profile
    }

    /// The probes' standard errors of the noise tests: a's at t = 1/6 → 0.04, t = 1/3 → 0.08, at 4
    /// bits 0.05; b's one probe (t = 1/2) → 0.1.
    let probeStandardErrors: [String: [Double]] = ["a.weight": [0.04, 0.08, 0.05], "b.weight": [0.1]]

    let spectra: [String: [Double]] = ["a.weight": [2, 1, 1, 0], "b.weight": [1, 1, 1, 1]]

    func testPerMatrixIncreaseFollowsTheSpectrumOfTheGivenSingularValues() throws {
        let prediction = QualityPrediction(profile: profile(), singularValues: spectra)
        // a: probes at t(2) = 1/6 → 0.3 and t(1) = 1/3 → 0.6 (the stored tail energies are not used).
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2))), 0.3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 3))), 0, accuracy: 1e-12)  // t = 0
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 0))), 0.6 * 3.0.squareRoot(), accuracy: 1e-12)
        // b: one probe at t(2) = 1/2 → 0.2; rank 3 (t = 1/4) halfway to the origin, rank 1 (t = 3/4) by √(3/2).
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "b.weight", choice: .lowRank(rank: 3))), 0.1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "b.weight", choice: .lowRank(rank: 1))), 0.2 * 1.5.squareRoot(), accuracy: 1e-12)
        // Factor bits read their own probes; unprobed bits, dense quantization and CALDERA have no figure.
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2, factorBits: 4))), 0.5, accuracy: 1e-12)
        XCTAssertNil(prediction.lossIncrease(matrix: "b.weight", choice: .lowRank(rank: 2, factorBits: 4)))
        XCTAssertNil(prediction.lossIncrease(matrix: "a.weight", choice: .dense(bits: 4)))
        XCTAssertNil(prediction.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2, backboneBits: 2)))
        XCTAssertEqual(prediction.lossIncrease(matrix: "a.weight", choice: .keep), 0)
        XCTAssertEqual(prediction.lossIncrease(matrix: "pooler.weight", choice: .lowRank(rank: 0)), 0)
        XCTAssertNil(prediction.lossIncrease(matrix: "c.weight", choice: .lowRank(rank: 1)))
        XCTAssertNil(QualityPrediction(profile: profile(), singularValues: [:]).lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2)))
    }

    func testPlanPredictionAddsTheIncreases() throws {
        let prediction = QualityPrediction(profile: profile(), singularValues: spectra)
        let quality = prediction.predict(["a.weight": .lowRank(rank: 1), "b.weight": .lowRank(rank: 3), "c.weight": .lowRank(rank: 1)])
        XCTAssertEqual(quality.lossIncrease, 0.7, accuracy: 1e-12)
        XCTAssertEqual(quality.loss, 2.7, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(quality.perplexity), exp(2.7), accuracy: 1e-9)
        XCTAssertNil(quality.embeddingCosine)
        XCTAssertEqual(quality.unpredicted, ["c.weight"])
        XCTAssertEqual(quality.extrapolated, [])  // a at its deepest probe, b between probe and origin
        let deeper = prediction.predict(["a.weight": .lowRank(rank: 0), "b.weight": .lowRank(rank: 1), "c.weight": .lowRank(rank: 1)])
        XCTAssertEqual(deeper.extrapolated, ["a.weight", "b.weight"])  // t = 1 > 1/3 and t = 3/4 > 1/2
        let encoder = QualityPrediction(profile: profile(metric: .oneMinusEmbeddingCosine, originalLoss: 0), singularValues: spectra)
            .predict(["a.weight": .lowRank(rank: 2), "b.weight": .lowRank(rank: 2)])
        XCTAssertEqual(try XCTUnwrap(encoder.embeddingCosine), 0.5, accuracy: 1e-12)
        XCTAssertNil(encoder.perplexity)
    }

    /// Standard errors follow the increases' rule: a's probes (t = 1/6 → SE 0.04, t = 1/3 → 0.08),
    /// b's one probe (t = 1/2 → 0.1); b has none at 4 bits; a plan's errors add in squares.
    func testStandardErrorsAreReadOffLikeTheIncreasesAndAddInSquares() throws {
        let prediction = QualityPrediction(profile: profile(standardErrors: probeStandardErrors), singularValues: spectra)
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncreaseStandardError(matrix: "a.weight", choice: .lowRank(rank: 1))), 0.08, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncreaseStandardError(matrix: "b.weight", choice: .lowRank(rank: 3))), 0.05, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncreaseStandardError(matrix: "b.weight", choice: .lowRank(rank: 1))), 0.1 * 1.5.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(prediction.lossIncreaseStandardError(matrix: "a.weight", choice: .keep), 0)
        XCTAssertNil(prediction.lossIncreaseStandardError(matrix: "b.weight", choice: .lowRank(rank: 2, factorBits: 4)))
        let quality = prediction.predict(["a.weight": .lowRank(rank: 1), "b.weight": .lowRank(rank: 3)])
        let error = try XCTUnwrap(quality.increaseStandardError)
        XCTAssertEqual(error, (0.08 * 0.08 + 0.05 * 0.05).squareRoot(), accuracy: 1e-12)
        let range = try XCTUnwrap(quality.increaseRange())
        XCTAssertEqual(range.upperBound, quality.lossIncrease + 2 * error, accuracy: 1e-12)
        XCTAssertEqual(range.lowerBound, max(0, quality.lossIncrease - 2 * error), accuracy: 1e-12)
        // A profile without standard errors (version 1) gives none.
        XCTAssertNil(QualityPrediction(profile: profile(), singularValues: spectra).predict(["a.weight": .lowRank(rank: 1)]).increaseStandardError)
    }

    /// The allocator's cautious reading: each matrix's increase (at least 0) plus the margin's
    /// standard errors, read off at the same choice; the plain prediction without standard errors or margin.
    func testTheAllocatorReadsTheIncreaseTwoStandardErrorsUp() throws {
        let prediction = QualityPrediction(profile: profile(standardErrors: probeStandardErrors), singularValues: spectra)
        let model = prediction.allocationModel()
        XCTAssertTrue(model is CautiousLoss)
        XCTAssertEqual(model.lossDescription, "next-token log-loss (read 2 probe standard errors up)")
        let plain = try XCTUnwrap(prediction.lossIncrease(matrix: "b.weight", choice: .lowRank(rank: 1)))
        XCTAssertEqual(try XCTUnwrap(model.lossIncrease(matrix: "b.weight", choice: .lowRank(rank: 1))),
                       max(0, plain) + 2 * 0.1 * 1.5.squareRoot(), accuracy: 1e-12, "√t rule below the probe, for the error too")
        let atProbe = try XCTUnwrap(prediction.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2)))
        XCTAssertEqual(try XCTUnwrap(model.lossIncrease(matrix: "a.weight", choice: .lowRank(rank: 2))), max(0, atProbe) + 2 * 0.04, accuracy: 1e-12)
        XCTAssertEqual(model.lossIncrease(matrix: "a.weight", choice: .keep), 0, "kept as stored: no increase, no noise")
        XCTAssertNil(model.lossIncrease(matrix: "b.weight", choice: .lowRank(rank: 2, factorBits: 4)), "no figure stays no figure")
        XCTAssertEqual(model.cost(ofIncrease: 0.3), prediction.cost(ofIncrease: 0.3))
        XCTAssertTrue(prediction.allocationModel(noiseMargin: 0) is QualityPrediction)
        XCTAssertTrue(QualityPrediction(profile: profile(), singularValues: spectra).allocationModel() is QualityPrediction,
                      "a profile without standard errors is read as it is")
    }

    /// A profile with joint probes at fractions 0.5 (both matrices at rank 2, alone 0.3 and 0.2:
    /// added 0.5) measured 0.6, and 0.25 (a at rank 1: 0.6, b at rank 1 read off √t) measured less
    /// than added: a uniform plan at either fraction is predicted as measured, a plan between them
    /// is interpolated on the added sum, and an allocator's additive costs give the same increase.
    func testJointProbesCalibrateTheCombinationAtEachDepth() throws {
        var measured = profile()
        measured.matrices[1].points.append(.init(rank: 1, factorBits: 16, tailEnergy: -1, loss: 2.5, lossIncrease: 0.5))
        measured.joint = [.init(rankFraction: 0.5, factorBits: 16, loss: 2.6, lossIncrease: 0.6),
                          .init(rankFraction: 0.25, factorBits: 16, loss: 2.9, lossIncrease: 0.9)]
        let prediction = QualityPrediction(profile: measured, singularValues: spectra)
        XCTAssertEqual(prediction.combination.points.map(\.added), [0.5, 1.1])
        let half = prediction.predict(["a.weight": .lowRank(rank: 2), "b.weight": .lowRank(rank: 2)])
        XCTAssertEqual(half.lossIncrease, 0.6, accuracy: 1e-12, "compounds at half rank, as measured")
        XCTAssertEqual(half.additiveIncrease, 0.5, accuracy: 1e-12)
        let quarter = prediction.predict(["a.weight": .lowRank(rank: 1), "b.weight": .lowRank(rank: 1)])
        XCTAssertEqual(quarter.lossIncrease, 0.9, accuracy: 1e-12, "overlaps at a quarter, as measured")
        let between = prediction.predict(["a.weight": .lowRank(rank: 1), "b.weight": .lowRank(rank: 3)])  // alone 0.6 and 0.1: added 0.7
        XCTAssertEqual(between.lossIncrease, 0.6 + 0.3 * (0.7 - 0.5) / 0.6, accuracy: 1e-12)
        XCTAssertEqual(prediction.increase(ofCost: prediction.cost(ofIncrease: 0.6) + prediction.cost(ofIncrease: 0.1)), between.lossIncrease, accuracy: 1e-12)
        // A joint probe whose matrices lack a probe at its rank (0.75: rank 3) is not used: addition.
        measured.joint = [.init(rankFraction: 0.75, factorBits: 16, loss: 2.4, lossIncrease: 0.4)]
        XCTAssertEqual(QualityPrediction(profile: measured, singularValues: spectra).combination, .additive)
    }

    func testProfileRoundTripsAndABadFileIsOneSentence() throws {
        var original = profile()
        original.joint = [.init(rankFraction: 0.5, factorBits: 16, loss: 2.4, lossIncrease: 0.4)]
        let folder = try Fixtures.temporaryDirectory()
        let path = folder + "/p.json"
        try original.encoded().write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try SensitivityProfile.load(path: path), original)
        let text = String(decoding: try original.encoded(), as: UTF8.self)
        XCTAssertTrue(text.contains("\"loss_increase\""), text)
        for (contents, fragment) in [("{", "is not a valid sensitivity profile (not JSON)"),
                                     ("{\"format\": \"x\"}", "is not a rankscope sensitivity profile"),
                                     ("{\"format\": \"rankscope-sensitivity\", \"version\": 9}", "another version"),
                                     ("{\"format\": \"rankscope-sensitivity\", \"version\": 1}", "missing \"")] {
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try SensitivityProfile.load(path: path)) { error in
                XCTAssertTrue("\(error)".hasPrefix(path + ": ") && "\(error)".contains(fragment), "\(error)")
            }
        }
        XCTAssertThrowsError(try SensitivityProfile.load(path: folder + "/none.json")) { XCTAssertTrue("\($0)".contains("cannot be read"), "\($0)") }
    }
}
