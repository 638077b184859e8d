import Foundation
import PythonOracle
import XCTest

/// Issue 21, class 3: tensor names and config fields holding control characters (a title-setting
/// OSC, a screen clear, CR/LF, NUL, a bidi override) are escaped in every human output — inspect,
/// spectra, plan, the compress table and error sentences — and NUL no longer ends a listing.
final class HostileNameTests: XCTestCase {
    private var directory = ""
    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func writeCheckpoint() throws -> String {
        let folder = directory + "/evil"
        try PythonOracle.run("""
        import sys, os, json, numpy as np
        from safetensors.numpy import save_file
        d = sys.argv[1]; os.makedirs(d)
        rng = np.random.default_rng(3)
        names = ["model.layers.0.self_attn.q_proj\\x1b]0;pwned\\x07\\x1b[2J.weight", "model.layers.0.mlp.up_proj\\r\\nforged.weight",
                 "model.layers.1.mlp.down\\x00proj.weight", "model.layers.1.self_attn.o_proj\\u202e.weight"]
        save_file({n: rng.standard_normal((24, 24)).astype(np.float32) for n in names}, os.path.join(d, "model.safetensors"))
        json.dump({"architectures": ["Evil\\x1b[31mArch"], "hidden_size": 24}, open(os.path.join(d, "config.json"), "w"))
        json.dump({"format": "rankscope-plan", "version": 1, "rules": [{"match": "proj", "rank": 4}]}, open(sys.argv[2], "w"))
        """, [folder, directory + "/plan.json"])
        return folder
    }

    /// No byte below 0x20 but the line feed, no DEL, no C1 control, no U+202E.
    private func assertClean(_ text: String, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || ($0.value >= 0x7F && $0.value < 0xA0) || $0.value == 0x202E }
        XCTAssertTrue(bad.isEmpty, "\(label) prints raw control characters \(bad.map(\.value))", file: file, line: line)
    }

    func testHumanOutputEscapesControlCharacters() throws {
        let folder = try writeCheckpoint()
        let cache = directory + "/cache"
        let runs: [(String, [String])] = [
            ("inspect", ["inspect", folder]), ("spectra", ["spectra", folder]),
            ("plan", ["plan", folder, "--plan", directory + "/plan.json"]),
            ("compress", ["compress", folder, "--plan", directory + "/plan.json", "--out", directory + "/out"]),
        ]
        for (label, arguments) in runs {
            let outcome = try Harness.rankscope(arguments, cacheHome: cache)
            XCTAssertEqual(outcome.status, 0, "\(label): \(outcome.stderr)")
            assertClean(outcome.stdout, label)
            assertClean(outcome.stderr, label + " (stderr)")
            if label != "plan" {
                XCTAssertTrue(outcome.stdout.contains("q_proj\\x1B]0;pwned\\x07\\x1B[2J.weight"), "\(label): \(outcome.stdout)")
                XCTAssertTrue(outcome.stdout.contains("up_proj\\r\\nforged.weight"), "\(label): \(outcome.stdout)")
                XCTAssertTrue(outcome.stdout.contains("down\\0proj.weight"), "\(label): \(outcome.stdout)")
            }
        }
        let inspect = try Harness.rankscope(["inspect", folder], cacheHome: cache)
        XCTAssertTrue(inspect.stdout.contains("config.json: Evil\\x1B[31mArch"), inspect.stdout)
        XCTAssertTrue(inspect.stdout.contains("o_proj\\u{202E}.weight"), inspect.stdout)
        XCTAssertTrue(inspect.stdout.contains("\ntotal: 4 tensors"), "NUL no longer ends the listing: \(inspect.stdout)")

        let missing = try Harness.rankscope(["inspect", directory + "/no\u{1B}[2Jsuch\nfile"], cacheHome: cache)
        XCTAssertEqual(missing.status, 1)
        assertClean(missing.stderr, "error sentence")
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no\\x1B[2Jsuch\\nfile"), missing.stderr)
    }
}
