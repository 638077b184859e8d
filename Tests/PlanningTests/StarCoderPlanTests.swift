import CheckpointFixtures
import Foundation
import Planning
import SafeTensors
import XCTest

/// A header-only StarCoder-15.5B checkpoint (names and shapes of bigcode/starcoder, data a hole):
/// the plan's dense parameter count is exact, and the sparse formats follow their documented formulas.
final class StarCoderPlanTests: XCTestCase {
    // GPTBigCode configuration of StarCoder-15.5B.
    private let h = 6144, inner = 24576, vocab = 49152, positions = 8192, layers = 40, kv = 128

    private static var tensors: [PlannedTensor] = []

    override class func setUp() {
        super.setUp()
        let directory = NSTemporaryDirectory() + "rankscope-starcoder-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/model.safetensors"
        guard (try? StarCoderHeader.write(to: path)) != nil, let checkpoint = try? Checkpoint(path: path) else { return }
        tensors = LayerCatalog(checkpoint: checkpoint).groups.flatMap(\.entries).map { PlannedTensor(entry: $0, spectrum: nil) }
    }

    /// The four linear shapes of a block, (rows, columns): fused QKV with one shared key/value head, attention output, MLP in and out.
    private var blockShapes: [(Int, Int)] { [(h + 2 * kv, h), (h, h), (inner, h), (h, inner)] }

    func testDenseParameterCountIsExact() throws {
        let tensors = Self.tensors
        XCTAssertEqual(tensors.count, 5 + 12 * layers)
        // Embeddings (tokens, positions), head, final norm; per block two layer norms with biases,
        // QKV (h+2·kv)×h with bias, projection h×h with bias, MLP 4h×h and h×4h with biases.
        let perBlock = 2 * (2 * h) + (h + 2 * kv) * h + (h + 2 * kv) + h * h + h + inner * h + inner + h * inner + h
        let expected = vocab * h + positions * h + vocab * h + 2 * h + layers * perBlock
        XCTAssertEqual(expected, 15_819_446_272, "the formula itself, evaluated by hand")
        XCTAssertEqual(expected - vocab * h, 15_517_456_384, "without the separate head: the published 15.5B")
        let totals = try PlanTotals(tensors: tensors, choices: [:]).model
        XCTAssertEqual(totals.parametersBefore, expected)
        XCTAssertEqual(totals.parametersAfter, expected)
        XCTAssertEqual(totals.bytesBefore, 2 * expected, "F16")
        let compressible = tensors.filter(\.isCompressible)
        XCTAssertEqual(compressible.count, 4 * layers)
        XCTAssertEqual(compressible.reduce(0) { $0 + $1.elementCount }, layers * blockShapes.reduce(0) { $0 + $1.0 * $1.1 })
    }

    /// A plan file's rules applied to StarCoder names: rank 512 on attention, 1024 on the MLP, block 0 excluded.
    func testPlanRulesGiveTheFactorCountsByHand() throws {
        let plan = try PlanDocument(parsing: Array("""
        {"format": "rankscope-plan", "version": 1,
         "rules": [{"match": "\\\\.attn\\\\.", "rank": 512}, {"match": "\\\\.mlp\\\\.", "rank": 1024},
                   {"match": "^transformer\\\\.h\\\\.0\\\\.", "exclude": true}]}
        """.utf8), file: "starcoder.json")
        let resolved = try plan.resolve(tensors: Self.tensors)
        let after = try PlanTotals(tensors: Self.tensors, choices: resolved.choices).model.parametersAfter
        let perBlockDense = blockShapes.reduce(0) { $0 + $1.0 * $1.1 }
        let perBlockFactors = 512 * ((h + 2 * kv) + h) + 512 * (h + h) + 1024 * (inner + h) + 1024 * (h + inner)
        let before = Self.tensors.reduce(0) { $0 + $1.elementCount }
        XCTAssertEqual(after, before - (layers - 1) * (perBlockDense - perBlockFactors))
        XCTAssertEqual(resolved.constraints["transformer.h.0.mlp.c_fc.weight"], .excluded)
        XCTAssertEqual(resolved.choices["transformer.h.39.attn.c_attn.weight"], .lowRank(rank: 512))
    }

    /// At densities where every nnz is whole (½ and ¼ of each matrix), each format's size is its
    /// docs/planning.md formula summed over the 160 matrices, and each break-even density its closed form.
    func testSparseFormatSizesFollowTheDocumentedFormulas() {
        let shapes = Self.tensors.compactMap { $0.isCompressible ? $0.matrixShape : nil }
        XCTAssertEqual(shapes.count, 160)
        let elements = layers * blockShapes.reduce(0) { $0 + $1.0 * $1.1 }
        for (divisor, b) in [(2, 16), (4, 16), (4, 4)] {
            let comparison = SparseComparison(shapes: shapes, keptParameters: elements / divisor, valueBits: b)
            XCTAssertEqual(comparison.density, 1 / Double(divisor))
            func bits(_ perMatrix: (Int, Int, Int) -> Int) -> Int {
                layers * blockShapes.reduce(0) { total, shape in total + perMatrix(shape.0, shape.1, shape.0 * shape.1 / divisor) }
            }
            let expected: [SparseFormat: Int?] = [
                .csr64: bits { m, _, nnz in nnz * (b + 64) + 64 * (m + 1) },
                .coo64: bits { _, _, nnz in nnz * (b + 128) },
                .index16: bits { m, _, nnz in nnz * (b + 16) + 32 * (m + 1) },   // every n ≤ 65536: one tile
                .bitmask: bits { m, n, nnz in nnz * b + 8 * m * ((n + 7) / 8) + 64 * m + 128 },
                .semiStructured24: bits { m, n, _ in m * n / 2 * b + 8 * m * ((n + 7) / 8) + 128 },
            ]
            for row in comparison.rows {
                let want = expected[row.format]!.map { ($0 + 7) / 8 }
                XCTAssertEqual(row.bytes, want, "\(row.format) at 1/\(divisor), \(b) bits")
            }
            XCTAssertEqual(comparison.denseBytes, elements * b / 8)
            XCTAssertEqual(comparison.denseValuesBytes, elements / divisor * b / 8)
            let rowsPlusOne = layers * blockShapes.reduce(0) { $0 + $1.0 + 1 }
            let breakEven = Dictionary(uniqueKeysWithValues: comparison.rows.map { ($0.format, $0.breakEvenDensity) })
            XCTAssertEqual(breakEven[.csr64]!!, Double(elements * b - 64 * rowsPlusOne) / Double(elements * (b + 64)), accuracy: 1e-15)
            XCTAssertEqual(breakEven[.coo64]!!, Double(b) / Double(b + 128), accuracy: 1e-15)
            XCTAssertEqual(breakEven[.index16]!!, Double(elements * b - 32 * rowsPlusOne) / Double(elements * (b + 16)), accuracy: 1e-15)
            // Every n here is a multiple of 8: bitmask fixed part m·n + 64·m + 128 per matrix.
            let bitmaskFixed = layers * blockShapes.reduce(0) { $0 + $1.0 * $1.1 + 64 * $1.0 + 128 }
            XCTAssertEqual(breakEven[.bitmask]!!, Double(elements * b - bitmaskFixed) / Double(elements * b), accuracy: 1e-15)
            XCTAssertEqual(breakEven[.semiStructured24]!!, 0.5)
        }
        // At 10B kept parameters each matrix keeps nnz = round(d·m·n), d = 10¹⁰ / Σ m·n.
        let density = 1e10 / Double(elements)
        let comparison = SparseComparison(shapes: shapes, keptParameters: 10_000_000_000, valueBits: 16)
        let nnz = blockShapes.map { Int((density * Double($0.0 * $0.1)).rounded()) }
        let csr = layers * zip(blockShapes, nnz).reduce(0) { $0 + $1.1 * 80 + 64 * ($1.0.0 + 1) }
        XCTAssertEqual(comparison.rows.first { $0.format == .csr64 }?.bytes, (csr + 7) / 8)
        XCTAssertNil(comparison.rows.first { $0.format == .semiStructured24 }?.bytes, "2:4 keeps half; 66% does not fit")
    }
}
