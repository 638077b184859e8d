import Foundation
import XCTest
import Planning
import SafeTensors
import StrictJSON
@testable import Compression

/// ``CompressedFolder/read(_:)`` on folders that are not, or no longer, what `compress` wrote: one
/// sentence naming the file each; and on a `--dense` folder and an entry without `shape`.
final class CompressedFolderErrorTests: XCTestCase {
    private var fixture: DecodeFixture!
    private var folder: String { fixture.directory + "/out" }
    private let choices: [String: LayerChoice] = [DecodeFixture.query: .lowRank(rank: 6),
                                                  DecodeFixture.up: .lowRank(rank: 4, factorBits: 4, groupSize: 16)]

    override func setUpWithError() throws {
        fixture = try DecodeFixture()
        _ = try fixture.compress(choices, into: "out", settings: LayerCompressionSettings())
    }
    override func tearDown() { fixture.remove() }

    /// Rewrites the output's config.json with `change` applied to the entry of `module`.
    private func editEntry(_ module: String, _ change: (inout JSONObject) -> Void) throws {
        let path = folder + "/config.json"
        guard case .object(var root) = try JSONParser.parse([UInt8](FileManager.default.contents(atPath: path)!)),
              case .object(var section)? = root["rankscope"], case .object(var layers)? = section["layers"],
              case .object(var entry)? = layers[module] else { return XCTFail("no entry for \(module)") }
        change(&entry)
        layers[module] = .object(entry)
        section["layers"] = .object(layers)
        root["rankscope"] = .object(section)
        try Data(JSONWriter.bytes(.object(root), pretty: true)).write(to: URL(fileURLWithPath: path))
    }

    private func assertFails(_ path: String, mentioning parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CompressedFolder.read(path), file: file, line: line) { error in
            let text = String(describing: error)
            XCTAssertTrue(error is DecodingError, "\(type(of: error)): \(text)", file: file, line: line)
            for part in parts { XCTAssertTrue(text.contains(part), "\(text) lacks \(part)", file: file, line: line) }
            XCTAssertEqual(text.filter { $0 == "\n" }.count, 0, file: file, line: line)
            XCTAssertTrue(text.hasSuffix("."), text, file: file, line: line)
        }
    }

    func testTheInputCheckpointIsNotARankscopeOutput() {
        assertFails(fixture.modelFolder, mentioning: [fixture.modelFolder, "not a rankscope compress output", "config.json has no \"rankscope\" section"])
    }

    func testAFolderWithoutConfigIsRefused() throws {
        try FileManager.default.removeItem(atPath: folder + "/config.json")
        assertFails(folder, mentioning: [folder, "it has no config.json"])
    }

    func testAnEntryDisagreeingWithItsTensorsNamesTheShard() throws {
        let module = FactorNaming.modulePath(ofWeight: DecodeFixture.query)!
        try editEntry(module) { $0["rank"] = .number(JSONNumber(5)) }
        assertFails(folder, mentioning: [".safetensors", module + ".0.weight", "BF16 of shape [5, 40]", "BF16 of shape [6, 40]"]) // an F32 source writes BF16 factors (UnquantizedType)
    }

    func testAMissingTensorIsNamed() throws {
        let module = FactorNaming.modulePath(ofWeight: DecodeFixture.up)!
        try editEntry(module) {
            $0["method"] = .string("caldera")
            $0["backbone_bits"] = .number(JSONNumber(2))
        }
        assertFails(folder, mentioning: [folder, module, module + ".backbone.qweight", "missing"])
    }

    func testAnUnknownMethodIsNamedWithTheConfigFile() throws {
        let module = FactorNaming.modulePath(ofWeight: DecodeFixture.up)!
        try editEntry(module) { $0["method"] = .string("svd") }
        assertFails(folder, mentioning: [folder + "/config.json", module, "method \"svd\""])
    }

    func testAnEntryWithoutShapeTakesItFromTheReport() throws {
        let expected = try CompressedFolder.read(folder)
        for weight in choices.keys { try editEntry(FactorNaming.modulePath(ofWeight: weight)!) { $0["shape"] = nil } }
        XCTAssertEqual(try CompressedFolder.read(folder).layers, expected.layers)
        try FileManager.default.removeItem(atPath: folder + "/" + JobReport.fileName)
        assertFails(folder, mentioning: [folder, JobReport.fileName, "cannot be read"])
    }

    func testADenseFolderGivesItsMaterialisedWeights() throws {
        let settings = LayerCompressionSettings(materializeDense: true)
        _ = try fixture.compress(choices, into: "dense", settings: settings)
        let read = try CompressedFolder.read(fixture.directory + "/dense")
        let memory = try InMemoryCompression.decodedLayers(of: fixture.checkpoint(), choices: choices, settings: settings)
        XCTAssertEqual(read.layers, memory.layers)
        XCTAssertEqual(read.replacedModules.count, 2)
        for layer in read.layers.values {
            guard case .dense = layer else { return XCTFail("a --dense folder holds dense weights") }
        }
    }
}
