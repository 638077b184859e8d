import Foundation
import Planning
import XCTest

/// How a sensitivity curve continues outside its probes: the powers of `t` it follows and their
/// fit to a profile's probes (``SensitivityCurve/Exponents``), on synthetic profiles whose
/// increases follow known powers exactly.
final class CurveExponentsTests: XCTestCase {
    func testTheCurveFollowsItsPowersOutsideTheProbesAndIsLinearBetweenThem() {
        let curve = SensitivityCurve(measured: [(0.1, 0.1), (0.4, 0.8)], exponents: .init(shallow: 0.5, deep: 1))
        XCTAssertEqual(curve.increase(atTail: 0.025), 0.1 * 0.5, accuracy: 1e-12)   // (0.025/0.1)^0.5
        XCTAssertEqual(curve.increase(atTail: 0.1), 0.1, accuracy: 1e-12)
        XCTAssertEqual(curve.increase(atTail: 0.25), 0.45, accuracy: 1e-12)         // linear between probes
        XCTAssertEqual(curve.increase(atTail: 1.6), 0.8 * 4, accuracy: 1e-12)       // (1.6/0.4)^1
        XCTAssertEqual(curve.increase(atTail: 0), 0)
        XCTAssertNotEqual(curve, SensitivityCurve(measured: [(0.1, 0.1), (0.4, 0.8)]), "the exponents are part of the curve")
        // The fallback is the former rule: linear toward full rank, √t beyond.
        let fallback = SensitivityCurve(measured: [(0.1, 0.1), (0.4, 0.8)])
        XCTAssertEqual(fallback.increase(atTail: 0.05), 0.05, accuracy: 1e-12)
        XCTAssertEqual(fallback.increase(atTail: 1.6), 1.6, accuracy: 1e-12)
    }

    /// σ = (4, 3, 2, 1): t(1) = 14/30, t(2) = 5/30, t(3) = 1/30. Each matrix i reads cᵢ at rank 2,
    /// cᵢ·(t₃/t₂)^shallow at rank 3 and cᵢ·(t₁/t₂)^deep at rank 1.
    static let tails: [Double] = [1, 14.0 / 30, 5.0 / 30, 1.0 / 30, 0]
    static let spectrum: [Double] = [4, 3, 2, 1]

    static func profile(matrices: Int, shallow: Double, deep: Double, noise: [Double] = []) -> SensitivityProfile {
        let settings = SensitivityProfile.Settings(checkpoint: "m", text: "t", seqLen: 8, maxTokens: 16, tokens: 16, statistics: nil,
                                                   truncation: .svd, rankFractions: [0.75, 0.5, 0.25], bits: [], key: "k")
        let probes = (0..<matrices).map { index -> SensitivityProfile.MatrixProbes in
            let scale = 0.01 * Double(index + 1) * (index.isMultiple(of: 3) ? 5 : 1)
            let increases = [1: scale * pow(tails[1] / tails[2], deep), 2: scale, 3: scale * pow(tails[3] / tails[2], shallow)]
            return .init(name: "m\(index).weight", rows: 4, columns: 4, points: [3, 2, 1].map { rank in
                let increase = increases[rank]! + (index < noise.count && rank == 3 ? noise[index] : 0)
                return .init(rank: rank, factorBits: 16, tailEnergy: tails[rank], loss: 3 + increase, lossIncrease: increase)
            })
        }
        return SensitivityProfile(metric: .nextTokenLoss, originalLoss: 3, seconds: 1, settings: settings, unused: [], matrices: probes)
    }

    func testTheFitRecoversThePowersTheProbesFollow() {
        let fitted = SensitivityCurve.Exponents.fitted(to: Self.profile(matrices: 12, shallow: 0.6, deep: 0.9))
        XCTAssertEqual(fitted.shallow, 0.6, accuracy: 1e-9)
        XCTAssertEqual(fitted.deep, 0.9, accuracy: 1e-9)
        let steep = SensitivityCurve.Exponents.fitted(to: Self.profile(matrices: 12, shallow: 1.3, deep: 0.4))
        XCTAssertEqual(steep.shallow, 1.3, accuracy: 1e-9)
        XCTAssertEqual(steep.deep, 0.4, accuracy: 1e-9)
        // Outside the kept range the fit stops at its end.
        let outside = SensitivityCurve.Exponents.fitted(to: Self.profile(matrices: 12, shallow: 3, deep: 0.1))
        XCTAssertEqual(outside.shallow, SensitivityCurve.Exponents.fittedRange.upperBound)
        XCTAssertEqual(outside.deep, SensitivityCurve.Exponents.fittedRange.lowerBound)
    }

    /// Sums, not single matrices: a probe that read a decrease (noise) counts 0, and matrices
    /// without two probes that read an increase are left out.
    func testTheFitAddsUpIncreasesAndNeedsEnoughMatrices() {
        XCTAssertEqual(SensitivityCurve.Exponents.fitted(to: Self.profile(matrices: 7, shallow: 0.6, deep: 0.9)), .fallback)
        // Two of twelve shallowest probes read a decrease: those pairs drop out, the other ten still fit exactly.
        let noisy = Self.profile(matrices: 12, shallow: 0.6, deep: 0.9, noise: [-1, -1])
        let fitted = SensitivityCurve.Exponents.fitted(to: noisy)
        XCTAssertEqual(fitted.shallow, 0.6, accuracy: 1e-9)
        XCTAssertEqual(fitted.deep, 0.9, accuracy: 1e-9)
        // Five that read a decrease leave seven: the shallow side falls back, the deep one still fits.
        let sparse = SensitivityCurve.Exponents.fitted(to: Self.profile(matrices: 12, shallow: 0.6, deep: 0.9, noise: [-1, -1, -1, -1, -1]))
        XCTAssertEqual(sparse.shallow, SensitivityCurve.Exponents.fallback.shallow)
        XCTAssertEqual(sparse.deep, 0.9, accuracy: 1e-9)
    }

    /// The prediction continues every curve by the powers fitted to the probes it reads: at rank 0
    /// (t = 1) a matrix reads its rank-1 probe carried by `(1/t₁)^deep`; full rank costs nothing.
    func testThePredictionReadsTheFittedPowers() throws {
        let profile = Self.profile(matrices: 12, shallow: 0.6, deep: 0.9)
        let spectra = Dictionary(uniqueKeysWithValues: profile.matrices.map { ($0.name, Self.spectrum) })
        let prediction = QualityPrediction(profile: profile, singularValues: spectra)
        let exponents = try XCTUnwrap(prediction.exponents[16])
        XCTAssertEqual(exponents.deep, 0.9, accuracy: 1e-9)
        let first = profile.matrices[0]
        let atRank1 = first.points.first { $0.rank == 1 }!.lossIncrease
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: first.name, choice: .lowRank(rank: 0))),
                       atRank1 * pow(1 / Self.tails[1], 0.9), accuracy: 1e-9)
        XCTAssertTrue(prediction.isExtrapolated(matrix: first.name, choice: .lowRank(rank: 0)))
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: first.name, choice: .lowRank(rank: 4))), 0)
    }
}
