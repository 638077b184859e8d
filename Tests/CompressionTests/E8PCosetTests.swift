import XCTest
import LinearAlgebra
@testable import Compression

/// The coset decoder and the class search behind ``E8PCodebook/nearest(_:)``: they must return
/// exactly the enumeration's code (so E8P outputs are bit-identical with and without them), settle
/// nearly every input between them, and leave ties to the enumeration.
final class E8PCosetTests: XCTestCase {
    private func enumerated(_ x: [Double]) -> UInt16 { E8PCodebook.nearestByEnumeration(x[...]).code }
    private func coset(_ x: [Double]) -> (code: UInt16, distance: Double)? {
        x.withUnsafeBufferPointer { E8PCodebook.nearestInCoset($0.baseAddress!) }
    }

    func testNearestGivesTheEnumerationsCodeOnRandomInputs() {
        var generator = SeededGenerator(seed: 21)
        var settled = 0, total = 0
        for trial in 0..<20_000 {
            let spread = [0.2, 0.7, 1.0, 1.6, 3.0][trial % 5]
            let heavy = trial % 2 == 0
            let x = (0..<8).map { _ -> Double in
                let g = generator.nextGaussian()
                return spread * (heavy ? g / max(0.25, abs(generator.nextGaussian())) : g)
            }
            let code = E8PCodebook.nearest(x[...]).code
            XCTAssertEqual(code, enumerated(x), "\(x)")
            if spread == 1.0, !heavy {
                total += 1
                if let fast = coset(x) {
                    settled += 1
                    let word = E8PCodebook.codeword(fast.code)
                    let distance = (0..<8).reduce(0.0) { $0 + (x[$1] - word[$1]) * (x[$1] - word[$1]) }
                    XCTAssertEqual(fast.distance, distance, accuracy: 1e-12)
                }
            }
            if code != enumerated(x) { break }
        }
        // About 72% of Gaussian inputs have their nearest coset point in the codebook.
        XCTAssertGreaterThan(Double(settled) / Double(total), 0.65, "the fast path settles most unit-scale inputs")
    }

    func testTheClassSearchGivesTheEnumerationsCodeWhereTheCosetDecoderDoesNot() {
        var generator = SeededGenerator(seed: 23)
        var settled = 0, total = 0
        for trial in 0..<12_000 {
            let spread = [0.5, 1.0, 1.4, 2.5][trial % 4]
            let x = (0..<8).map { _ in spread * generator.nextGaussian() }
            guard coset(x) == nil else { continue }
            total += 1
            let found = x.withUnsafeBufferPointer { E8PCodebook.nearestByClasses($0.baseAddress!) }
            guard let found else { continue }
            settled += 1
            XCTAssertEqual(found.code, enumerated(x), "\(x)")
            let word = E8PCodebook.codeword(found.code)
            let distance = (0..<8).reduce(0.0) { $0 + (x[$1] - word[$1]) * (x[$1] - word[$1]) }
            XCTAssertEqual(found.distance, distance, accuracy: 1e-9)
        }
        XCTAssertGreaterThan(total, 1000)
        XCTAssertGreaterThan(Double(settled) / Double(total), 0.99, "the class search settles nearly every input the coset decoder leaves")
    }

    func testTiesAndLatticePointsGiveTheEnumerationsCode() {
        var generator = SeededGenerator(seed: 22)
        var inputs: [[Double]] = [[Double](repeating: 0, count: 8), [Double](repeating: 0.25, count: 8),
                                  [Double](repeating: -0.25, count: 8), [Double](repeating: 0.5, count: 8),
                                  [1, 0, 0, 0, 0, 0, 0, 0], [0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, -0.25]]
        // Codewords, midpoints between them, integer and quarter grids: exact and near ties.
        for _ in 0..<4000 {
            let grid = [0.25, 0.5, 1.0][Int(generator.next() % 3)]
            var x = (0..<8).map { _ in grid * Double(Int(generator.next() % 13) - 6) }
            if generator.next() % 2 == 0 { x[Int(generator.next() % 8)] += 1e-12 }
            inputs.append(x)
        }
        for x in inputs { XCTAssertEqual(E8PCodebook.nearest(x[...]).code, enumerated(x), "\(x)") }
    }

    func testAnExactTieIsLeftToTheEnumeration() {
        // Entries 0 and 1 exactly between two half-integers: two coset points are equally near.
        XCTAssertNil(coset([1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5].map { $0 + 0.25 }))
        // Far outside the codebook (norm² > 12).
        XCTAssertNil(coset([3.5, 3.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5].map { $0 + 0.25 }))
        XCTAssertNil(coset([.nan, 0, 0, 0, 0, 0, 0, 0]))
        XCTAssertNil(coset([.infinity, 0, 0, 0, 0, 0, 0, 0]))
        XCTAssertNil(coset([1e30, 0, 0, 0, 0, 0, 0, 0]))
        // A codeword itself is settled, as its own code.
        let code: UInt16 = 0x1234
        XCTAssertEqual(coset(E8PCodebook.codeword(code))?.code, code)
    }
}
