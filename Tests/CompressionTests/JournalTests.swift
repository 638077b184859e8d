import XCTest
import Planning
import SafeTensors
@testable import Compression

/// The journal records finished layers so a resumed job skips them, refuses a job described
/// differently, and redoes a layer whose file is damaged.
final class JournalTests: XCTestCase {
    private var fixture: JobFixture!

    override func setUpWithError() throws { fixture = try JobFixture() }
    override func tearDown() { fixture.remove() }

    private func layers(_ choices: [String: LayerChoice] = JobFixture.choices) throws -> [JobLayer] {
        try JobLayer.layers(of: fixture.checkpoint(), choices: choices, singularValues: [:])
    }

    func testARecordedLayerIsFoundWithItsFigures() throws {
        let journal = JobJournal(outputFolder: fixture.directory + "/out")
        let layer = try layers()[0]
        try journal.create(description: Array("x".utf8))
        XCTAssertNil(journal.finished(layer))
        let tensor = OutputTensor(name: layer.module + ".0.weight", dtype: .F32, shape: [1, 2], bytes: [0, 0, 128, 63, 0, 0, 0, 64])
        let compressed = CompressedMatrix(tensors: [tensor], measuredRelativeError: 0.125, estimatedRelativeError: 0.1 + 0.2)
        let recorded = try journal.record(layer, compressed, seconds: 1.5)
        XCTAssertFalse(recorded.resumed)
        let found = try XCTUnwrap(journal.finished(layer))
        XCTAssertEqual(found, LayerResult(name: layer.name, measuredRelativeError: 0.125, estimatedRelativeError: 0.30000000000000004,
                                          bytesWritten: 8, seconds: 1.5, resumed: true), "doubles round-trip exactly")
        let file = try SafeTensorsFile(path: journal.layerPath(layer))
        XCTAssertEqual(try file.bytes(of: XCTUnwrap(file.tensor(named: tensor.name))), tensor.bytes)
    }

    func testADamagedLayerFileIsDeletedAndTheLayerRedone() throws {
        let journal = JobJournal(outputFolder: fixture.directory + "/out")
        let layer = try layers()[1]
        try journal.create(description: Array("x".utf8))
        XCTAssertTrue(FileManager.default.createFile(atPath: journal.layerPath(layer), contents: Data("not safetensors".utf8)))
        XCTAssertNil(journal.finished(layer))
        XCTAssertFalse(FileManager.default.fileExists(atPath: journal.layerPath(layer)))
    }

    /// Issue 21, class 5: one flipped data byte in a finished layer's file is caught by its
    /// checksum, so `--resume` redoes the layer instead of reusing it.
    func testAFlippedDataByteIsCaughtAndTheLayerRedone() throws {
        let journal = JobJournal(outputFolder: fixture.directory + "/out")
        let layer = try layers()[0]
        try journal.create(description: Array("x".utf8))
        let tensor = OutputTensor(name: layer.module + ".0.weight", dtype: .F32, shape: [1, 2], bytes: [0, 0, 128, 63, 0, 0, 0, 64])
        _ = try journal.record(layer, CompressedMatrix(tensors: [tensor], measuredRelativeError: 0.125, estimatedRelativeError: nil), seconds: 1)
        XCTAssertNotNil(journal.finished(layer))
        let path = journal.layerPath(layer)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 1] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertNil(journal.finished(layer))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the damaged file is deleted so the layer is redone")
    }

    func testTheDescriptionChangesWithAChoiceAnOptionOrTheInput() throws {
        let checkpoint = try fixture.checkpoint()
        let settings = fixture.settings("out")
        let base = JobJournal.description(of: checkpoint, layers: try layers(), settings: settings)
        XCTAssertEqual(base, JobJournal.description(of: checkpoint, layers: try layers(), settings: settings))
        var otherRank = JobFixture.choices
        otherRank[JobFixture.up] = .lowRank(rank: 4)
        XCTAssertNotEqual(base, JobJournal.description(of: checkpoint, layers: try layers(otherRank), settings: settings))
        var dense = settings
        dense.materializeDense = true
        XCTAssertNotEqual(base, JobJournal.description(of: checkpoint, layers: try layers(), settings: dense))
        var moreJobs = settings
        moreJobs.jobs = 4
        moreJobs.memoryLimit = 1
        XCTAssertEqual(base, JobJournal.description(of: checkpoint, layers: try layers(), settings: moreJobs),
                       "workers and memory change how, not what, is written")
        let later = Date().addingTimeInterval(5)
        try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: fixture.weightsPath)
        XCTAssertNotEqual(base, JobJournal.description(of: try fixture.checkpoint(), layers: try layers(), settings: settings))
    }
}
