import XCTest
import LinearAlgebra
import Planning
import SafeTensors
@testable import Compression

/// A job with activation statistics (`compress --stats`): low-rank layers are compressed
/// data-aware and beat the plain run on the output error measured straight from the inputs X,
/// every covered layer reports both errors, and the statistics bind the journal.
final class DataAwareJobTests: XCTestCase {
    private var fixture: JobFixture!
    /// The inputs X of both fixture layers (24 input channels each).
    private var inputs: [String: Matrix] = [:]

    override func setUpWithError() throws {
        fixture = try JobFixture()
        inputs = [JobFixture.up: try JobFixture.activations(columns: 24, seed: 21),
                  JobFixture.query: try JobFixture.activations(columns: 24, seed: 22)]
    }
    override func tearDown() { fixture.remove() }

    private func settings(_ name: String, statistics: String?, shard: JobShard? = nil, resume: Bool = false,
                          dense: Bool = false) throws -> JobSettings {
        var settings = fixture.settings(name, resume: resume)
        settings.statistics = try statistics.map(ActivationStatistics.init(path:))
        settings.shard = shard
        settings.materializeDense = dense
        return settings
    }

    private func run(_ choices: [String: LayerChoice], _ settings: JobSettings) throws -> JobReport {
        try CompressionJob(checkpoint: fixture.checkpoint(), choices: choices, settings: settings).run()
    }

    func testLowRankLayersBeatThePlainRunOnTheOutputErrorAndStillFactorTheWeight() throws {
        let stats = try fixture.writeStatistics("stats.safetensors", inputs: inputs)
        let aware = try run(JobFixture.choices, settings("aware", statistics: stats))
        let plain = try run(JobFixture.choices, settings("plain", statistics: nil))
        XCTAssertEqual(aware.statistics, stats)
        XCTAssertNil(plain.statistics)
        for (awareRow, plainRow) in zip(aware.layers, plain.layers) {
            let name = awareRow.name
            let weight = try JobFixture.matrix(name, in: fixture.weightsPath)
            let x = try XCTUnwrap(inputs[name])
            let awareProduct = try JobFixture.factorProduct(of: name, in: fixture.directory + "/aware")
            let plainProduct = try JobFixture.factorProduct(of: name, in: fixture.directory + "/plain")
            let awareOutput = try JobFixture.outputError(weight, awareProduct, x)
            let plainOutput = try JobFixture.outputError(weight, plainProduct, x)
            let reported = try XCTUnwrap(awareRow.measuredOutputError, name)
            XCTAssertEqual(reported, awareOutput, accuracy: 1e-6 * awareOutput, "\(name): the report's output error is the file's")
            XCTAssertLessThan(awareOutput, 0.9 * plainOutput, "\(name): data-aware factors keep more of the outputs")
            XCTAssertEqual(awareRow.measuredRelativeError, awareProduct.relativeDistance(to: weight), accuracy: 1e-9,
                           "\(name): W ≈ A·B, measured on the written factors")
            XCTAssertGreaterThan(awareRow.measuredRelativeError, plainRow.measuredRelativeError, "plain SVD is best for the weight error")
            XCTAssertEqual(try XCTUnwrap(awareRow.estimatedRelativeError), awareOutput, accuracy: 1e-3 * awareOutput,
                           "\(name): the estimate is of the output error (exact for F32 factors)")
            XCTAssertNil(plainRow.measuredOutputError, "no statistics, no output error")
        }
        let encoded = try XCTUnwrap(String(data: aware.encoded(), encoding: .utf8))
        XCTAssertTrue(encoded.contains("\"measured_output_error\"") && encoded.contains("\"statistics\""), encoded)
        XCTAssertFalse(try XCTUnwrap(String(data: plain.encoded(), encoding: .utf8)).contains("measured_output_error"))
    }

    func testADenseLayerIsWrittenAsWithoutStatisticsAndMeasuredOnTheOutputs() throws {
        let stats = try fixture.writeStatistics("stats.safetensors", inputs: inputs)
        let choices: [String: LayerChoice] = [JobFixture.up: .lowRank(rank: 5), JobFixture.query: .dense(bits: 4, groupSize: 8)]
        let aware = try run(choices, settings("aware", statistics: stats))
        let plain = try run(choices, settings("plain", statistics: nil))
        let weight = try JobFixture.matrix(JobFixture.query, in: fixture.weightsPath)
        let expected = try QuantizedMatrix(quantizing: weight, bits: 4, groupSize: 8).dequantized()
        let row = try XCTUnwrap(aware.layers.first { $0.name == JobFixture.query })
        let outputError = try JobFixture.outputError(weight, expected, XCTUnwrap(inputs[JobFixture.query]))
        XCTAssertEqual(try XCTUnwrap(row.measuredOutputError), outputError, accuracy: 1e-6 * outputError)
        XCTAssertEqual(row.measuredRelativeError, try XCTUnwrap(plain.layers.first { $0.name == JobFixture.query }).measuredRelativeError)
        let module = ActivationStatistics.module(ofWeight: JobFixture.query)
        let awareOut = try Checkpoint(path: fixture.directory + "/aware"), plainOut = try Checkpoint(path: fixture.directory + "/plain")
        for suffix in [".qweight", ".scales", ".zeros"] {
            let a = try XCTUnwrap(awareOut.tensor(named: module + suffix)), p = try XCTUnwrap(plainOut.tensor(named: module + suffix))
            XCTAssertEqual(try awareOut.withBytes(of: a) { Array($0) }, try plainOut.withBytes(of: p) { Array($0) }, "dense ignores the data")
        }
    }

    func testCalderaWithStatisticsIsCompressedDataAwareAndMeasuredOnTheOutputs() throws {
        let stats = try fixture.writeStatistics("stats.safetensors", inputs: inputs)
        let choices: [String: LayerChoice] = [JobFixture.up: .lowRank(rank: 4, factorBits: 16, groupSize: 8, backboneBits: 2)]
        let aware = try run(choices, settings("aware", statistics: stats, dense: true))
        let plain = try run(choices, settings("plain", statistics: nil, dense: true))
        let weight = try JobFixture.matrix(JobFixture.up, in: fixture.weightsPath)
        let x = try XCTUnwrap(inputs[JobFixture.up])
        let written = try JobFixture.matrix(JobFixture.up, in: fixture.directory + "/aware")
        let awareOutput = try JobFixture.outputError(weight, written, x)
        XCTAssertEqual(aware.layers[0].method, "caldera")
        XCTAssertEqual(try XCTUnwrap(aware.layers[0].measuredOutputError), awareOutput, accuracy: 1e-6 * awareOutput,
                       "--dense writes Q + L·R as one P.weight, measured as written")
        XCTAssertEqual(aware.layers[0].measuredRelativeError, written.relativeDistance(to: weight), accuracy: 1e-9)
        let plainWritten = try JobFixture.matrix(JobFixture.up, in: fixture.directory + "/plain")
        XCTAssertNotEqual(written.elements, plainWritten.elements, "the statistics change what CALDERA writes")
        XCTAssertNil(plain.layers[0].measuredOutputError)
    }

    func testAMissingLayerIsRefusedBeforeAnythingIsWritten() throws {
        let stats = try fixture.writeStatistics("partial.safetensors", inputs: [JobFixture.up: try XCTUnwrap(inputs[JobFixture.up])])
        let settings = try settings("out", statistics: stats)
        XCTAssertThrowsError(try CompressionJob(checkpoint: fixture.checkpoint(), choices: JobFixture.choices, settings: settings)) { error in
            let text = "\(error)"
            XCTAssertTrue(error is ActivationStatisticsError && text.hasPrefix(stats + ":") && text.contains(JobFixture.query), text)
            XCTAssertTrue(text.hasSuffix(".") && !text.contains("\n"), "one sentence: \(text)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: settings.outputFolder))
        // A dense layer needs no statistics: it is compressed, without an output error.
        let report = try run([JobFixture.up: .lowRank(rank: 5), JobFixture.query: .dense(bits: 8, groupSize: 8)], settings)
        XCTAssertNotNil(report.layers[0].measuredOutputError)
        XCTAssertNil(report.layers[1].measuredOutputError)
    }

    func testResumeRefusesOtherStatisticsOrNone() throws {
        let stats = try fixture.writeStatistics("stats.safetensors", inputs: inputs)
        var other = inputs
        other[JobFixture.up] = try JobFixture.activations(columns: 24, seed: 99)
        let otherStats = try fixture.writeStatistics("other.safetensors", inputs: other)
        let part = JobShard(index: 0, count: 2)
        _ = try run(JobFixture.choices, settings("out", statistics: stats, shard: part))
        let folder = fixture.directory + "/out"
        for (label, path) in [("other statistics", Optional(otherStats)), ("no statistics", nil)] {
            XCTAssertThrowsError(try run(JobFixture.choices, settings("out", statistics: path, resume: true)), label) { error in
                XCTAssertEqual(error as? JobError, .journalMismatch(folder: folder), label)
                XCTAssertTrue("\(error)".contains("activation statistics"), "\(error)")
            }
        }
        let finished = try run(JobFixture.choices, settings("out", statistics: stats, resume: true))
        XCTAssertEqual(finished.layers.map(\.resumed), [true, false], "the same statistics resume the part")
        XCTAssertNotNil(finished.layers[0].measuredOutputError, "the journal kept the output error")
    }

    func testMergeRefusesPartsMadeWithOtherStatistics() throws {
        let stats = try fixture.writeStatistics("stats.safetensors", inputs: inputs)
        let parts = [0, 1].map { fixture.directory + "/part\($0)" }
        for (index, part) in parts.enumerated() {
            _ = try run(JobFixture.choices, settings("part\(index)", statistics: stats, shard: JobShard(index: index, count: 2)))
            XCTAssertTrue(FileManager.default.fileExists(atPath: part))
        }
        var plain = try settings("merged", statistics: nil)
        plain.mergeFrom = parts
        XCTAssertThrowsError(try run(JobFixture.choices, plain)) { error in
            XCTAssertEqual(error as? JobError, .shardMismatch(folder: parts[0], output: plain.outputFolder))
        }
        var aware = try settings("merged-aware", statistics: stats)
        aware.mergeFrom = parts
        let merged = try run(JobFixture.choices, aware)
        XCTAssertEqual(merged.layers.compactMap(\.measuredOutputError).count, 2, "both parts' output errors reach the report")
    }

    func testTheJournalRoundTripsTheOutputErrorAndReadsOlderFiles() throws {
        let journal = JobJournal(outputFolder: fixture.directory + "/out")
        let layers = try JobLayer.layers(of: fixture.checkpoint(), choices: JobFixture.choices, singularValues: [:])
        try journal.create(description: Array("x".utf8))
        let tensor = OutputTensor(name: layers[0].module + ".0.weight", dtype: .F32, shape: [1, 1], bytes: [0, 0, 128, 63])
        let compressed = CompressedMatrix(tensors: [tensor], measuredRelativeError: 0.25, estimatedRelativeError: nil)
        _ = try journal.record(layers[0], compressed, outputError: 0.1 + 0.2, seconds: 1)
        _ = try journal.record(layers[1], compressed, seconds: 1)
        XCTAssertEqual(journal.finished(layers[0])?.measuredOutputError, 0.30000000000000004, "doubles round-trip exactly")
        let older = try XCTUnwrap(journal.finished(layers[1]), "a file without the key still reads")
        XCTAssertNil(older.measuredOutputError)
        XCTAssertNil(try SafeTensorsFile(path: journal.layerPath(layers[1])).metadata?["measured_output_error"])
    }

    func testLayerFinishedLinesCarryTheOutputErrorWhenKnown() throws {
        let with = LayerResult(name: "a.weight", measuredRelativeError: 0.5, estimatedRelativeError: nil, measuredOutputError: 0.25,
                               bytesWritten: 4, seconds: 1, resumed: false)
        let without = LayerResult(name: "a.weight", measuredRelativeError: 0.5, estimatedRelativeError: nil,
                                  bytesWritten: 4, seconds: 1, resumed: false)
        XCTAssertTrue(JobEvent.layerFinished(with, completed: 1, total: 1).jsonLine.contains(#""measured_output_error":0.25"#))
        XCTAssertFalse(JobEvent.layerFinished(without, completed: 1, total: 1).jsonLine.contains("measured_output_error"))
    }
}
