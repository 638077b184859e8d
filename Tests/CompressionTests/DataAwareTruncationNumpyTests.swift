import Foundation
import XCTest
import LinearAlgebra
import Planning
import PythonOracle
@testable import Compression

/// The top-k data-aware truncation (``Whitening/leadingTruncation(of:rank:tailEnergy:)``) against
/// numpy's reference, `svd(W @ S)` truncated and mapped back by a solve with `S`, on whitenings of
/// condition ≥ 1e6 and on a rank-deficient W; and ``DataAwareCompressor``'s estimate, which now
/// comes from the leading values and the measured tail, against ``LayerEstimate`` on numpy's full
/// spectrum of `W·S`.
final class DataAwareTruncationNumpyTests: XCTestCase {
    /// What numpy found for one case.
    private struct Result: Decodable {
        /// cond(S).
        let condition: Double
        /// ‖A·B − P‖_F/‖P‖_F, P numpy's data-aware rank-k product.
        let productDistance: Double
        /// ‖(W − P)·S‖/‖W·S‖.
        let outputError: Double
        /// ‖(W − A·B)·S‖/‖W·S‖ with numpy's S.
        let swiftOutputError: Double
        /// Every singular value of W·S, descending.
        let singularValues: [Double]
    }

    private static let script = #"""
import sys, json, numpy as np
d = sys.argv[1]
out = {}
for c in json.load(open(d + "/cases.json")):
    m, n, k = c["rows"], c["columns"], c["rank"]
    load = lambda suffix, shape: np.fromfile(d + "/" + c["name"] + suffix, "<f8").reshape(shape)
    W, S, A, B = load(".w", (m, n)), load(".s", (n, n)), load(".a", (m, k)), load(".b", (k, n))
    WS = W @ S
    U, s, Vt = np.linalg.svd(WS, full_matrices=False)
    P = np.linalg.solve(S.T, ((U[:, :k] * s[:k]) @ Vt[:k]).T).T   # (W S)_k S^-1
    norm = np.linalg.norm(WS)
    out[c["name"]] = {
        "condition": float(np.linalg.cond(S)),
        "productDistance": float(np.linalg.norm(A @ B - P) / np.linalg.norm(P)),
        "outputError": float(np.linalg.norm((W - P) @ S) / norm),
        "swiftOutputError": float(np.linalg.norm((W - A @ B) @ S) / norm),
        "singularValues": [float(v) for v in s],
    }
json.dump(out, open(d + "/results.json", "w"))
"""#

    /// One truncation to check: the weight, its whitening, the rank and Swift's factors.
    private struct Case {
        let name: String
        let weight: Matrix
        let whitening: Whitening
        let rank: Int
        let a: Matrix
        let b: Matrix
    }

    /// S as a dense n×n matrix.
    private func dense(_ whitening: Whitening, order n: Int) -> Matrix {
        switch whitening {
        case .cholesky(let factor): return factor.factor
        case .diagonal(let scales, _):
            var s = Matrix(rows: n, columns: n)
            for i in 0..<n { s[i, i] = scales[i] }
            return s
        }
    }

    /// Inputs with channel scales `10^(decades·π(i)/(n−1) − decades/2)` (π a seeded permutation),
    /// mildly mixed (`I + 0.1·N(0,1)/√n`): the Cholesky factor's condition is about 10^(decades/2)·….
    private func choleskyWhitening(channels n: Int, decades: Double, seed: UInt64) throws -> Whitening {
        var mixing = CompressionFixtures.gaussian(rows: n, columns: n, seed: seed)
        var generator = SeededGenerator(seed: seed &+ 1)
        let order = Array(0..<n).shuffled(using: &generator)
        for i in 0..<n {
            for j in 0..<n {
                let scale = pow(10, decades * Double(order[i]) / Double(n - 1) - decades / 2)
                mixing[i, j] = ((i == j ? 1 : 0) + 0.1 * mixing[i, j] / Double(n).squareRoot()) * scale
            }
        }
        let x = try mixing.multiplied(by: CompressionFixtures.gaussian(rows: n, columns: 4 * n, seed: seed &+ 2))
        return try HessianOracle.whitening(of: x)
    }

    /// Mean squares `10^(decades·π(i)/(n−1) − decades/2)`: S = diag of their roots, condition 10^(decades/2).
    private func diagonalWhitening(channels n: Int, decades: Double, seed: UInt64) throws -> Whitening {
        var generator = SeededGenerator(seed: seed)
        let order = Array(0..<n).shuffled(using: &generator)
        let meanSquare = order.map { pow(10, decades * Double($0) / Double(n - 1) - decades / 2) }
        return try Whitening(LayerInputStatistics(module: CompressionFixtures.module, secondMoment: nil, meanSquare: meanSquare, tokens: 1))
    }

    private func numpy(_ cases: [Case]) throws -> [String: Result] {
        try PythonOracle.results(of: Self.script) { directory in
            var manifest: [[String: Any]] = []
            for item in cases {
                let n = item.weight.columns
                for (suffix, matrix) in [(".w", item.weight), (".s", dense(item.whitening, order: n)),
                                         (".a", item.a), (".b", item.b)] {
                    try HessianOracle.bytes(matrix).write(to: directory.appendingPathComponent(item.name + suffix))
                }
                manifest.append(["name": item.name, "rows": item.weight.rows, "columns": n, "rank": item.a.columns])
            }
            try JSONSerialization.data(withJSONObject: manifest).write(to: directory.appendingPathComponent("cases.json"))
        }
    }

    private func makeCase(_ name: String, _ weight: Matrix, _ whitening: Whitening,
                          rank: Int) throws -> (Case, Whitening.LeadingTruncation) {
        let truncation = try whitening.leadingTruncation(of: weight, rank: rank, tailEnergy: true)
        return (Case(name: name, weight: weight, whitening: whitening, rank: rank, a: truncation.a, b: truncation.b), truncation)
    }

    /// Full-rank and rank-deficient weights under Cholesky and diagonal whitenings of condition
    /// ≥ 1e6: the top-k route is taken and agrees with numpy's full-SVD truncation.
    func testIllConditionedWhiteningsMatchNumpysFullSVD() throws {
        let cholesky = try choleskyWhitening(channels: 64, decades: 6, seed: 31)
        let diagonal = try diagonalWhitening(channels: 64, decades: 12.5, seed: 32)
        let full = CompressionFixtures.gaussian(rows: 40, columns: 64, seed: 33)
        let tall = CompressionFixtures.gaussian(rows: 80, columns: 64, seed: 34)
        let deficient = try CompressionFixtures.gaussian(rows: 40, columns: 5, seed: 35)
            .multiplied(by: CompressionFixtures.gaussian(rows: 5, columns: 64, seed: 36))
        var cases: [(Case, Whitening.LeadingTruncation)] = []
        for rank in [4, 16] {
            cases.append(try makeCase("cholesky-wide-\(rank)", full, cholesky, rank: rank))
            cases.append(try makeCase("cholesky-tall-\(rank)", tall, cholesky, rank: rank))
            cases.append(try makeCase("diagonal-wide-\(rank)", full, diagonal, rank: rank))
        }
        for rank in [3, 5, 12] { cases.append(try makeCase("deficient-\(rank)", deficient, cholesky, rank: rank)) }
        let results = try numpy(cases.map(\.0))
        for (item, truncation) in cases {
            let result = try XCTUnwrap(results[item.name])
            let label = "\(item.name) (cond(S) \(String(format: "%.1e", result.condition)))"
            XCTAssertGreaterThanOrEqual(result.condition, 1e6, label)
            XCTAssertFalse(truncation.usedFullSVD, "\(label): the top-k route passes its check")
            XCTAssertLessThan(result.productDistance, 1e-10, label)
            XCTAssertEqual(result.swiftOutputError, result.outputError, accuracy: 1e-12 * result.outputError + 1e-14, label)
            let measured = try DataAwareCompressor.outputError(item.weight, item.a.multiplied(by: item.b), item.whitening)
            XCTAssertEqual(measured, result.outputError, accuracy: 1e-12 * result.outputError + 1e-14, "\(label): Swift's measurement")
            XCTAssertEqual(truncation.singularValues.count, item.rank, label)
            for (swift, numpy) in zip(truncation.singularValues, result.singularValues) {
                XCTAssertEqual(swift, numpy, accuracy: 1e-13 * result.singularValues[0], label)
            }
            let total = result.singularValues.map { $0 * $0 }.reduce(0, +)
            let tail = result.singularValues.dropFirst(item.rank).reversed().map { $0 * $0 }.reduce(0, +)
            let estimate = (tail / total).squareRoot(), swiftEstimate = (try XCTUnwrap(truncation.tailEnergy) / total).squareRoot()
            XCTAssertEqual(swiftEstimate, estimate, accuracy: 1e-12 * estimate + 1e-14, "\(label): the measured tail")
        }
    }

    /// Where σ_k/σ₁ of W·S is tiny (a condition-1e8 whitening kept to nearly full rank), the Gram
    /// route's own factors are far from numpy's; its check fails, the full SVD is used, and the
    /// result matches numpy as closely as ε·cond(S) allows.
    func testFailedCheckFallsBackToTheFullSVD() throws {
        let diagonal = try diagonalWhitening(channels: 40, decades: 16, seed: 41)
        let weight = CompressionFixtures.gaussian(rows: 48, columns: 40, seed: 42)
        let (item, truncation) = try makeCase("fallback", weight, diagonal, rank: 36)
        XCTAssertTrue(truncation.usedFullSVD)
        let whitened = try diagonal.whiten(weight)
        let gram = try TruncatedSVD(of: whitened, rank: 36)
        XCTAssertGreaterThan(try gram.backwardError(of: whitened), TruncatedSVD.acceptableBackwardError)
        let (a, b) = gram.balancedFactors
        let unchecked = Case(name: "unchecked", weight: weight, whitening: diagonal, rank: 36, a: a, b: try diagonal.unwhiten(b))
        let results = try numpy([item, unchecked])
        let result = try XCTUnwrap(results["fallback"]), uncheckedResult = try XCTUnwrap(results["unchecked"])
        XCTAssertLessThan(result.productDistance, 1e-16 * result.condition * 100)
        XCTAssertEqual(result.swiftOutputError, result.outputError, accuracy: 1e-12 * result.outputError + 1e-14)
        XCTAssertGreaterThan(uncheckedResult.productDistance, 100 * result.productDistance, "the check caught a real loss")
    }

    /// Without `singularValues:` the compressor's estimate, from the leading values and the measured
    /// tail (factors alone or CALDERA's first iterate), equals ``LayerEstimate`` on numpy's full
    /// spectrum of W·S to 1e-12.
    func testEstimateWithoutSingularValuesMatchesTheFullSpectrum() throws {
        let cholesky = try choleskyWhitening(channels: 64, decades: 6.5, seed: 51)
        let weight = CompressionFixtures.gaussian(rows: 48, columns: 64, seed: 52)
        let (item, _) = try makeCase("spectrum", weight, cholesky, rank: 8)
        let spectrum = try XCTUnwrap(numpy([item])["spectrum"]).singularValues
        let planned = PlannedTensor(name: CompressionFixtures.name, shape: [48, 64],
                                    spectrum: Spectrum(tensorName: CompressionFixtures.name, rows: 48, columns: 64, singularValues: spectrum))
        let choices: [LayerChoice] = [.lowRank(rank: 8), .lowRank(rank: 20, factorBits: 4, groupSize: 32),
                                      .lowRank(rank: 40), .lowRank(rank: 48),
                                      .lowRank(rank: 8, factorBits: 16, groupSize: 32, backboneBits: 4),
                                      .lowRank(rank: 20, factorBits: 4, groupSize: 32, backboneBits: 3)]
        for choice in choices {
            let result = try DataAwareCompressor.compress(weight: weight, name: CompressionFixtures.name, choice: choice, whitening: cholesky,
                                                          options: CompressionOptions(factorType: .F32, calderaIterations: 2))
            let expected = try XCTUnwrap(LayerEstimate(tensor: planned, choice: choice).relativeError)
            let estimate = try XCTUnwrap(result.compressed.estimatedRelativeError)
            XCTAssertEqual(estimate, expected, accuracy: 1e-12 * expected + 1e-15, "\(choice)")
        }
    }
}
