import Foundation
import PythonOracle
import XCTest

/// Bad input gets one sentence naming the file, exit status 1, and no trace; a bad command
/// line gets status 2.
final class ErrorTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func write(_ bytes: [UInt8], _ name: String) -> String {
        let path = directory + "/" + name
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    private func file(header: String, dataBytes: Int, _ name: String) -> String {
        let json = Array(header.utf8)
        var length = UInt64(json.count).littleEndian
        return write(withUnsafeBytes(of: &length) { Array($0) } + json + Array(repeating: 0, count: dataBytes), name)
    }

    func testMalformedInputsGiveOneClearSentence() throws {
        let good = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"
        try assertOneSentence(cacheHome: directory + "/cache", [directory + "/absent.safetensors"], naming: "absent.safetensors", mentions: "no such")
        try assertOneSentence(cacheHome: directory + "/cache", [write([], "empty.safetensors")], naming: "empty.safetensors", mentions: "empty")
        try assertOneSentence(cacheHome: directory + "/cache", [write([200, 0, 0, 0, 0, 0, 0, 0, 0x7B], "long.safetensors")], naming: "long.safetensors", mentions: "beyond")
        try assertOneSentence(cacheHome: directory + "/cache", [file(header: "not json at all", dataBytes: 0, "nonjson.safetensors")], naming: "nonjson.safetensors", mentions: "json")
        try assertOneSentence(cacheHome: directory + "/cache", [file(header: good.replacingOccurrences(of: "[0,16]", with: "[0,64]"), dataBytes: 16, "range.safetensors")], naming: "range.safetensors", mentions: "w")
        try assertOneSentence(cacheHome: directory + "/cache", [file(header: "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]}}", dataBytes: 24, "overlap.safetensors")], naming: "overlap.safetensors", mentions: "overlap")
        try assertOneSentence(cacheHome: directory + "/cache", [file(header: good.replacingOccurrences(of: "[2,2]", with: "[2,3]"), dataBytes: 16, "shape.safetensors")], naming: "shape.safetensors", mentions: "w")
        try assertOneSentence(cacheHome: directory + "/cache", [file(header: good.replacingOccurrences(of: "F32", with: "Q4_K"), dataBytes: 16, "dtype.safetensors")], naming: "dtype.safetensors", mentions: "Q4_K")
        let sharded = directory + "/sharded"
        try FileManager.default.createDirectory(atPath: sharded, withIntermediateDirectories: true)
        try "{\"metadata\":{},\"weight_map\":{\"w\":\"model-00001-of-00002.safetensors\"}}".write(toFile: sharded + "/model.safetensors.index.json", atomically: true, encoding: .utf8)
        try assertOneSentence(cacheHome: directory + "/cache", [sharded], naming: "model-00001-of-00002.safetensors", mentions: "model-00001-of-00002.safetensors")
    }

    func testUsageErrorsExitWithTwoAndHelpWithZero() throws {
        let unknown = try Harness.rankscope(["inspect"], cacheHome: directory)
        XCTAssertEqual(unknown.status, 2, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("Usage"), unknown.stderr)
        let badFlag = try Harness.rankscope(["spectra", directory, "--no-such-flag"], cacheHome: directory)
        XCTAssertEqual(badFlag.status, 2)
        let badRegex = try Harness.rankscope(["spectra", directory, "--filter", "("], cacheHome: directory)
        XCTAssertEqual(badRegex.status, 2)
        XCTAssertTrue(badRegex.stderr.contains("--filter"), badRegex.stderr)
        for command in [[], ["inspect"], ["spectra"], ["demo"]] {
            let help = try Harness.rankscope(command + ["--help"], cacheHome: directory)
            XCTAssertEqual(help.status, 0, "\(command) --help")
            XCTAssertTrue(help.stdout.contains("USAGE"), help.stdout)
        }
    }

    func testNonFiniteMatrixIsNamedAndOthersStillReported() throws {
        let script = """
        import sys, numpy as np
        from safetensors.numpy import save_file
        a = np.eye(6, dtype=np.float32); a[2, 3] = np.inf
        save_file({"model.layers.0.mlp.up_proj.weight": a, "model.layers.0.mlp.down_proj.weight": np.eye(6, dtype=np.float32)}, sys.argv[1])
        """
        let path = directory + "/inf.safetensors"
        try PythonOracle.run(script, [path])
        let outcome = try Harness.rankscope(["spectra", path, "--no-cache"], cacheHome: directory)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stderr.contains("model.layers.0.mlp.up_proj.weight"), outcome.stderr)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("model.layers.0.mlp.down_proj.weight"), outcome.stdout)
    }
}
