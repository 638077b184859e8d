import Foundation
import XCTest
import LinearAlgebra
import Planning
import SafeTensors
@testable import Compression

/// A checkpoint for the decoding tests: three linear layers stored as F32 (with an F32 bias), F16
/// and BF16 (with a BF16 bias), shapes that groups of 16 do not divide, an F16 norm and a
/// config.json; and the two ways of getting its compressed layers (in memory, and read back from
/// the folder a job wrote).
struct DecodeFixture {
    /// The temporary folder holding `model/` and the outputs.
    let directory: String
    /// The checkpoint folder.
    var modelFolder: String { directory + "/model" }

    static let query = "model.layers.0.self_attn.q_proj.weight"
    static let up = "model.layers.0.mlp.up_proj.weight"
    static let down = "model.layers.0.mlp.down_proj.weight"
    /// The layers, their stored types and shapes [m, n].
    static let layers: [(name: String, dtype: DType, shape: [Int])] = [
        (query, .F32, [24, 40]), (up, .F16, [40, 24]), (down, .BF16, [24, 40]),
    ]

    /// Writes the checkpoint.
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rankscope-decode-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: modelFolder, withIntermediateDirectories: true)
        var tensors: [(TensorSpec, [UInt8])] = []
        for (index, layer) in Self.layers.enumerated() {
            let weight = try CompressionFixtures.lowRankPlusNoise(rows: layer.shape[0], columns: layer.shape[1], rank: 8,
                                                                  noise: 0.05, seed: 40 + UInt64(index))
            tensors.append((TensorSpec(name: layer.name, dtype: layer.dtype, shape: layer.shape), Self.bytes(weight.elements, layer.dtype)))
        }
        let bias = (0..<24).map { 0.1 * Double($0) - 1 }
        tensors.insert((TensorSpec(name: "model.layers.0.self_attn.q_proj.bias", dtype: .F32, shape: [24]), Self.bytes(bias, .F32)), at: 1)
        tensors.append((TensorSpec(name: "model.layers.0.mlp.down_proj.bias", dtype: .BF16, shape: [24]), Self.bytes(bias, .BF16)))
        tensors.append((TensorSpec(name: "model.norm.weight", dtype: .F16, shape: [40]), Self.bytes(Array(repeating: 1, count: 40), .F16)))
        try SafeTensorsWriter.write(path: modelFolder + "/model.safetensors", tensors: tensors)
        try Data(#"{"model_type": "llama", "hidden_size": 40}"#.utf8).write(to: URL(fileURLWithPath: modelFolder + "/config.json"))
    }

    /// Removes the folder.
    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// The opened checkpoint.
    func checkpoint() throws -> Checkpoint { try Checkpoint(path: modelFolder) }

    /// The same choice for every layer.
    static func everyLayer(_ choice: LayerChoice) -> [String: LayerChoice] {
        Dictionary(uniqueKeysWithValues: layers.map { ($0.name, choice) })
    }

    /// Runs `compress`'s job into `name` and returns the report.
    func compress(_ choices: [String: LayerChoice], into name: String, settings: LayerCompressionSettings) throws -> JobReport {
        var job = JobSettings(outputFolder: directory + "/" + name, jobs: 2, maxShardSize: 3_000, factorType: settings.factorType,
                              materializeDense: settings.materializeDense, calderaIterations: settings.calderaIterations,
                              statistics: settings.statistics, incoherence: settings.incoherence)
        job.backboneCodebook = settings.backboneCodebook
        return try CompressionJob(checkpoint: checkpoint(), choices: choices, settings: job).run()
    }

    /// The weight `name` of the input, widened to double.
    func weight(_ name: String) throws -> Matrix {
        let checkpoint = try checkpoint()
        let tensor = try XCTUnwrap(checkpoint.tensor(named: name))
        return try checkpoint.withBytes(of: tensor) { bytes in
            try Matrix(MatrixSource(base: bytes.baseAddress!, rows: tensor.info.shape[0], columns: tensor.info.shape[1],
                                    format: XCTUnwrap(ScalarFormat(tensor.info.dtype))))
        }
    }

    /// `values` rounded to `dtype` (F32, F16 or BF16), little-endian.
    static func bytes(_ values: [Double], _ dtype: DType) -> [UInt8] {
        values.flatMap { value -> [UInt8] in
            switch dtype {
            case .F32: return withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { Array($0) }
            case .F16: return withUnsafeBytes(of: HalfPrecision.f16Bits(from: Float(value)).littleEndian) { Array($0) }
            default: return withUnsafeBytes(of: HalfPrecision.bf16Bits(from: Float(value)).littleEndian) { Array($0) }
            }
        }
    }
}
