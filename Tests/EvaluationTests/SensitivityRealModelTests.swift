import Compression
import Evaluation
import Foundation
import ModelRuntime
import Planning
import PythonOracle
import SafeTensors
import Tokenizers
import XCTest

/// Sensitivity probes on the small real models: a probe that reruns only the blocks from the
/// truncated matrix's on gives the loss of a whole forward pass with that matrix truncated, and a
/// measurement records what it measured. Short texts and two matrices keep it well under a minute.
final class SensitivityRealModelTests: XCTestCase {
    func folder(_ name: String) throws -> URL {
        do { return try TestModels.folder(name) } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
    }

    /// Probes of two matrices of `path` at half and a fifth of their rank, each checked against a full forward pass.
    func checkProbes(path: String, input: LossProbe.Input, names: [String], fullLoss: (TransformerModel) throws -> Double) throws {
        let checkpoint = try Checkpoint(path: path)
        let model = try TransformerModel(checkpoint: checkpoint)
        let probe = try LossProbe(model: model, input: input)
        XCTAssertEqual(probe.originalLoss, try fullLoss(model), accuracy: 1e-9)
        let catalog = LayerCatalog(checkpoint: checkpoint)
        let entries = catalog.compressibleEntries.filter { names.contains($0.info.name) }
        XCTAssertEqual(entries.count, names.count)
        let spectra = SpectrumEngine(checkpoint: checkpoint, cache: nil, workers: 1).run(entries).compactMap { event -> Spectrum? in
            if case .finished(let spectrum, _) = event { return spectrum }
            return nil
        }
        let measurement = SensitivityMeasurement(checkpoint: checkpoint, probe: probe, statistics: nil, rankFractions: [0.5, 0.2], bits: [16])
        for spectrum in spectra {
            let entry = entries.first { $0.info.name == spectrum.tensorName }!
            let shape = entry.matrixShape!
            let probes = try measurement.measure(.init(name: spectrum.tensorName, rows: shape.rows, columns: shape.columns,
                                                       singularValues: spectrum.singularValues))
            let fullRank = min(shape.rows, shape.columns)
            XCTAssertEqual(probes.points.map(\.rank), [Int((Double(fullRank) * 0.5).rounded()), Int((Double(fullRank) * 0.2).rounded())])
            let tails = SensitivityCurve.relativeTails(spectrum.singularValues)
            for point in probes.points {
                XCTAssertEqual(point.tailEnergy, tails[point.rank])
                XCTAssertEqual(point.lossIncrease, point.loss - probe.originalLoss, accuracy: 1e-12)
                // Paired differences over several blocks (4 blocks of tokens, or 6 sentences): a positive standard error.
                let error = try XCTUnwrap(point.lossIncreaseStandardError, spectrum.tensorName)
                XCTAssertGreaterThan(error, 0, spectrum.tensorName)
            }
            XCTAssertGreaterThan(probes.points[1].lossIncrease, probes.points[0].lossIncrease, spectrum.tensorName)
            XCTAssertGreaterThan(probes.points[1].lossIncrease, 0, spectrum.tensorName)
            // The probe's shortcut equals the whole forward pass with the truncated layer installed.
            let module = String(spectrum.tensorName.dropLast(".weight".count))
            let decoded = try InMemoryCompression.decodedLayers(of: checkpoint, choices: [spectrum.tensorName: .lowRank(rank: probes.points[1].rank)])
            let original = model.linears[module]!
            try model.install(decoded)
            let whole = try fullLoss(model)
            try model.replaceLinear(module, with: original)
            XCTAssertEqual(probes.points[1].loss, whole, accuracy: 1e-6 * max(1, abs(whole)), spectrum.tensorName)
        }
        XCTAssertEqual(try fullLoss(model), probe.originalLoss, accuracy: 1e-9, "the probe puts every layer back")
    }

    func testSmolLM2ProbesEqualWholeForwardPasses() throws {
        let path = try folder(TestModels.smolLM2).path, texts = try folder(TestModels.texts)
        let tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: path + "/tokenizer.json"))
        let ids = tokenizer.encode(try String(contentsOf: texts.appendingPathComponent("evaluation.txt"), encoding: .utf8), addSpecialTokens: true)
        let windows = try TokenWindows.perplexityWindows(ids, length: 24, maximumTokens: 48, file: "evaluation.txt")
        try checkProbes(path: path, input: .windows(windows),
                        names: ["model.layers.3.self_attn.v_proj.weight", "model.layers.27.mlp.down_proj.weight"]) { model in
            log(try PerplexityEvaluator.evaluate(model, windows: windows).perplexity)
        }
    }

    func testMiniLMProbesEqualWholeForwardPasses() throws {
        let path = try folder(TestModels.miniLM).path, texts = try folder(TestModels.texts)
        let tokenizer = try Tokenizer(contentsOf: URL(fileURLWithPath: path + "/tokenizer.json"))
        let lines = try String(contentsOf: texts.appendingPathComponent("sentences.txt"), encoding: .utf8).split(separator: "\n").prefix(6)
        let sentences = lines.map { tokenizer.encode(String($0), addSpecialTokens: true) }.map { Array($0.prefix(63)) }
        var originalEmbeddings: [[Float]]?
        try checkProbes(path: path, input: .sentences(sentences),
                        names: ["encoder.layer.1.attention.self.query.weight", "encoder.layer.4.intermediate.dense.weight"]) { model in
            let embeddings = try model.sentenceEmbeddings(sentences, normalize: true)
            if originalEmbeddings == nil { originalEmbeddings = embeddings }
            return 1 - EmbeddingComparison(original: originalEmbeddings!, candidate: embeddings).meanCosine
        }
    }
}
