import Foundation
import PythonOracle
import XCTest

/// The option groups the commands share: `--jobs` split into `--spectrum-threads` (spectra, plan)
/// and `--parallel-layers` (compress, merge, eval), the old spelling still accepted and said so in
/// help; `--json`, `--no-cache` and `--stats` spelled and explained alike everywhere; `--text`,
/// `--seq-len` and `--max-tokens` with each command's own defaults.
final class SharedOptionsTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func help(_ command: String) throws -> String {
        let outcome = try Harness.rankscope([command, "--help"], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        // ArgumentParser wraps help at the terminal width: compare with the line breaks folded.
        return outcome.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    func testEachMeaningOfJobsHasItsOwnNameAndTheOldSpellingIsDocumented() throws {
        for command in ["spectra", "plan"] {
            let text = try help(command)
            XCTAssertTrue(text.contains("--spectrum-threads, --jobs <n>"), "\(command): \(text)")
            XCTAssertTrue(text.contains("--jobs is its old name, still accepted"), command)
            XCTAssertFalse(text.contains("--parallel-layers"), command)
        }
        for command in ["compress", "merge", "eval"] {
            let text = try help(command)
            XCTAssertTrue(text.contains("--parallel-layers, --jobs <n>"), "\(command): \(text)")
            XCTAssertTrue(text.contains("--jobs is its old name, still accepted"), command)
            XCTAssertFalse(text.contains("--spectrum-threads"), command)
        }
        for command in ["inspect", "stats", "sensitivity", "tui"] {
            XCTAssertFalse(try help(command).contains("--jobs"), command)
        }
    }

    func testSharedOptionsReadTheSameInEveryCommand() throws {
        let json = "--json Print one JSON document on standard output instead of the table"
        let noCache = "--no-cache Neither read nor write the caches under $XDG_CACHE_HOME/rankscope"
        let stats = "--stats <file> Activation statistics (`rankscope stats`): work on data-aware spectra of W·S"
        let expectations: [(String, [String])] = [
            ("inspect", [json]), ("spectra", [json, noCache, stats]), ("plan", [json, noCache, stats]),
            ("compress", [json, noCache, stats]), ("merge", [json, noCache, stats]), ("eval", [json, noCache, stats]),
            ("sensitivity", [noCache, stats]), ("tui", [stats]),
        ]
        for (command, options) in expectations {
            let text = try help(command)
            for option in options { XCTAssertTrue(text.contains(option), "\(command) lacks “\(option)”: \(text)") }
        }
        for (command, seqLen) in [("eval", 512), ("stats", 2048), ("sensitivity", 128)] {
            let text = try help(command)
            XCTAssertTrue(text.contains("--text <file>"), command)
            XCTAssertTrue(text.contains("(default: \(seqLen))"), "\(command): \(text)")
            XCTAssertTrue(text.contains("--max-tokens <max-tokens> Use at most this many tokens of the text"), command)
        }
    }

    /// Both spellings set the same thing: the spectra are equal, and both refuse 0 naming the new name.
    func testOldAndNewSpellingsParseAlike() throws {
        try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        rng = np.random.default_rng(5)
        save_file({f"model.layers.{b}.mlp.up_proj.weight": rng.standard_normal((24, 16)).astype(np.float32) for b in range(3)},
                  sys.argv[1] + "/model.safetensors")
        """, [directory])
        let model = directory + "/model.safetensors"
        var outputs: [String] = []
        for spelling in ["--jobs", "--spectrum-threads"] {
            let outcome = try Harness.rankscope(["spectra", model, "--json", "--values", "--no-cache", spelling, "2"], cacheHome: directory + "/cache")
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            outputs.append(outcome.stdout)
            let zero = try Harness.rankscope(["spectra", model, spelling, "0"], cacheHome: directory + "/cache")
            XCTAssertEqual(zero.status, 2)
            XCTAssertTrue(zero.stderr.contains("--spectrum-threads (--jobs) must be at least 1."), zero.stderr)
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertTrue(outputs[0].contains("\"singular_values\""))
        let bits = try Harness.rankscope(["sensitivity", model, "--text", model, "--out", directory + "/profile.json", "--bits", "5"],
                                         cacheHome: directory + "/cache")
        XCTAssertEqual(bits.status, 1)
        XCTAssertTrue(bits.stderr.hasPrefix("rankscope: --bits '5' must list bit widths"), "names the option given: \(bits.stderr)")
        for spelling in ["--jobs", "--parallel-layers"] {
            let zero = try Harness.rankscope(["compress", model, "--plan", directory + "/none.json", "--out", directory + "/out", spelling, "0"],
                                             cacheHome: directory + "/cache")
            XCTAssertEqual(zero.status, 2)
            XCTAssertTrue(zero.stderr.contains("--parallel-layers (--jobs) must be at least 1."), zero.stderr)
        }
    }
}
