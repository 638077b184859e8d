import XCTest
import LinearAlgebra
import Planning
@testable import Compression

/// Unquantized factors against numpy's own SVD: A·B equals numpy's rank-k truncation to 1e-5
/// relative, and the measured error equals √(Σ_{i>k} σᵢ²)/‖W‖ from numpy's spectrum to 1e-4.
final class TruncatedFactorizationTests: XCTestCase {
    private typealias Fixtures = CompressionFixtures

    func testFactorsMatchNumpyTruncationForTallWideZeroAndFullRank() throws {
        let tall = Fixtures.gaussian(rows: 160, columns: 96, seed: 11)
        let wide = try Fixtures.lowRankPlusNoise(rows: 96, columns: 200, rank: 24, noise: 0.05, seed: 12)
        let cases: [(String, Matrix, Int)] = [
            ("tall", tall, 20), ("wide", wide, 8), ("wideDeep", wide, 60),
            ("zeroRank", tall, 0), ("fullRank", wide, 96), ("tallFull", tall, 96),
        ]
        var oracleCases: [CompressionOracle.Case] = []
        var measured: [String: Double] = [:]
        for (label, weight, rank) in cases {
            let choice = LayerChoice.lowRank(rank: rank)
            let result = try Fixtures.compress(weight, choice)
            XCTAssertEqual(result.tensors.map(\.name), [Fixtures.module + ".0.weight", Fixtures.module + ".1.weight"], label)
            XCTAssertEqual(result.tensors.map(\.shape), [[rank, weight.columns], [weight.rows, rank]], label)
            XCTAssertEqual(result.tensors.map(\.dtype), [.F32, .F32], label)
            measured[label] = result.measuredRelativeError
            oracleCases.append(Fixtures.oracleCase(label, weight, choice, result))
        }
        let numpy = try CompressionOracle.check(oracleCases)
        for (label, _, rank) in cases {
            let figures = try XCTUnwrap(numpy[label], label)
            let error = try XCTUnwrap(measured[label])
            if rank > 0 { XCTAssertLessThan(figures.truncationDistance, 1e-5, "A·B vs numpy's W_k, \(label)") }
            XCTAssertEqual(error, figures.spectrumError, accuracy: 1e-4, "measured vs spectrum, \(label)")
            XCTAssertEqual(error, figures.decodedError, accuracy: 1e-12, "measured vs numpy's decode, \(label)")
        }
        XCTAssertEqual(measured["zeroRank"]!, 1, accuracy: 1e-12)
        XCTAssertLessThan(measured["fullRank"]!, 1e-6)
    }

    func testSixteenBitOutputsAndMaterialisedDenseDecodeToTheMeasuredError() throws {
        let weight = try Fixtures.lowRankPlusNoise(rows: 64, columns: 48, rank: 12, noise: 0.1, seed: 13)
        let choice = LayerChoice.lowRank(rank: 10)
        let bf16 = try Fixtures.compress(weight, choice, type: .BF16)
        let f16 = try Fixtures.compress(weight, choice, type: .F16)
        let dense = try Fixtures.compress(weight, choice, type: .F32, dense: true)
        XCTAssertEqual(dense.tensors.map(\.name), [Fixtures.name])
        XCTAssertEqual(dense.tensors.map(\.shape), [[64, 48]])
        let numpy = try CompressionOracle.check([
            Fixtures.oracleCase("bf16", weight, choice, bf16),
            Fixtures.oracleCase("f16", weight, choice, f16),
            Fixtures.oracleCase("dense", weight, .dense(bits: 16), dense),
        ])
        XCTAssertEqual(bf16.measuredRelativeError, numpy["bf16"]!.decodedError, accuracy: 1e-12)
        XCTAssertEqual(f16.measuredRelativeError, numpy["f16"]!.decodedError, accuracy: 1e-12)
        XCTAssertEqual(dense.measuredRelativeError, numpy["dense"]!.decodedError, accuracy: 1e-12)
        // Rounding the factors to BF16 costs a little over the exact truncation, never less.
        XCTAssertGreaterThan(bf16.measuredRelativeError, dense.measuredRelativeError)
        XCTAssertEqual(bf16.measuredRelativeError, dense.measuredRelativeError, accuracy: 1e-2)
    }

    func testEstimateIsTheSpectrumTailForUnquantizedFactors() throws {
        let weight = Fixtures.gaussian(rows: 80, columns: 50, seed: 14)
        let result = try Fixtures.compress(weight, .lowRank(rank: 7))
        let estimate = try XCTUnwrap(result.estimatedRelativeError)
        XCTAssertEqual(estimate, result.measuredRelativeError, accuracy: 1e-6)
    }

    /// Against LAPACK's full SVD (`dgesdd`, no Gram matrix) on a spectrum falling as 0.6^i: the
    /// Rayleigh–Ritz step keeps the truncation at double precision while σ_k/σ₁ ≥ ~1e-6, and well
    /// inside 1e-5 even where σ_k² is below rounding of σ₁² (k = 40: σ_k/σ₁ ≈ 2e-9).
    func testDoublePrecisionTruncationMatchesTheFullSVDOnASteepSpectrum() throws {
        var generator = SeededGenerator(seed: 16)
        let left = try LAPACK.orthonormalBasis(of: Matrix.gaussian(rows: 120, columns: 60, using: &generator))
        let right = try LAPACK.orthonormalBasis(of: Matrix.gaussian(rows: 90, columns: 60, using: &generator))
        var scaled = left.elements
        for i in 0..<120 { for j in 0..<60 { scaled[i * 60 + j] *= pow(0.6, Double(j)) } }
        let weight = try Matrix(rows: 120, columns: 60, elements: scaled).multiplied(byTransposeOf: right)
        let full = try LAPACK.singularValueDecomposition(weight, vectors: true)
        for (rank, tolerance) in [(1, 1e-12), (20, 1e-12), (30, 1e-10), (40, 1e-7), (90, 1e-12)] {
            var scaledU = [Double](), leadingVt = [Double]()
            for i in 0..<weight.rows { for j in 0..<rank { scaledU.append(full.u![i, j] * full.s[j]) } }
            for i in 0..<rank { for j in 0..<weight.columns { leadingVt.append(full.vt![i, j]) } }
            let reference = try Matrix(rows: weight.rows, columns: rank, elements: scaledU)
                .multiplied(by: Matrix(rows: rank, columns: weight.columns, elements: leadingVt))
            for method in LAPACK.PartialEigenMethod.allCases {
                let (a, b) = try TruncatedSVD(of: weight, rank: rank, eigenMethod: method).balancedFactors
                XCTAssertLessThan(try a.multiplied(by: b).relativeDistance(to: reference), tolerance, "rank \(rank), \(method)")
            }
        }
    }

    func testLargestEigenpairsAgreeWithTheFullDivideAndConquerSolver() throws {
        let gram = try Fixtures.gaussian(rows: 40, columns: 30, seed: 15).gramOfColumns()
        let full = try LAPACK.symmetricEigen(of: gram)
        for method in LAPACK.PartialEigenMethod.allCases {
            var buffer = gram.elements
            let top = try LAPACK.largestSymmetricEigenpairs(&buffer, order: 30, count: 5, method: method)
            XCTAssertEqual(top.vectorRows.rows, 5)
            for i in 0..<5 {
                let reference = 29 - i
                XCTAssertEqual(top.values[i], full.values[reference], accuracy: 1e-9 * full.values[29])
                var dot = 0.0
                for j in 0..<30 { dot += top.vectorRows[i, j] * full.vectors[j, reference] }
                XCTAssertEqual(abs(dot), 1, accuracy: 1e-9, "eigenvector \(i), \(method)")
            }
        }
        var empty = gram.elements
        XCTAssertEqual(try LAPACK.largestSymmetricEigenpairs(&empty, order: 30, count: 0).values, [])
        XCTAssertThrowsError(try LAPACK.largestSymmetricEigenpairs(&empty, order: 30, count: 31))
    }
}
