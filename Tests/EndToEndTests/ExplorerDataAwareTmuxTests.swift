import Foundation
import PythonOracle
import XCTest

/// `rankscope PATH --stats FILE` in a real terminal: the statistics are checked before the
/// screen is taken, both kinds of spectra compute, and `D` switches the table, the totals and
/// the title to the data-aware figures, which numpy computes here from the same files.
final class ExplorerDataAwareTmuxTests: XCTestCase {
    private let server = TmuxServer()
    private let session = "explorer"
    private var directory = ""

    override func setUpWithError() throws {
        directory = try Harness.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/model", withIntermediateDirectories: true)
        XCTAssertEqual(try Harness.shell("command -v tmux").status, 0, "tmux is missing: run scripts/setup")
    }

    override func tearDownWithError() throws {
        server.kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes `model/model.safetensors` (up_proj 16×10, down_proj 10×16, F32) and
    /// `stats.safetensors` through the collector's accumulator, as DataAwareSpectraTests does,
    /// a stats file of the wrong width at `narrow.safetensors`, and `expected.json`: up_proj's
    /// relative weight error at rank 3 (SVD of W) and relative output error at rank 3 (SVD of
    /// W·S, S the Cholesky factor of the second moment read back from the file), and the model's
    /// output error with up_proj at rank 3 and down_proj dense.
    private let writer = StatisticsFixture.preamble + """
    acc = cs.StatsAccumulator()
    acc.add_activations("model.layers.0.mlp.up_proj", activations(10, 400).T)
    acc.add_activations("model.layers.0.mlp.down_proj", activations(16, 300).T)
    meta = {"format": cs.FORMAT, "version": cs.VERSION}
    save_file(acc.tensors(), out + "/stats.safetensors", metadata=meta)
    narrow = cs.StatsAccumulator()
    narrow.add_activations("model.layers.0.mlp.up_proj", activations(7, 50).T)
    save_file(narrow.tensors(), out + "/narrow.safetensors", metadata=meta)
    stats = load_file(out + "/stats.safetensors")
    def output_energy(name, w):
        moment = stats[name + ".input_second_moment"].astype(np.float64)
        s = np.linalg.svd(w.astype(np.float64) @ np.linalg.cholesky(moment), compute_uv=False)
        return s * s
    def error(energy, k): return float(np.sqrt(energy[k:].sum() / energy.sum()))
    plain = np.linalg.svd(up.astype(np.float64), compute_uv=False) ** 2
    up_out = output_energy("model.layers.0.mlp.up_proj", up)
    down_out = output_energy("model.layers.0.mlp.down_proj", down)
    json.dump({"weight_error": error(plain, 3), "output_error": error(up_out, 3),
               "model_output_error": float(np.sqrt(up_out[3:].sum() / (up_out.sum() + down_out.sum())))},
              open(out + "/expected.json", "w"))
    """

    private func percent(_ value: Any?) throws -> String {
        String(format: "%.2f%%", try XCTUnwrap(value as? Double) * 100)
    }

    private func waitFor(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try server.waitFor(text, in: session, file: file, line: line)
    }

    /// The table line of `0 mlp.up_proj` on `screen`, its cells split on spaces.
    private func upProjCells(_ screen: String) throws -> [String] {
        let line = try XCTUnwrap(screen.split(separator: "\n").first { $0.hasPrefix("│") && $0.contains("0 mlp.up_proj") }, screen)
        let table = line.split(separator: "│", omittingEmptySubsequences: true).first ?? ""
        return table.split(separator: " ").map(String.init)
    }

    func testDKeySwitchesTheExplorerToDataAwareFigures() throws {
        try PythonOracle.run(writer, [directory, StatisticsFixture.collector])
        let expected = try XCTUnwrap(Harness.json(String(contentsOfFile: directory + "/expected.json", encoding: .utf8)) as? [String: Any])
        let model = directory + "/model", stats = directory + "/stats.safetensors"

        // Statistics that do not fit the checkpoint: one sentence before the terminal is touched.
        let bad = try Harness.rankscope(["tui", model, "--stats", directory + "/narrow.safetensors"], cacheHome: directory + "/cache")
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stdout, "", "nothing drawn")
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
        XCTAssertTrue(bad.stderr.contains(directory + "/narrow.safetensors") && bad.stderr.contains("10 channels"), bad.stderr)

        let command = "cd \(TmuxServer.quoted(directory)) && XDG_CACHE_HOME=\(TmuxServer.quoted(directory + "/cache")) "
            + [Harness.binary, model, "--stats", stats].map(TmuxServer.quoted).joined(separator: " ")
            + #"; echo "EXIT=$?"; sleep 60"#
        try server.start(session, width: 80, height: 24, command: command)
        var text = try waitFor("All 2 data-aware spectra ready (D shows them).")
        XCTAssertTrue(text.contains("spectrum: weights"), text)

        try server.run(["send-keys", "-t", session, "j", "=", "3", "Enter"])
        text = try waitFor("0 mlp.up_proj: rank 3 of 10.")
        let weightError = try percent(expected["weight_error"])
        XCTAssertEqual(try upProjCells(text).last, weightError, text)
        XCTAssertTrue(text.contains("error \(weightError)"), text)

        try server.run(["send-keys", "-t", session, "D"])
        text = try waitFor("Data-aware spectra: errors are output errors")  // the status line, drawn last
        XCTAssertTrue(text.contains("spectrum: data-aware (output error)"), text)
        let outputError = try percent(expected["output_error"])
        XCTAssertNotEqual(outputError, weightError)
        XCTAssertEqual(try upProjCells(text).last, outputError, text)
        XCTAssertTrue(text.contains("output error \(outputError)"), text)
        XCTAssertTrue(text.contains("out-err " + (try percent(expected["model_output_error"]))), text)
        XCTAssertTrue(text.contains("Data-aware 0 mlp.up_proj"), text)
        XCTAssertTrue(text.contains("Data-aware spectra: errors are output errors"), text)
        XCTAssertTrue(text.contains("3    156B"), "the choice stays rank 3:\n\(text)")

        try server.resize(session, width: 40, height: 12)
        text = try waitFor("name ↑  data-aware")
        XCTAssertEqual(try upProjCells(text).last, outputError, text)

        try server.run(["send-keys", "-t", session, "D"])
        text = try waitFor("Weight spectra")
        XCTAssertEqual(try upProjCells(text).last, weightError, text)
        XCTAssertFalse(text.contains("data-aware"), text)

        try server.run(["send-keys", "-t", session, "q"])
        text = try waitFor("Quit?")
        try server.run(["send-keys", "-t", session, "y"])
        text = try waitFor("EXIT=0")
    }
}
