import Foundation
import XCTest
import LinearAlgebra
import Planning
import SafeTensors
@testable import Compression

/// The layers a runtime multiplies by, computed in memory from a plan's choices
/// (``InMemoryCompression``) and read back from the folder `compress`'s job wrote with the same
/// choices (``CompressedFolder``): equal bit for bit for every method, and reconstructing exactly
/// the Ŵ whose error the report states.
final class DecodedLayersTests: XCTestCase {
    private var fixture: DecodeFixture!

    override func setUpWithError() throws { fixture = try DecodeFixture() }
    override func tearDown() { fixture.remove() }

    /// Every method, by label: choices for the three layers and the settings (output type, `--dense`).
    static let cases: [(label: String, choices: [String: LayerChoice], settings: LayerCompressionSettings)] = [
        ("rank16-stored", DecodeFixture.everyLayer(.lowRank(rank: 6)), LayerCompressionSettings()),
        ("rank16-f32", DecodeFixture.everyLayer(.lowRank(rank: 5)), LayerCompressionSettings(factorType: .F32)),
        ("rank16-bf16", DecodeFixture.everyLayer(.lowRank(rank: 7)), LayerCompressionSettings(factorType: .BF16)),
        ("rank16-f16", DecodeFixture.everyLayer(.lowRank(rank: 4)), LayerCompressionSettings(factorType: .F16)),
        ("factors8", DecodeFixture.everyLayer(.lowRank(rank: 6, factorBits: 8, groupSize: 16)), LayerCompressionSettings()),
        ("factors4", DecodeFixture.everyLayer(.lowRank(rank: 6, factorBits: 4, groupSize: 16)), LayerCompressionSettings()),
        ("factors3", DecodeFixture.everyLayer(.lowRank(rank: 9, factorBits: 3, groupSize: 16)), LayerCompressionSettings()),
        ("factors2", DecodeFixture.everyLayer(.lowRank(rank: 5, factorBits: 2, groupSize: 8)), LayerCompressionSettings()),
        ("caldera", [DecodeFixture.query: .lowRank(rank: 4, factorBits: 16, groupSize: 16, backboneBits: 2),
                     DecodeFixture.up: .lowRank(rank: 4, factorBits: 4, groupSize: 16, backboneBits: 3),
                     DecodeFixture.down: .lowRank(rank: 6, factorBits: 8, groupSize: 32, backboneBits: 4)],
         LayerCompressionSettings(calderaIterations: 3)),
        // Incoherence processing: 24 = 8·3 and 40 = 8·5 take the Hartley factor; read back dense.
        ("caldera-incoherent", [DecodeFixture.query: .lowRank(rank: 4, factorBits: 16, groupSize: 16, backboneBits: 2),
                                DecodeFixture.up: .lowRank(rank: 4, factorBits: 4, groupSize: 16, backboneBits: 3),
                                DecodeFixture.down: .lowRank(rank: 6, factorBits: 8, groupSize: 32, backboneBits: 4)],
         LayerCompressionSettings(calderaIterations: 3, incoherence: true)),
        // The E8P backbone (every column count here is a multiple of 8), packed, with and without incoherence processing.
        ("caldera-e8p", calderaChoices, e8p(incoherence: false)),
        ("caldera-e8p-incoherent", calderaChoices, e8p(incoherence: true)),
        // E8P at 2, 3 (+ signs) and 4 (+ E8P) backbone bits, one layer each.
        ("caldera-e8p-residual", residualChoices, e8p(incoherence: false)),
        ("dense", [DecodeFixture.query: .dense(bits: 4, groupSize: 16), DecodeFixture.up: .dense(bits: 8, groupSize: 16),
                   DecodeFixture.down: .dense(bits: 16, groupSize: 128)], LayerCompressionSettings(factorType: .F32)),
        // Rank 0 deletes a matrix (the allocator gives it to an unused pooler): [0, n] and [m, 0] factors.
        ("rank0", [DecodeFixture.query: .lowRank(rank: 0), DecodeFixture.up: .lowRank(rank: 0, factorBits: 4, groupSize: 16),
                   DecodeFixture.down: .lowRank(rank: 3)], LayerCompressionSettings()),
        ("materialized", [DecodeFixture.query: .lowRank(rank: 6), DecodeFixture.up: .lowRank(rank: 5, factorBits: 4, groupSize: 16),
                          DecodeFixture.down: .dense(bits: 3, groupSize: 16)], LayerCompressionSettings(materializeDense: true)),
    ]

    /// CALDERA choices at 2 backbone bits with 16-, 4- and 8-bit factors.
    static let calderaChoices: [String: LayerChoice] = [
        DecodeFixture.query: .lowRank(rank: 4, factorBits: 16, groupSize: 16, backboneBits: 2),
        DecodeFixture.up: .lowRank(rank: 4, factorBits: 4, groupSize: 16, backboneBits: 2),
        DecodeFixture.down: .lowRank(rank: 6, factorBits: 8, groupSize: 32, backboneBits: 2),
    ]

    /// CALDERA choices at 2, 3 and 4 backbone bits (E8P alone, + a sign stage, + an E8P stage under `--e8p`).
    static let residualChoices: [String: LayerChoice] = [
        DecodeFixture.query: .lowRank(rank: 4, factorBits: 16, groupSize: 16, backboneBits: 2),
        DecodeFixture.up: .lowRank(rank: 4, factorBits: 4, groupSize: 16, backboneBits: 3),
        DecodeFixture.down: .lowRank(rank: 6, factorBits: 8, groupSize: 32, backboneBits: 4),
    ]

    /// `compress --e8p` settings (2 CALDERA iterations), with or without `--incoherence`.
    static func e8p(incoherence: Bool, factorType: DType? = nil, dense: Bool = false) -> LayerCompressionSettings {
        var settings = LayerCompressionSettings(factorType: factorType, calderaIterations: 2, materializeDense: dense, incoherence: incoherence)
        settings.backboneCodebook = .e8p
        return settings
    }

    /// The packed E8P layout (at 2, 3 and 4 bits) reads back as exactly the W `--dense` writes (F32, so nothing is rounded
    /// beyond the one rounding to Float both share), and its tensors are the documented ones.
    func testAPackedE8PFolderReadsBackAsTheDenseOutputBitForBit() throws {
        for incoherence in [true, false] {
            let label = incoherence ? "incoherent" : "plain"
            let packedReport = try fixture.compress(Self.residualChoices, into: "packed-" + label, settings: Self.e8p(incoherence: incoherence, factorType: .F32))
            let denseReport = try fixture.compress(Self.residualChoices, into: "dense-" + label,
                                                   settings: Self.e8p(incoherence: incoherence, factorType: .F32, dense: true))
            let packed = try CompressedFolder.read(fixture.directory + "/packed-" + label)
            let dense = try CompressedFolder.read(fixture.directory + "/dense-" + label)
            for module in dense.replacedModules {
                let expected = try XCTUnwrap(dense.layers[module]), found = try XCTUnwrap(packed.layers[module])
                if incoherence {
                    XCTAssertEqual(found, expected, "\(module): the packed layer is the dense one")
                } else {
                    guard case .caldera = found else { return XCTFail("\(module) reads back as Q, A, B: \(found)") }
                    // Q, A and B are each rounded to Float; the dense W is Float(Q + A·B): within a few Float ulps.
                    let difference = try found.reconstruction().relativeDistance(to: expected.reconstruction())
                    XCTAssertLessThan(difference, 1e-6, module)
                }
                XCTAssertEqual(found.bias, expected.bias, module)
            }
            // The dense report measures its F32-rounded W; the packed one the double Ŵ.
            for (packedLayer, denseLayer) in zip(packedReport.layers, denseReport.layers) {
                XCTAssertEqual(packedLayer.measuredRelativeError, denseLayer.measuredRelativeError,
                               accuracy: 1e-6 * denseLayer.measuredRelativeError, "\(label) \(packedLayer.name)")
            }
            let output = try Checkpoint(path: fixture.directory + "/packed-" + label)
            let prefix = "model.layers.0.mlp.up_proj.backbone"
            XCTAssertEqual(output.tensor(named: prefix + ".e8p")?.info.shape, [40, 3])
            XCTAssertEqual(output.tensor(named: prefix + ".e8p")?.info.dtype, .U16)
            XCTAssertEqual(output.tensor(named: prefix + ".e8p_scales")?.info.shape, [40])
            // up_proj's backbone is 3 bits (a sign stage), down_proj's 4 (an E8P stage), q_proj's 2 (none).
            XCTAssertEqual(output.tensor(named: prefix + ".e8p_residual")?.info.dtype, .U8)
            XCTAssertEqual(output.tensor(named: prefix + ".e8p_residual")?.info.shape, [40, 3])
            XCTAssertEqual(output.tensor(named: prefix + ".e8p_residual_scales")?.info.shape, [40])
            XCTAssertEqual(output.tensor(named: "model.layers.0.mlp.down_proj.backbone.e8p_residual")?.info.dtype, .U16)
            XCTAssertNil(output.tensor(named: "model.layers.0.self_attn.q_proj.backbone.e8p_residual"))
            XCTAssertNil(output.tensor(named: prefix + ".qweight"))
            for layer in packedReport.layers {
                XCTAssertEqual(layer.estimatedBytes, layer.bytesWritten, layer.name)
            }
        }
    }

    func testInMemoryLayersEqualTheFolderReadBackBitForBitAndReconstructTheReportedError() throws {
        for (label, choices, settings) in Self.cases {
            let report = try fixture.compress(choices, into: label, settings: settings)
            let memory = try InMemoryCompression.decodedLayers(of: fixture.checkpoint(), choices: choices, settings: settings, jobs: 2)
            let folder = try CompressedFolder.read(fixture.directory + "/" + label)
            try assertSame(memory, folder, report: report, label: label)
        }
    }

    func testDataAwareLayersWithStatisticsEqualTheFolderReadBack() throws {
        var inputs: [String: Matrix] = [:]
        for (index, layer) in DecodeFixture.layers.enumerated() {
            inputs[layer.name] = try JobFixture.activations(columns: layer.shape[1], tokens: 200, seed: 60 + UInt64(index))
        }
        let stats = try JobFixture.writeStatistics(directory: fixture.directory, "stats.safetensors", inputs: inputs)
        let settings = LayerCompressionSettings(calderaIterations: 2, statistics: try ActivationStatistics(path: stats))
        let choices: [String: LayerChoice] = [DecodeFixture.query: .lowRank(rank: 6),
                                              DecodeFixture.up: .lowRank(rank: 5, factorBits: 4, groupSize: 16),
                                              DecodeFixture.down: .lowRank(rank: 4, factorBits: 16, groupSize: 16, backboneBits: 3)]
        let report = try fixture.compress(choices, into: "aware", settings: settings)
        XCTAssertTrue(report.layers.allSatisfy { $0.measuredOutputError != nil }, "the job was data-aware")
        let memory = try InMemoryCompression.decodedLayers(of: fixture.checkpoint(), choices: choices, settings: settings)
        try assertSame(memory, CompressedFolder.read(fixture.directory + "/aware"), report: report, label: "aware")
        let plain = try InMemoryCompression.decodedLayers(of: fixture.checkpoint(), choices: choices)
        XCTAssertNotEqual(plain.layers, memory.layers, "statistics change the factors")
    }

    /// `compress --stats --incoherence --e8p` at 2, 3 and 4 backbone bits: block LDLQ on the lattice
    /// (with the residual stage). The folder reads back as the in-memory layers, each reconstructs
    /// its reported weight error and output error, and each layer's planned bytes are its bytes written.
    func testDataAwareE8PLayersEqualTheFolderReadBack() throws {
        var inputs: [String: Matrix] = [:]
        for (index, layer) in DecodeFixture.layers.enumerated() {
            inputs[layer.name] = try JobFixture.activations(columns: layer.shape[1], tokens: 200, seed: 70 + UInt64(index))
        }
        let stats = try JobFixture.writeStatistics(directory: fixture.directory, "stats-e8p.safetensors", inputs: inputs)
        let statistics = try ActivationStatistics(path: stats)
        var settings = Self.e8p(incoherence: true)
        settings.statistics = statistics
        let label = "aware-e8p-incoherent"
        let report = try fixture.compress(Self.residualChoices, into: label, settings: settings)
        let folder = try CompressedFolder.read(fixture.directory + "/" + label)
        try assertSame(InMemoryCompression.decodedLayers(of: fixture.checkpoint(), choices: Self.residualChoices, settings: settings),
                       folder, report: report, label: label)
        for row in report.layers {
            XCTAssertEqual(row.estimatedBytes, row.bytesWritten, row.name)
            let decoded = try XCTUnwrap(folder.layers[FactorNaming.modulePath(ofWeight: row.name)!]).reconstruction()
            let outputError = try DataAwareCompressor.outputError(fixture.weight(row.name), decoded, statistics.whitening(forWeight: row.name))
            XCTAssertEqual(outputError, try XCTUnwrap(row.measuredOutputError), accuracy: 1e-6 * outputError, row.name)
        }
    }

    func testInMemoryRefusesWhatCompressRefusesAndStopsWhenCancelled() throws {
        let checkpoint = try fixture.checkpoint()
        XCTAssertThrowsError(try InMemoryCompression.decodedLayers(of: checkpoint, choices: ["model.layers.9.mlp.up_proj.weight": .lowRank(rank: 2)])) {
            XCTAssertEqual($0 as? JobError, .unknownLayer(checkpoint: checkpoint.path, tensor: "model.layers.9.mlp.up_proj.weight"))
        }
        XCTAssertThrowsError(try InMemoryCompression.decodedLayers(of: checkpoint, choices: [DecodeFixture.up: .lowRank(rank: 30)])) {
            XCTAssertTrue(String(describing: $0).contains("cannot be compressed"), "\($0)")
        }
        XCTAssertThrowsError(try InMemoryCompression.decodedLayers(of: checkpoint, choices: DecodeFixture.everyLayer(.lowRank(rank: 3)),
                                                                   isCancelled: { true })) {
            XCTAssertEqual($0 as? LinearAlgebraError, .cancelled)
        }
        let kept = try InMemoryCompression.decodedLayers(of: checkpoint, choices: DecodeFixture.everyLayer(.keep))
        XCTAssertTrue(kept.layers.isEmpty && kept.replacedModules.isEmpty, "layers kept as stored are not replaced")
    }

    /// GPT-2's Conv1D stores W as [in, out] with one bias value per column: decoded as stored.
    func testAConv1DLayerKeepsItsStoredOrientationAndColumnBias() throws {
        let folder = fixture.directory + "/gpt2"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let weight = try CompressionFixtures.lowRankPlusNoise(rows: 24, columns: 72, rank: 6, noise: 0.01, seed: 9)
        let bias = (0..<72).map { Double($0) / 8 }
        try SafeTensorsWriter.write(path: folder + "/model.safetensors", tensors: [
            (TensorSpec(name: "h.0.attn.c_attn.weight", dtype: .F32, shape: [24, 72]), DecodeFixture.bytes(weight.elements, .F32)),
            (TensorSpec(name: "h.0.attn.c_attn.bias", dtype: .F32, shape: [72]), DecodeFixture.bytes(bias, .F32)),
        ])
        try Data(#"{"model_type": "gpt2"}"#.utf8).write(to: URL(fileURLWithPath: folder + "/config.json"))
        let checkpoint = try Checkpoint(path: folder)
        let choices: [String: LayerChoice] = ["h.0.attn.c_attn.weight": .lowRank(rank: 6, factorBits: 4, groupSize: 16)]
        _ = try CompressionJob(checkpoint: checkpoint, choices: choices, settings: JobSettings(outputFolder: folder + "-out")).run()
        let memory = try InMemoryCompression.decodedLayers(of: checkpoint, choices: choices)
        let read = try CompressedFolder.read(folder + "-out")
        let layer = try XCTUnwrap(memory.layers["h.0.attn.c_attn"])
        XCTAssertEqual(read.layers["h.0.attn.c_attn"], layer)
        XCTAssertEqual([layer.rows, layer.columns], [24, 72], "as stored")
        XCTAssertEqual(layer.bias, bias.map(Float.init))
        guard case .factored(let a, let b, _) = layer else { return XCTFail("\(layer)") }
        XCTAssertEqual([a.rows, a.columns, b.rows, b.columns], [24, 6, 6, 72], "A [in, k], B [k, out]: a runtime applies Bᵀ·Aᵀ")
    }

    /// `memory` and `folder` hold the same layers bit for bit, and each reconstructs the report's error.
    private func assertSame(_ memory: DecodedModel, _ folder: DecodedModel, report: JobReport, label: String,
                            file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(memory.replacedModules, report.layers.map { FactorNaming.modulePath(ofWeight: $0.name)! }, label, file: file, line: line)
        XCTAssertEqual(folder.replacedModules, memory.replacedModules, label, file: file, line: line)
        XCTAssertEqual(memory.checkpoint.path, fixture.modelFolder, file: file, line: line)
        for row in report.layers {
            let module = FactorNaming.modulePath(ofWeight: row.name)!
            let decoded = try XCTUnwrap(memory.layers[module], "\(label) \(module)", file: file, line: line)
            XCTAssertEqual(decoded, folder.layers[module], "\(label) \(module): in memory = read back", file: file, line: line)
            XCTAssertEqual(decoded.rows, row.rows, file: file, line: line)
            XCTAssertEqual(decoded.columns, row.columns, file: file, line: line)
            // An incoherence-processed CALDERA layer is read back dense (Uᵀ·(Q̂ + Â·B̂)·V).
            let incoherent = label.hasSuffix("incoherent") && row.method == "caldera"
            switch decoded {
            case .dense: XCTAssertTrue(row.method == "dense" || report.dense || incoherent, "\(label) \(module) is dense", file: file, line: line)
            case .factored: XCTAssertEqual(row.method, "rank", "\(label) \(module)", file: file, line: line)
            case .caldera, .packedCaldera: XCTAssertEqual(row.method, "caldera", "\(label) \(module)", file: file, line: line)
            }
            if !report.dense && !incoherent { XCTAssertEqual(decoded.rank, row.rank, file: file, line: line) }
            let bias = module.hasSuffix("mlp.up_proj") ? nil : (0..<24).map { Float(0.1 * Double($0) - 1) }
            if module.hasSuffix("down_proj") {
                XCTAssertEqual(decoded.bias, bias.map { $0.map { HalfPrecision.float(fromBF16: HalfPrecision.bf16Bits(from: $0)) } }, file: file, line: line)
            } else {
                XCTAssertEqual(decoded.bias, bias, "\(label) \(module) bias", file: file, line: line)
            }
            let weight = try fixture.weight(row.name)
            let reconstruction = try decoded.reconstruction()
            // Applied factor by factor, A·(B·X) (+ Q·X) + b equals Ŵ·X + b.
            let inputs = CompressionFixtures.gaussian(rows: row.columns, columns: 3, seed: 77)
            var expected = try reconstruction.multiplied(by: inputs)
            for i in 0..<expected.rows { for j in 0..<3 { expected[i, j] += Double(decoded.bias?[i] ?? 0) } }
            XCTAssertLessThan(try decoded.applied(to: inputs).relativeDistance(to: expected), 1e-13, "\(label) \(module)", file: file, line: line)
            let error = reconstruction.relativeDistance(to: weight)
            // 16-bit parts are exact in Float; a dequantized value (q − z)·s is rounded once to Float,
            // which moves the error by at most ‖Ŵ_float − Ŵ‖/‖W‖ ≤ 2⁻²⁴·‖parts‖/‖W‖, about 6e-8 for
            // parts of W's size (DecodedLayersNumpyTests bounds it case by case). How much of that
            // bound shows depends on the BLAS kernel's rounding: 2.2e-9 of the error (2e-11
            // absolute) with OpenBLAS's generic kernel, 2.8e-8 (2.7e-10) with its Zen kernel.
            // An incoherence-processed layer rounds every entry of the dense Ŵ to Float (seen 1.0e-7 relative).
            let quantized = row.bits < 16 || row.backboneBits != nil
            let accuracy = incoherent ? 1e-6 * row.measuredRelativeError
                : quantized ? max(1e-8 * row.measuredRelativeError, 0x1p-24) : 1e-12 * row.measuredRelativeError
            XCTAssertEqual(error, row.measuredRelativeError, accuracy: accuracy,
                           "\(label) \(module): ‖W − Ŵ‖/‖W‖ of the decoded layer is the report's", file: file, line: line)
        }
    }
}
