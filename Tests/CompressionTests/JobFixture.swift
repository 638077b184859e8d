import Foundation
import LinearAlgebra
import Planning
import SafeTensors
@testable import Compression

/// A tiny checkpoint on disk for the job tests: two F32 linear layers with designed spectra (one
/// with a bias), an F16 norm and a config.json, in a fresh temporary folder.
struct JobFixture {
    /// The temporary folder holding `model/` and the outputs.
    let directory: String
    /// The checkpoint folder.
    var modelFolder: String { directory + "/model" }
    /// The weights file.
    var weightsPath: String { modelFolder + "/model.safetensors" }

    /// The factorizable layers and their shapes.
    static let up = "model.layers.0.mlp.up_proj.weight"
    static let query = "model.layers.0.self_attn.q_proj.weight"
    static let queryBias = "model.layers.0.self_attn.q_proj.bias"
    static let norm = "model.layers.0.input_layernorm.weight"

    /// Writes the checkpoint.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rankscope-job-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/model", withIntermediateDirectories: true)
        let up = try CompressionFixtures.lowRankPlusNoise(rows: 40, columns: 24, rank: 6, noise: 0.01, seed: 3)
        let query = try CompressionFixtures.lowRankPlusNoise(rows: 24, columns: 24, rank: 4, noise: 0.01, seed: 4)
        try SafeTensorsWriter.write(path: directory + "/model/model.safetensors", tensors: [
            (TensorSpec(name: JobFixture.up, dtype: .F32, shape: [40, 24]), JobFixture.float32Bytes(up.elements)),
            (TensorSpec(name: JobFixture.query, dtype: .F32, shape: [24, 24]), JobFixture.float32Bytes(query.elements)),
            (TensorSpec(name: JobFixture.queryBias, dtype: .F32, shape: [24]), JobFixture.float32Bytes((0..<24).map(Double.init))),
            (TensorSpec(name: JobFixture.norm, dtype: .F16, shape: [24]), [UInt8](repeating: 0x3C, count: 48)),
        ])
        try Data(#"{"model_type": "llama", "hidden_size": 24}"#.utf8).write(to: URL(fileURLWithPath: directory + "/model/config.json"))
    }

    /// Removes the folder.
    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// The opened checkpoint.
    func checkpoint() throws -> Checkpoint { try Checkpoint(path: modelFolder) }

    /// Both matrices factorized (up at rank 5, query at rank 3).
    static let choices: [String: LayerChoice] = [up: .lowRank(rank: 5), query: .lowRank(rank: 3)]

    /// Settings writing into `name` under the fixture's folder, F32 factors.
    func settings(_ name: String, jobs: Int = 1, resume: Bool = false, force: Bool = false, shardSize: Int = 1_000) -> JobSettings {
        JobSettings(outputFolder: directory + "/" + name, force: force, resume: resume, jobs: jobs,
                    maxShardSize: shardSize, factorType: .F32)
    }

    /// Little-endian F32 bytes of `values`.
    static func float32Bytes(_ values: [Double]) -> [UInt8] {
        values.flatMap { value -> [UInt8] in
            let bits = Float(value).bitPattern
            return (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) }
        }
    }

    /// Every non-report file of an output folder, by name.
    static func files(in folder: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != JobReport.fileName {
            result[name] = FileManager.default.contents(atPath: folder + "/" + name)
        }
        return result
    }
}
