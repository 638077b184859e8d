import Planning
import XCTest

final class SparseFormatTests: XCTestCase {
    // m = 4, n = 8, nnz = 10, b = 16; dense 4·8·16 = 512 bits.
    func testSizesByHand() {
        XCTAssertEqual(SparseFormat.csr64.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 10 * 80 + 64 * 5)   // 1120
        XCTAssertEqual(SparseFormat.coo64.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 10 * 144)          // 1440
        XCTAssertEqual(SparseFormat.index16.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 10 * 32 + 32 * 5) // 480
        // compressed-tensors: values + a 4 × ⌈8/8⌉ uint8 bitmask + 4 int64 row offsets + the int64 shape [4, 8].
        XCTAssertEqual(SparseFormat.bitmask.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 160 + 32 + 256 + 128) // 576
        // 2:4: half the values (16) + the same bitmask + the shape.
        XCTAssertEqual(SparseFormat.semiStructured24.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 16 * 16 + 32 + 128) // 416
        XCTAssertEqual(SparseFormat.semiStructured24.bits(rows: 4, columns: 8, nonZeros: 16, valueBits: 16), 416, "exactly 50%")
        // Rows padded to whole bytes: n = 12 takes 2 bytes a row.
        XCTAssertEqual(SparseFormat.bitmask.bits(rows: 3, columns: 12, nonZeros: 5, valueBits: 16), 80 + 3 * 16 + 3 * 64 + 128)
        XCTAssertEqual(SparseFormat.semiStructured24.bits(rows: 3, columns: 12, nonZeros: 5, valueBits: 16), 18 * 16 + 3 * 16 + 128)
        XCTAssertNil(SparseFormat.semiStructured24.bits(rows: 4, columns: 8, nonZeros: 17, valueBits: 16), "above 50%")
        XCTAssertNil(SparseFormat.semiStructured24.bits(rows: 4, columns: 6, nonZeros: 4, valueBits: 16), "columns not a multiple of 4")
        XCTAssertEqual(SparseFormat.csr64.bytes(rows: 4, columns: 8, nonZeros: 1, valueBits: 3), (67 + 320 + 7) / 8)
        // 4-bit values: CSR 10·68 + 320 = 1000; COO 10·132; 16-bit 10·20 + 160; bitmask 40 + 416; 2:4 64 + 160.
        XCTAssertEqual(SparseFormat.csr64.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 4), 1000)
        XCTAssertEqual(SparseFormat.coo64.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 4), 1320)
        XCTAssertEqual(SparseFormat.index16.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 4), 360)
        XCTAssertEqual(SparseFormat.bitmask.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 4), 456)
        XCTAssertEqual(SparseFormat.semiStructured24.bits(rows: 4, columns: 8, nonZeros: 10, valueBits: 4), 224)
    }

    func testIndex16TilesWideMatrices() {
        // n = 70 000 > 65 536: two tiles, each with m + 1 = 3 row pointers of 32 bits.
        XCTAssertEqual(SparseFormat.index16.bits(rows: 2, columns: 70_000, nonZeros: 5, valueBits: 16), 5 * 32 + 2 * 3 * 32)
        XCTAssertEqual(SparseFormat.index16.bits(rows: 2, columns: 65_536, nonZeros: 5, valueBits: 16), 5 * 32 + 3 * 32)
    }

    func testBreakEvenDensitiesByHand() throws {
        // CSR: (512 − 320)/(32·80) = 0.075; COO 16/144; 16-bit (512 − 160)/(32·32) = 0.34375;
        // bitmask (512 − 416)/(32·16) = 0.1875; 2:4 0.5 (416 ≤ 512).
        XCTAssertEqual(try XCTUnwrap(SparseFormat.csr64.breakEvenDensity(rows: 4, columns: 8, valueBits: 16)), 0.075, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(SparseFormat.coo64.breakEvenDensity(rows: 4, columns: 8, valueBits: 16)), 1.0 / 9, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(SparseFormat.index16.breakEvenDensity(rows: 4, columns: 8, valueBits: 16)), 0.34375, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(SparseFormat.bitmask.breakEvenDensity(rows: 4, columns: 8, valueBits: 16)), 0.1875, accuracy: 1e-15)
        XCTAssertEqual(SparseFormat.semiStructured24.breakEvenDensity(rows: 4, columns: 8, valueBits: 16), 0.5)
        // 1-bit values: 2:4 takes 16 + 32 + 128 bits, more than the dense 32: never smaller.
        XCTAssertNil(SparseFormat.semiStructured24.breakEvenDensity(rows: 4, columns: 8, valueBits: 1))
        // A 1×1 matrix at 2 bits: CSR's 128 bits of row pointers never pay off.
        XCTAssertNil(SparseFormat.csr64.breakEvenDensity(rows: 1, columns: 1, valueBits: 2))
        // At the break-even density, the size equals dense (continuous nnz): check against the formula for a 4096×11008 matrix.
        let (m, n, b) = (4096, 11008, 16)
        for format in [SparseFormat.csr64, .coo64, .index16, .bitmask] {
            let density = try XCTUnwrap(format.breakEvenDensity(rows: m, columns: n, valueBits: b))
            let nnz = density * Double(m * n)
            let below = try XCTUnwrap(format.bits(rows: m, columns: n, nonZeros: Int(nnz.rounded(.down)), valueBits: b))
            let above = try XCTUnwrap(format.bits(rows: m, columns: n, nonZeros: Int(nnz.rounded(.up)) + 1, valueBits: b))
            XCTAssertLessThanOrEqual(below, m * n * b, "\(format)")
            XCTAssertGreaterThan(above, m * n * b, "\(format)")
        }
    }

    func testComparisonWithDenseLowRank() throws {
        // Same parameter count P = nnz = 10, 16-bit values: factors take 160 bits, CSR 1120 → 960 index bits, 96 per value.
        XCTAssertEqual(SparseFormat.csr64.overheadBitsPerValue(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 96)
        XCTAssertEqual(SparseFormat.coo64.overheadBitsPerValue(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 128)
        XCTAssertEqual(SparseFormat.index16.overheadBitsPerValue(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 32)
        XCTAssertEqual(SparseFormat.bitmask.overheadBitsPerValue(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 41.6)
        // Equivalent rank: ⌊1120 / (12·16)⌋ = 5 (more than the full rank 4: CSR is larger than dense here).
        XCTAssertEqual(SparseFormat.csr64.equivalentRank(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 5)
        XCTAssertEqual(SparseFormat.bitmask.equivalentRank(rows: 4, columns: 8, nonZeros: 10, valueBits: 16), 3)

        // A model of two matrices pruned to 25% at 16 bits: 4×8 keeps 8, 8×12 keeps 24 (P = 32 of 128).
        let comparison = SparseComparison(shapes: [(4, 8), (8, 12)], keptParameters: 32, valueBits: 16)
        XCTAssertEqual(comparison.density, 0.25)
        XCTAssertEqual(comparison.denseBytes, 128 * 2)
        XCTAssertEqual(comparison.denseValuesBytes, 64)
        let byFormat = Dictionary(uniqueKeysWithValues: comparison.rows.map { ($0.format, $0) })
        XCTAssertEqual(byFormat[.csr64]?.bytes, (8 * 80 + 64 * 5 + 24 * 80 + 64 * 9) / 8)
        XCTAssertEqual(byFormat[.coo64]?.bytes, 32 * 144 / 8)
        XCTAssertEqual(byFormat[.index16]?.bytes, (32 * 32 + 32 * 5 + 32 * 9) / 8)
        // Bitmasks 4·1 + 8·2 bytes, 4 + 8 row offsets, two shapes.
        XCTAssertEqual(byFormat[.bitmask]?.bytes, (32 * 16 + 8 * 20 + 64 * 12 + 2 * 128) / 8)
        XCTAssertEqual(byFormat[.semiStructured24]?.bytes, (64 * 16 + 8 * 20 + 2 * 128) / 8)
        XCTAssertEqual(byFormat[.coo64]?.ratioToDenseValues, 9)
        // Model break-even for CSR: (128·16 − 64·(5 + 9)) / (128·80).
        XCTAssertEqual(try XCTUnwrap(byFormat[.csr64]?.breakEvenDensity), Double(2048 - 896) / 10240, accuracy: 1e-15)
        // Above 50%, 2:4 does not apply.
        let dense = SparseComparison(shapes: [(4, 8)], keptParameters: 20, valueBits: 16)
        XCTAssertNil(dense.rows.first { $0.format == .semiStructured24 }?.bytes)
    }
}
