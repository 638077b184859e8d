import XCTest
import LinearAlgebra
@testable import Compression

/// The choice between `dsyevr` with an index range and `dsyevd` for ``TruncatedSVD``'s leading
/// eigenvectors (``LAPACK/PartialEigenMethod/preferred(order:count:)``): the switch sits where
/// documented, and both methods give the same factors — to each other in double, and to numpy's
/// SVD truncation through F32 factors — at a rank on each side of it.
final class EigenMethodPolicyTests: XCTestCase {
    private typealias Fixtures = CompressionFixtures
    private typealias Method = LAPACK.PartialEigenMethod

    func testPolicySwitchesToDivideAndConquerAboveFiveSixteenthsOfTheSpectrum() throws {
        XCTAssertEqual(Method.preferred(order: 4096, count: 256), .indexRange)
        XCTAssertEqual(Method.preferred(order: 4096, count: 1280), .indexRange)
        XCTAssertEqual(Method.preferred(order: 40, count: 40), .indexRange, "tiny matrices stay on the index range")
        try XCTSkipIf(AddressSpace.limit != nil, "under a ulimit -v the policy may fall back to the index range")
        XCTAssertEqual(Method.preferred(order: 4096, count: 1281), .divideAndConquer)
        XCTAssertEqual(Method.preferred(order: 4096, count: 2048), .divideAndConquer)
        XCTAssertEqual(Method.preferred(order: 96, count: 40), .divideAndConquer)
    }

    func testBothMethodsAgreeWithEachOtherAndWithNumpyOnEachSideOfTheSwitch() throws {
        // Wide (the factorization runs on the 96×200 transpose's Gram matrix, order 96), with a
        // decaying spectrum over a noise floor, so ranks 12 and 40 both cut into distinct values.
        let weight = try Fixtures.lowRankPlusNoise(rows: 96, columns: 200, rank: 48, noise: 0.05, seed: 21)
        let ranks = [12, 40]
        XCTAssertEqual(Method.preferred(order: 96, count: 12), .indexRange, "rank 12 is below the switch")
        var oracleCases: [CompressionOracle.Case] = []
        for rank in ranks {
            var products: [Method: Matrix] = [:]
            for method in Method.allCases {
                let (a, b) = try TruncatedSVD(of: weight, rank: rank, eigenMethod: method).balancedFactors
                products[method] = try a.multiplied(by: b)
                let encoded = try EncodedFactors(a: a, b: b, module: Fixtures.module, bits: 16, groupSize: 128, factorType: .F32)
                oracleCases.append(.init(name: "\(method.rawValue)\(rank)", weight: weight, module: Fixtures.module,
                                         choice: (rank, 16, nil, 128), tensors: encoded.first.tensors + encoded.second.tensors))
            }
            let byIndexRange = try XCTUnwrap(products[.indexRange]), byDivideAndConquer = try XCTUnwrap(products[.divideAndConquer])
            XCTAssertLessThan(byIndexRange.relativeDistance(to: byDivideAndConquer), 1e-12, "methods disagree at rank \(rank)")
        }
        let numpy = try CompressionOracle.check(oracleCases)
        for item in oracleCases {
            let figures = try XCTUnwrap(numpy[item.name], item.name)
            XCTAssertLessThan(figures.truncationDistance, 1e-5, "A·B vs numpy's W_k, \(item.name)")
        }
    }
}
