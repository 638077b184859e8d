import Foundation
import XCTest
import LinearAlgebra
import Planning
import PythonOracle
import SafeTensors
@testable import Compression

/// SmolLM2-135M's first block (F32, 576-wide attention, 1536-wide MLP, groups of 128 that do not
/// divide the rank-k factors' transposes): every method in memory equals the folder the job wrote,
/// bit for bit, and reconstructs the report's error.
final class DecodedRealModelTests: XCTestCase {
    func testSmolLM2FirstBlockInMemoryEqualsTheFolder() throws {
        let model: URL
        do { model = try TestModels.folder(TestModels.smolLM2) } catch let error as TestModels.Unavailable { throw XCTSkip(error.description) }
        let checkpoint = try Checkpoint(path: model.path)
        let p = "model.layers.0."
        let choices: [String: LayerChoice] = [
            p + "self_attn.q_proj.weight": .lowRank(rank: 96),
            p + "self_attn.k_proj.weight": .lowRank(rank: 48, factorBits: 4, groupSize: 128),
            p + "self_attn.v_proj.weight": .lowRank(rank: 40, factorBits: 3, groupSize: 64),
            p + "self_attn.o_proj.weight": .lowRank(rank: 64, factorBits: 4, groupSize: 128, backboneBits: 2),
            p + "mlp.gate_proj.weight": .lowRank(rank: 200, factorBits: 8, groupSize: 128),
            p + "mlp.up_proj.weight": .lowRank(rank: 128, factorBits: 2, groupSize: 32),
            p + "mlp.down_proj.weight": .dense(bits: 4, groupSize: 128),
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rankscope-decode-real-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let settings = LayerCompressionSettings(factorType: .BF16, calderaIterations: 2)
        let report = try CompressionJob(checkpoint: checkpoint, choices: choices,
                                        settings: JobSettings(outputFolder: directory, jobs: 2, factorType: .BF16, calderaIterations: 2)).run()
        var clock = Date()
        let memory = try InMemoryCompression.decodedLayers(of: checkpoint, choices: choices, settings: settings, jobs: 2)
        let computed = Date().timeIntervalSince(clock)
        clock = Date()
        let folder = try CompressedFolder.read(directory)
        let read = Date().timeIntervalSince(clock)
        XCTAssertEqual(folder.replacedModules, memory.replacedModules)
        XCTAssertEqual(memory.replacedModules.count, 7)
        var largest = 0.0
        for row in report.layers {
            let module = FactorNaming.modulePath(ofWeight: row.name)!
            let decoded = try XCTUnwrap(memory.layers[module])
            XCTAssertEqual(decoded, folder.layers[module], module)
            let tensor = try XCTUnwrap(checkpoint.tensor(named: row.name))
            let weight = try checkpoint.withBytes(of: tensor) { bytes in
                try Matrix(MatrixSource(base: bytes.baseAddress!, rows: row.rows, columns: row.columns, format: .f32))
            }
            let error = try decoded.reconstruction().relativeDistance(to: weight)
            largest = max(largest, abs(error - row.measuredRelativeError) / row.measuredRelativeError)
            XCTAssertEqual(error, row.measuredRelativeError, accuracy: 1e-8 * row.measuredRelativeError, module)
        }
        print("decode SmolLM2 block 0: in memory \(String(format: "%.2f", computed)) s (2 workers), folder read \(String(format: "%.3f", read)) s, largest |decoded error − reported| / reported = \(largest)")
    }
}
