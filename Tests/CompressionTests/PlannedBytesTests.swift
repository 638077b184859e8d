import Foundation
import StrictJSON
import LinearAlgebra
import XCTest
import Planning
import SafeTensors
@testable import Compression

/// The plan's byte figures are the bytes `compress` writes: for F32, F16 and BF16 sources, every
/// factor width, CALDERA (backbone, scales, zero points) and dense 16/8-bit layers, the plan's
/// model total (``PlanTotals``) equals the index's `total_size` and the tensor data of the shards,
/// every layer's `estimated_bytes` its `bytes_written`, and 16-bit outputs are 16-bit dtypes.
final class PlannedBytesTests: XCTestCase {
    /// Layers of awkward shapes (no group size divides every dimension) and what the plan does with them.
    private static let layers: [(name: String, rows: Int, columns: Int, choice: LayerChoice)] = [
        ("model.layers.0.mlp.up_proj.weight", 40, 24, .lowRank(rank: 5)),
        ("model.layers.0.mlp.down_proj.weight", 24, 40, .lowRank(rank: 4, factorBits: 8, groupSize: 16)),
        ("model.layers.0.mlp.gate_proj.weight", 40, 24, .lowRank(rank: 3, factorBits: 4, groupSize: 7)),
        ("model.layers.0.self_attn.q_proj.weight", 24, 24, .lowRank(rank: 3, factorBits: 3, groupSize: 16)),
        ("model.layers.0.self_attn.k_proj.weight", 24, 24, .lowRank(rank: 2, factorBits: 2, groupSize: 8)),
        ("model.layers.0.self_attn.v_proj.weight", 24, 24, .lowRank(rank: 4, factorBits: 4, groupSize: 8, backboneBits: 2)),
        ("model.layers.0.self_attn.o_proj.weight", 24, 24, .lowRank(rank: 3, factorBits: 16, groupSize: 10, backboneBits: 3)),
        ("model.layers.1.mlp.up_proj.weight", 40, 24, .dense(bits: 16)),
        ("model.layers.1.mlp.down_proj.weight", 24, 40, .dense(bits: 8, groupSize: 16)),
        ("model.layers.1.mlp.gate_proj.weight", 40, 24, .keep),
    ]
    private static let bias = "model.layers.0.self_attn.q_proj.bias"

    func testThePlannedTotalIsTheWrittenTensorDataForEverySourceType() throws {
        // The last run adds incoherence processing (its seeds live in config.json, no tensor bytes).
        for (source, incoherence) in [(DType.F32, false), (.F16, false), (.BF16, false), (.BF16, true)] {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rankscope-bytes-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try FileManager.default.createDirectory(atPath: directory + "/model", withIntermediateDirectories: true)
            var specs: [(TensorSpec, [UInt8])] = []
            var planned: [PlannedTensor] = []
            for (index, layer) in Self.layers.enumerated() {
                let matrix = try CompressionFixtures.lowRankPlusNoise(rows: layer.rows, columns: layer.columns, rank: 6, noise: 0.01, seed: UInt64(index + 1))
                specs.append((TensorSpec(name: layer.name, dtype: source, shape: [layer.rows, layer.columns]), Self.bytes(matrix.elements, as: source)))
                planned.append(PlannedTensor(name: layer.name, shape: [layer.rows, layer.columns], storedBits: source.byteWidth * 8))
            }
            specs.append((TensorSpec(name: Self.bias, dtype: source, shape: [24]), Self.bytes((0..<24).map(Double.init), as: source)))
            planned.append(PlannedTensor(name: Self.bias, kind: .bias, shape: [24], storedBits: source.byteWidth * 8))
            try SafeTensorsWriter.write(path: directory + "/model/model.safetensors", tensors: specs)
            let choices = Dictionary(uniqueKeysWithValues: Self.layers.filter { $0.choice != .keep }.map { ($0.name, $0.choice) })

            let settings = JobSettings(outputFolder: directory + "/out", maxShardSize: 3_000, calderaIterations: 1,
                                       incoherence: incoherence)
            let forecast = try OutputForecast(checkpoint: Checkpoint(path: directory + "/model"), choices: choices, settings: settings)
            let report = try CompressionJob(checkpoint: Checkpoint(path: directory + "/model"), choices: choices, settings: settings).run()
            let predicted = try PlanTotals(tensors: planned, choices: choices).model.bytesAfter

            let index = try ShardedIndex(path: directory + "/out/" + Checkpoint.standardIndexName)
            guard case .number(let size)? = index.metadata?["total_size"], let totalSize = size.intValue else { return XCTFail("no total_size") }
            let output = try Checkpoint(path: directory + "/out")
            XCTAssertGreaterThan(output.files.count, 1, "the test covers several shards")
            let tensorData = output.files.reduce(0) { $0 + $1.fileSize - $1.header.dataStart }
            XCTAssertEqual(predicted, totalSize, "\(source): plan total vs index total_size")
            XCTAssertEqual(predicted, tensorData, "\(source): plan total vs the shards' tensor data")
            // Headers and index: the forecast sizes the files themselves.
            let indexSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: index.path)[.size] as? Int)
            XCTAssertEqual(forecast.tensorBytes, predicted, "\(source)")
            XCTAssertEqual(forecast.shardBytes, output.files.reduce(0) { $0 + $1.fileSize }, "\(source): shard files")
            XCTAssertEqual(forecast.indexBytes, indexSize, "\(source): index file")
            XCTAssertGreaterThan(forecast.overheadBytes, 0)
            for layer in report.layers {
                XCTAssertEqual(layer.estimatedBytes, layer.bytesWritten, "\(source) \(layer.name)")
            }
            let expectedFloat: DType = source == .F32 ? .BF16 : source
            for tensor in output.tensors where tensor.name.hasSuffix(".0.weight") || tensor.name.hasSuffix(".1.weight")
                || tensor.name == Self.layers[7].name {
                XCTAssertEqual(tensor.info.dtype, expectedFloat, "\(source): \(tensor.name) is a 16-bit output")
            }
            XCTAssertEqual(output.tensors.first { $0.name == Self.layers[9].name }?.info.dtype, source, "a kept tensor keeps its type")
        }
    }

    /// The forecast and each layer's `estimated_bytes` follow the job's own settings too: F32
    /// outputs asked for (`--factor-type f32`), every layer materialised (`--dense`).
    func testTheForecastFollowsFactorTypeAndDense() throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        let choices: [String: LayerChoice] = [JobFixture.up: .lowRank(rank: 5), JobFixture.query: .lowRank(rank: 3, factorBits: 4, groupSize: 8, backboneBits: 2)]
        for (dense, factorType) in [(false, nil), (true, nil), (false, DType.F32), (true, .F32)] {
            var settings = fixture.settings("out-\(dense)-\(factorType?.rawValue ?? "default")", shardSize: 2_000)
            settings.materializeDense = dense
            settings.factorType = factorType
            settings.calderaIterations = 1
            let forecast = try OutputForecast(checkpoint: fixture.checkpoint(), choices: choices, settings: settings)
            let report = try CompressionJob(checkpoint: fixture.checkpoint(), choices: choices, settings: settings).run()
            let output = try Checkpoint(path: settings.outputFolder)
            XCTAssertEqual(forecast.shardBytes, output.files.reduce(0) { $0 + $1.fileSize }, "dense: \(dense)")
            XCTAssertEqual(forecast.tensorBytes, output.totalBytes, "dense: \(dense)")
            XCTAssertEqual(report.layers.count, 2)
            for layer in report.layers {
                XCTAssertEqual(layer.estimatedBytes, layer.bytesWritten, "dense: \(dense), \(factorType?.rawValue ?? "default"): \(layer.name)")
            }
            XCTAssertEqual(report.totals.estimatedBytes, report.totals.bytesWritten)
            let indexSize = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: settings.outputFolder + "/" + Checkpoint.standardIndexName)[.size] as? Int)
            XCTAssertEqual(forecast.indexBytes, indexSize)
        }
    }

    func testAnExplicitFactorTypeIsKeptAndTheDefaultFollowsTheRule() {
        XCTAssertEqual(LayerCompressionSettings().outputType(forStored: .F32), .BF16)
        XCTAssertEqual(LayerCompressionSettings().outputType(forStored: .F64), .BF16)
        XCTAssertEqual(LayerCompressionSettings().outputType(forStored: .F16), .F16)
        XCTAssertEqual(LayerCompressionSettings().outputType(forStored: .BF16), .BF16)
        XCTAssertEqual(LayerCompressionSettings(factorType: .F16).outputType(forStored: .F32), .F16)
        XCTAssertEqual(LayerCompressionSettings(factorType: .F32).outputType(forStored: .BF16), .F32)
    }

    /// Little-endian bytes of `values` as `type` (F32, F16 or BF16).
    private static func bytes(_ values: [Double], as type: DType) -> [UInt8] {
        values.flatMap { value -> [UInt8] in
            switch type {
            case .F16: let bits = HalfPrecision.f16Bits(from: Float(value)); return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
            case .BF16: let bits = HalfPrecision.bf16Bits(from: Float(value)); return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
            default: return JobFixture.float32Bytes([value])
            }
        }
    }
}
