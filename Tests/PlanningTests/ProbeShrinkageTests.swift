import Foundation
import Planning
import XCTest

/// The probes' standard errors (``PairedStandardError``), their empirical-Bayes shrinkage toward
/// the role's prior (``ProbeShrinkage``) and the version-3 profile layout, on synthetic data whose
/// answers are known.
final class ProbeShrinkageTests: XCTestCase {
    func testBlockStandardErrorOfPairedDifferences() throws {
        // Blocks of 2: sums 4 and 8 over 2 items each; Δ = 3, SE² = 2/1 · ((4 − 6)² + (8 − 6)²) / 4² = 1.
        let estimate = PairedStandardError.estimate([[1, 3], [2, 6]], blockLength: 2)
        XCTAssertEqual(estimate.mean, 3, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(estimate.standardError), 1, accuracy: 1e-12)
        // Blocks stop at a sequence's end: [1, 3 | 5] and [7]: sums 4, 5, 7 over 2, 1, 1; Δ = 4,
        // SE² = 3/2 · ((4 − 8)² + (5 − 4)² + (7 − 4)²) / 16 = 2.4375.
        let uneven = PairedStandardError.estimate([[1, 3, 5], [7]], blockLength: 2)
        XCTAssertEqual(uneven.mean, 4, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(uneven.standardError), 2.4375.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(PairedStandardError.estimate([[0.5, 0.5, 0.5, 0.5]], blockLength: 1).standardError), 0)
        XCTAssertNil(PairedStandardError.estimate([[1, 2]], blockLength: 16).standardError)  // one block
        XCTAssertNil(PairedStandardError.estimate([]).standardError)
    }

    func testRoleReplacesBlockIndices() {
        XCTAssertEqual(ProbeShrinkage.role(of: "model.layers.12.mlp.up_proj.weight"), "model.layers.*.mlp.up_proj.weight")
        XCTAssertEqual(ProbeShrinkage.role(of: "encoder.layer.0.attention.self.query.weight"), "encoder.layer.*.attention.self.query.weight")
    }

    /// A deterministic standard normal (Box–Muller over a 64-bit LCG).
    struct Normal {
        var state: UInt64
        mutating func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        mutating func next() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    }

    func settings() -> SensitivityProfile.Settings {
        .init(checkpoint: "m", text: "t", seqLen: 8, maxTokens: 16, tokens: 16, statistics: nil, truncation: .svd,
              rankFractions: [0.5, 0.3], bits: [], key: "k")
    }

    /// Two roles over 30 blocks with a role-linear truth (increase = β·(1 + 0.2z)·t, β = 2 and 0.3)
    /// measured with noise as large as the increases: the shrunk increases are far closer to the
    /// truth than the measured ones, and the many negative measurements no longer read as free.
    func testShrinkageTowardARoleLinearTruthReducesTheError() throws {
        var normal = Normal(state: 7)
        var truth: [String: [Double]] = [:]
        var matrices: [SensitivityProfile.MatrixProbes] = []
        for block in 0..<30 {
            for (role, beta) in [("q_proj", 2.0), ("v_proj", 0.3)] {
                let name = "model.layers.\(block).self_attn.\(role).weight"
                let ratio = beta * (1 + 0.2 * normal.next())
                var points: [SensitivityProfile.Point] = []
                for (rank, tail) in [(8, 0.1), (5, 0.3)] {
                    let exact = ratio * tail, error = 0.6 * beta * tail + 0.01
                    let measured = exact + error * normal.next()
                    truth[name, default: []].append(exact)
                    points.append(.init(rank: rank, factorBits: 16, tailEnergy: tail, loss: 3 + measured, lossIncrease: measured,
                                        lossIncreaseStandardError: error))
                }
                matrices.append(.init(name: name, rows: 16, columns: 16, points: points))
            }
        }
        let profile = SensitivityProfile(metric: .nextTokenLoss, originalLoss: 3, seconds: 1, settings: settings(), unused: [], matrices: matrices)
        let shrunk = ProbeShrinkage.increases(of: profile)
        var rawError = 0.0, shrunkError = 0.0, rawNegative = 0, shrunkNegative = 0
        for matrix in matrices {
            for (index, point) in matrix.points.enumerated() {
                let exact = truth[matrix.name]![index], estimate = shrunk[matrix.name]![index]
                rawError += (point.lossIncrease - exact) * (point.lossIncrease - exact)
                shrunkError += (estimate - exact) * (estimate - exact)
                if point.lossIncrease <= 0 { rawNegative += 1 }
                if estimate <= 0 { shrunkNegative += 1 }
            }
        }
        XCTAssertLessThan(shrunkError, 0.5 * rawError, "shrinkage should at least halve the squared error")
        XCTAssertGreaterThan(rawNegative, 0, "the synthetic noise should produce negative measurements")
        XCTAssertEqual(shrunkNegative, 0)
        // The role prior recovers β per unit of tail energy.
        let qRatios = matrices.filter { $0.name.contains("q_proj") }.flatMap { $0.points.map { $0.lossIncrease / $0.tailEnergy } }
        let qErrors = matrices.filter { $0.name.contains("q_proj") }.flatMap { $0.points.map { ($0.lossIncreaseStandardError! / $0.tailEnergy) } }
        XCTAssertEqual(ProbeShrinkage.prior(ratios: qRatios, variances: qErrors.map { $0 * $0 }).mean, 2, accuracy: 0.5)
    }

    /// A probe with standard error 0 (or none, as in a version-1 profile) is exact and keeps its
    /// value; a noisy one among them moves toward the role; a lone role is left alone.
    func testExactProbesKeepTheirValues() throws {
        func matrix(_ block: Int, _ increase: Double, _ error: Double?, role: String = "q") -> SensitivityProfile.MatrixProbes {
            .init(name: "layers.\(block).\(role).weight", rows: 4, columns: 4,
                  points: [.init(rank: 2, factorBits: 16, tailEnergy: 0.5, loss: increase, lossIncrease: increase, lossIncreaseStandardError: error)])
        }
        let profile = SensitivityProfile(metric: .nextTokenLoss, originalLoss: 0, seconds: 1, settings: settings(), unused: [], matrices: [
            matrix(0, 0.4, 0), matrix(1, 0.5, 0.01), matrix(2, -0.2, 1), matrix(3, 0.7, nil), matrix(4, -0.1, 0.5, role: "k"),
        ])
        let shrunk = ProbeShrinkage.increases(of: profile)
        XCTAssertEqual(shrunk["layers.0.q.weight"], [0.4])
        XCTAssertEqual(shrunk["layers.3.q.weight"], [0.7])
        XCTAssertEqual(shrunk["layers.4.k.weight"], [-0.1])
        XCTAssertGreaterThan(try XCTUnwrap(shrunk["layers.2.q.weight"]?.first), 0.3)   // pulled from −0.2 to the role's β·t ≈ 0.5
        XCTAssertEqual(try XCTUnwrap(shrunk["layers.1.q.weight"]?.first), 0.5, accuracy: 0.02)
        // Without standard errors the prediction reads the probes as measured (version 1).
        var exact = profile
        for index in exact.matrices.indices { exact.matrices[index].points[0].lossIncreaseStandardError = nil }
        XCTAssertFalse(exact.hasStandardErrors)
        XCTAssertEqual(ProbeShrinkage.increases(of: exact)["layers.2.q.weight"], [-0.2])
        XCTAssertTrue(profile.hasStandardErrors)
    }

    /// The curves of ``QualityPrediction`` read the shrunk increases.
    func testPredictionReadsShrunkIncreases() throws {
        let points = { (increase: Double) -> [SensitivityProfile.Point] in
            [.init(rank: 2, factorBits: 16, tailEnergy: 0.5, loss: increase, lossIncrease: increase, lossIncreaseStandardError: 1)]
        }
        let profile = SensitivityProfile(metric: .nextTokenLoss, originalLoss: 0, seconds: 1, settings: settings(), unused: [], matrices: [
            .init(name: "l.0.q.weight", rows: 4, columns: 4, points: points(-0.3)),
            .init(name: "l.1.q.weight", rows: 4, columns: 4, points: points(0.5)),
        ])
        let prediction = QualityPrediction(profile: profile, singularValues: ["l.0.q.weight": [1, 1, 1, 1], "l.1.q.weight": [1, 1, 1, 1]])
        // Both within their noise of each other: τ² = 0, both read the pooled β·t = 0.1.
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "l.0.q.weight", choice: .lowRank(rank: 2))), 0.1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(prediction.lossIncrease(matrix: "l.1.q.weight", choice: .lowRank(rank: 2))), 0.1, accuracy: 1e-12)
    }

    /// Version 3 writes `loss_increase_std_error` and `loss_increase_windows`; version-2 (no
    /// windows) and version-1 (no standard errors either) files still read.
    func testVersionThreeLayoutAndOlderVersionsStillRead() throws {
        let profile = SensitivityProfile(metric: .nextTokenLoss, originalLoss: 1, seconds: 1, settings: settings(), unused: [], matrices: [
            .init(name: "a.weight", rows: 4, columns: 4, points: [.init(rank: 2, factorBits: 16, tailEnergy: 0.5, loss: 1.5, lossIncrease: 0.5,
                                                                        lossIncreaseStandardError: 0.25, lossIncreaseWindows: [0.25, 0.75])]),
        ])
        let text = String(decoding: try profile.encoded(), as: UTF8.self)
        XCTAssertTrue(text.contains("\"loss_increase_std_error\" : 0.25") && text.contains("\"version\" : 3") && text.contains("\"loss_increase_windows\""), text)
        XCTAssertEqual(try SensitivityProfile.decode(Data(text.utf8), path: "p"), profile)
        let windows = try XCTUnwrap(text.range(of: #""loss_increase_windows" : \[[^\]]*\],"#, options: .regularExpression))
        var two = text
        two.removeSubrange(windows)
        two = two.replacingOccurrences(of: "\"version\" : 3", with: "\"version\" : 2")
        let second = try SensitivityProfile.decode(Data(two.utf8), path: "p")
        XCTAssertEqual(second.version, 2)
        XCTAssertNil(second.matrices[0].points[0].lossIncreaseWindows)
        XCTAssertTrue(second.hasStandardErrors)
        XCTAssertFalse(second.isSplittable)
        let old = two.replacingOccurrences(of: "\"version\" : 2", with: "\"version\" : 1")
            .replacingOccurrences(of: "\"loss_increase_std_error\" : 0.25,", with: "")
        let read = try SensitivityProfile.decode(Data(old.utf8), path: "p")
        XCTAssertEqual(read.version, 1)
        XCTAssertNil(read.matrices[0].points[0].lossIncreaseStandardError)
        XCTAssertFalse(read.hasStandardErrors)
    }
}
