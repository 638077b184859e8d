import Foundation
import PythonOracle
import XCTest

/// rankscope loads OpenBLAS on its first BLAS call (`Sources/COpenBLAS`), not at start-up:
/// commands that compute nothing never load it, and a missing library is reported in one
/// sentence at the first computation. `RANKSCOPE_OPENBLAS_LIBRARY` (a test-only override of
/// the library name) stands in for a machine without OpenBLAS.
final class OpenBLASLoadingTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// A one-matrix checkpoint written by Python's safetensors.
    private func writeCheckpoint() throws -> String {
        let path = directory + "/one.safetensors"
        try PythonOracle.run("""
        import sys, numpy as np
        from safetensors.numpy import save_file
        save_file({"model.layers.0.mlp.up_proj.weight": np.random.default_rng(1).standard_normal((12, 8)).astype(np.float32)}, sys.argv[1])
        """, [path])
        return path
    }

    private func rankscope(_ arguments: [String], library: String) throws -> Harness.Outcome {
        try Harness.run(Harness.binary, arguments,
                        environment: ["XDG_CACHE_HOME": directory + "/cache", "RANKSCOPE_OPENBLAS_LIBRARY": library])
    }

    func testMissingOpenBLASIsOneSentenceAtTheFirstComputation() throws {
        let path = try writeCheckpoint()
        let missing = "librankscope-no-such-openblas.so.0"
        let outcome = try rankscope(["spectra", path], library: missing)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let lines = outcome.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line: \(outcome.stderr)")
        XCTAssertTrue(outcome.stderr.contains("OpenBLAS") && outcome.stderr.contains(missing), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("scripts/setup") && outcome.stderr.contains("libopenblas-dev"), outcome.stderr)
    }

    /// The explorer asks for the library before curses takes the terminal, so the sentence is
    /// printed on a normal screen (here there is no terminal at all: a later check would fail
    /// with curses' own complaint instead).
    func testExplorerReportsMissingOpenBLASBeforeTakingTheTerminal() throws {
        let path = try writeCheckpoint()
        let missing = "librankscope-no-such-openblas.so.0"
        let outcome = try rankscope(["tui", path], library: missing)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, "one line: \(outcome.stderr)")
        XCTAssertTrue(outcome.stderr.contains("OpenBLAS") && outcome.stderr.contains(missing), outcome.stderr)
        XCTAssertTrue(outcome.stdout.isEmpty, "nothing drawn: \(outcome.stdout.debugDescription)")
    }

    func testCommandsThatDoNotComputeNeverLoadOpenBLAS() throws {
        let path = try writeCheckpoint()
        let missing = "librankscope-no-such-openblas.so.0"
        let inspect = try rankscope(["inspect", path], library: missing)
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("total: 1 tensors"), inspect.stdout)
        let version = try rankscope(["--version"], library: missing)
        XCTAssertEqual(version.status, 0, version.stderr)
    }

    func testTheRealLibraryIsFoundByDefault() throws {
        let path = try writeCheckpoint()
        let outcome = try rankscope(["spectra", path], library: "")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.isEmpty || !outcome.stderr.contains("OpenBLAS"), outcome.stderr)
    }
}
