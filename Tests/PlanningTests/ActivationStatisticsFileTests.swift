import Foundation
import LinearAlgebra
import Planning
import SafeTensors
import XCTest

/// The statistics file: round trip through the writer, and one clear sentence for each way a
/// file can be wrong.
final class ActivationStatisticsFileTests: XCTestCase {
    private var directory = ""
    private var statsPath: String { directory + "/stats.safetensors" }

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory()
        // The checkpoint: up_proj is 6×4 (4 input channels), down_proj 4×6.
        try Fixtures.writeF32([("model.layers.0.mlp.up_proj.weight", [6, 4], Fixtures.gaussian(rows: 6, columns: 4, seed: 1)),
                               ("model.layers.0.mlp.down_proj.weight", [4, 6], Fixtures.gaussian(rows: 4, columns: 6, seed: 2))],
                              to: directory + "/model.safetensors")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func moment(_ n: Int) -> Matrix {
        var m = Matrix.identity(order: n)
        m[1, 0] = 0.5
        m[0, 1] = 0.5
        return m
    }

    /// Writes raw tensors with the given metadata.
    private func writeRaw(_ tensors: [(TensorSpec, [UInt8])], metadata: [String: String]? = ["format": "rankscope-activation-stats", "version": "1"]) throws {
        try SafeTensorsWriter.write(path: statsPath, tensors: tensors, metadata: metadata)
    }

    private func tokens(_ module: String, _ count: Int64 = 10) -> (TensorSpec, [UInt8]) {
        (TensorSpec(name: module + ".tokens", dtype: .I64, shape: []), withUnsafeBytes(of: count) { Array($0) })
    }

    private func assertFails(_ body: () throws -> Void, mentioning parts: [String], line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.hasPrefix(statsPath + ": "), "names the file: \(text)", line: line)
            XCTAssertTrue(text.hasSuffix("."), text, line: line)
            for part in parts { XCTAssertTrue(text.contains(part), "mentions \(part): \(text)", line: line) }
        }
    }

    func testRoundTripKeepsValuesAndValidatesAgainstTheCheckpoint() throws {
        try ActivationStatisticsWriter.write(path: statsPath, layers: [
            LayerInputStatistics(module: "model.layers.0.mlp.up_proj", secondMoment: moment(4), meanSquare: [1, 1, 1, 1], tokens: 12),
            LayerInputStatistics(module: "model.layers.0.mlp.down_proj", secondMoment: nil, meanSquare: [1, 2, 3, 4, 5, 6], tokens: 12),
            LayerInputStatistics(module: "lm_head", secondMoment: nil, meanSquare: [1, 2], tokens: 3),
        ])
        let statistics = try ActivationStatistics(path: statsPath)
        try statistics.validate(against: Checkpoint(path: directory + "/model.safetensors"))
        XCTAssertEqual(statistics.moduleNames, ["lm_head", "model.layers.0.mlp.down_proj", "model.layers.0.mlp.up_proj"])
        let up = try statistics.statistics(forWeight: "model.layers.0.mlp.up_proj.weight")
        XCTAssertEqual(up.secondMoment, moment(4))
        XCTAssertEqual(up.tokens, 12)
        let down = try statistics.statistics(forWeight: "model.layers.0.mlp.down_proj.weight")
        XCTAssertNil(down.secondMoment)
        XCTAssertEqual(down.meanSquare, [1, 2, 3, 4, 5, 6])
        guard case .cholesky = try statistics.whitening(forWeight: "model.layers.0.mlp.up_proj.weight") else {
            return XCTFail("the full second moment wins over the diagonal")
        }
    }

    func testWidthMismatchNamesTheTensorAndTheWeight() throws {
        try ActivationStatisticsWriter.write(path: statsPath, layers: [
            LayerInputStatistics(module: "model.layers.0.mlp.down_proj", secondMoment: moment(4), meanSquare: nil, tokens: 12),
        ])
        let statistics = try ActivationStatistics(path: statsPath)
        assertFails({ try statistics.validate(against: Checkpoint(path: directory + "/model.safetensors")) },
                    mentioning: ["model.layers.0.mlp.down_proj.input_second_moment", "model.layers.0.mlp.down_proj.weight", "6 channels"])
    }

    func testMissingStatisticsForAnalysedMatrixIsNamed() throws {
        try ActivationStatisticsWriter.write(path: statsPath, layers: [
            LayerInputStatistics(module: "model.layers.0.mlp.up_proj", secondMoment: moment(4), meanSquare: nil, tokens: 12),
        ])
        let statistics = try ActivationStatistics(path: statsPath)
        let checkpoint = try Checkpoint(path: directory + "/model.safetensors")
        let catalog = LayerCatalog(checkpoint: checkpoint)
        assertFails({ try statistics.requireStatistics(for: catalog.compressibleEntries, of: checkpoint) },
                    mentioning: ["has no statistics for model.layers.0.mlp.down_proj.weight"])
    }

    func testForeignMetadataIsRefused() throws {
        try writeRaw([tokens("a")], metadata: ["format": "pt"])
        assertFails({ _ = try ActivationStatistics(path: statsPath) }, mentioning: ["format = rankscope-activation-stats"])
    }

    func testUnknownTensorNameIsRefused() throws {
        try writeRaw([tokens("a"), (TensorSpec(name: "a.weight", dtype: .F32, shape: [1]), [0, 0, 0, 0])])
        assertFails({ _ = try ActivationStatistics(path: statsPath) }, mentioning: ["a.weight", ".input_second_moment"])
    }

    func testNonSquareSecondMomentIsRefused() throws {
        try writeRaw([tokens("a"), (TensorSpec(name: "a.input_second_moment", dtype: .F64, shape: [2, 3]), [UInt8](repeating: 0, count: 48))])
        assertFails({ _ = try ActivationStatistics(path: statsPath) }, mentioning: ["a.input_second_moment", "[2, 3]"])
    }

    func testMissingTokensAndBadTokenTypesAreRefused() throws {
        try writeRaw([(TensorSpec(name: "a.input_mean_square", dtype: .F32, shape: [1]), [0, 0, 128, 63])])
        assertFails({ _ = try ActivationStatistics(path: statsPath) }, mentioning: ["a.tokens"])
        try writeRaw([(TensorSpec(name: "a.input_mean_square", dtype: .F32, shape: [1]), [0, 0, 128, 63]),
                      (TensorSpec(name: "a.tokens", dtype: .F32, shape: [1]), [0, 0, 128, 63])])
        assertFails({ _ = try ActivationStatistics(path: statsPath) }, mentioning: ["a.tokens", "I64"])
        try writeRaw([(TensorSpec(name: "a.input_mean_square", dtype: .F32, shape: [1]), [0, 0, 128, 63]), tokens("a", 0)])
        assertFails({ _ = try ActivationStatistics(path: statsPath) }, mentioning: ["a.tokens", "positive"])
    }

    func testNonFiniteStatisticsAreNamed() throws {
        try writeRaw([(TensorSpec(name: "model.layers.0.mlp.up_proj.input_mean_square", dtype: .F64, shape: [4]),
                       [1.0, .nan, 1, 1].withUnsafeBytes { Array($0) }), tokens("model.layers.0.mlp.up_proj")])
        let statistics = try ActivationStatistics(path: statsPath)
        assertFails({ _ = try statistics.whitening(forWeight: "model.layers.0.mlp.up_proj.weight") },
                    mentioning: ["model.layers.0.mlp.up_proj.input_mean_square", "NaN"])
    }

    func testIndefiniteSecondMomentIsNamed() throws {
        let indefinite = try Matrix(rows: 4, columns: 4, elements: [1, 0, 0, 0, 0, -1e6, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        try ActivationStatisticsWriter.write(path: statsPath, layers: [
            LayerInputStatistics(module: "model.layers.0.mlp.up_proj", secondMoment: indefinite, meanSquare: nil, tokens: 2),
        ])
        let statistics = try ActivationStatistics(path: statsPath)
        assertFails({ _ = try statistics.whitening(forWeight: "model.layers.0.mlp.up_proj.weight") },
                    mentioning: ["model.layers.0.mlp.up_proj.input_second_moment", "model.layers.0.mlp.up_proj.weight"])
    }
}
