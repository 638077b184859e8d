import XCTest
import LinearAlgebra
import Planning
@testable import Compression

/// The written bytes decode in numpy from the documented layout alone, and take exactly the bytes
/// the plan counted.
final class QuantizedLayoutTests: XCTestCase {
    private typealias Fixtures = CompressionFixtures

    /// Every quantized mode, with shapes that group sizes do not divide (100 = 3·32 + 4, 70 = 2·32 + 6).
    private static let choices: [(String, LayerChoice)] = [
        ("dense8", .dense(bits: 8, groupSize: 32)), ("dense3", .dense(bits: 3, groupSize: 32)),
        ("dense2", .dense(bits: 2, groupSize: 128)),
        ("lord8", .lowRank(rank: 9, factorBits: 8, groupSize: 32)), ("lord4", .lowRank(rank: 9, factorBits: 4, groupSize: 32)),
        ("lord3", .lowRank(rank: 7, factorBits: 3, groupSize: 32)), ("lord2", .lowRank(rank: 5, factorBits: 2, groupSize: 16)),
        ("caldera4", .lowRank(rank: 6, factorBits: 16, groupSize: 32, backboneBits: 4)),
        ("caldera3x4", .lowRank(rank: 6, factorBits: 4, groupSize: 32, backboneBits: 3)),
        ("caldera2x3", .lowRank(rank: 3, factorBits: 3, groupSize: 64, backboneBits: 2)),
    ]

    func testNumpyDecodesTheDocumentedLayoutToTheMeasuredReconstruction() throws {
        let weight = try Fixtures.lowRankPlusNoise(rows: 70, columns: 100, rank: 12, noise: 0.1, seed: 21)
        var cases: [CompressionOracle.Case] = []
        var measured: [String: Double] = [:]
        for (label, choice) in Self.choices {
            let result = try Fixtures.compress(weight, choice, iterations: 3)
            measured[label] = result.measuredRelativeError
            cases.append(Fixtures.oracleCase(label, weight, choice, result))
        }
        let numpy = try CompressionOracle.check(cases)
        for (label, _) in Self.choices {
            XCTAssertEqual(try XCTUnwrap(numpy[label]).decodedError, measured[label]!, accuracy: 1e-12, label)
        }
    }

    func testWrittenBytesEqualThePlansCountAndTheHandFormula() throws {
        let (m, n) = (70, 100)
        let weight = Fixtures.gaussian(rows: m, columns: n, seed: 22)
        for (label, choice) in Self.choices {
            // The plan counts 16-bit factors at two bytes: BF16, as written by default.
            let result = try Fixtures.compress(weight, choice, type: .BF16, iterations: 1)
            let plan = try LayerEstimate(tensor: PlannedTensor(name: Fixtures.name, shape: [m, n]), choice: choice)
            XCTAssertEqual(result.byteCount, plan.bytesAfter, label)
        }
        // By hand: 3-bit factors of rank 7, groups of 32. B: 7×100 → ⌈2100/8⌉ = 263 code bytes and
        // 7·4 groups · 4 bytes = 112; A: 7×70 (down columns) → ⌈1470/8⌉ = 184 and 7·3·4 = 84.
        let lord3 = try Fixtures.compress(weight, .lowRank(rank: 7, factorBits: 3, groupSize: 32))
        XCTAssertEqual(lord3.byteCount, 263 + 112 + 184 + 84)
        let module = Fixtures.module
        XCTAssertEqual(lord3.tensors.map(\.name), [
            "\(module).0.qweight", "\(module).0.scales", "\(module).0.zeros",
            "\(module).1.qweight", "\(module).1.scales", "\(module).1.zeros",
        ])
        XCTAssertEqual(lord3.tensors.map(\.shape), [[263], [7, 4], [7, 4], [184], [7, 3], [7, 3]])
        XCTAssertEqual(lord3.tensors.map(\.dtype), [.U8, .F16, .F16, .U8, .F16, .F16])
        XCTAssertEqual(lord3.quantizedTensors.map(\.transposed), [false, true])
    }

    func testThreeBitCodesPackLeastSignificantBitFirstWithoutPadding() {
        // Codes 5 (101), 3 (011), 7 (111): stream bits 1,0,1, 1,1,0, 1,1,1 → byte 0 = 0b11011101, byte 1 = 0b1.
        XCTAssertEqual(BitPacking.pack([5, 3, 7], bits: 3), [0b1101_1101, 0b0000_0001])
        XCTAssertEqual(BitPacking.unpack([0b1101_1101, 0b0000_0001], bits: 3, count: 3), [5, 3, 7])
        let codes: [UInt8] = (0..<37).map { UInt8($0 % 4) }
        XCTAssertEqual(BitPacking.pack(codes, bits: 2).count, 10)
        XCTAssertEqual(BitPacking.unpack(BitPacking.pack(codes, bits: 2), bits: 2, count: 37), codes)
    }

    /// A narrow group far from 0 needs a zero point of ~25,000 codes, where F16 numbers are 16 apart:
    /// the F16 rounding must not push codes past either end (which would cost up to 8 steps).
    func testNarrowGroupsFarFromZeroStayWithinOneStep() throws {
        var generator = SeededGenerator(seed: 23)
        let values = (0..<128).map { _ in 100 + generator.nextUniform() }
        let weight = try Matrix(rows: 2, columns: 64, elements: values)
        for bits in [8, 4, 3, 2] {
            let readBack = try QuantizedMatrix(quantizing: weight, bits: bits, groupSize: 64).dequantized()
            for row in 0..<2 {
                let group = values[(row * 64)..<(row * 64 + 64)]
                let step = (group.max()! - group.min()!) / Double((1 << bits) - 1)
                for column in 0..<64 {
                    XCTAssertLessThanOrEqual(abs(readBack[row, column] - weight[row, column]), step, "\(bits) bits")
                }
            }
        }
    }

    func testConstantAndZeroGroupsAreReproducedExactly() throws {
        let weight = try Matrix(rows: 2, columns: 4, elements: [0, 0, 0, 0, -1.5, -1.5, 2.25, 2.25])
        let quantized = try QuantizedMatrix(quantizing: weight, bits: 2, groupSize: 2)
        XCTAssertEqual(quantized.dequantized(), weight)
    }
}
