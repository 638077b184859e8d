import Foundation
import PythonOracle
import XCTest

/// `rankscope tui MODEL --text FILE` on all-MiniLM-L6-v2 in a real terminal: a budget plan, `v`
/// measures it with `rankscope eval --events` in the background, and the jobs view and status
/// line show the embedding cosine that `rankscope eval --plan … --json` reports for the same plan.
final class ExplorerMeasureTmuxTests: XCTestCase {
    private let server = TmuxServer()
    private let session = "measure"
    private var directory = ""

    override func setUpWithError() throws {
        XCTAssertEqual(try Harness.shell("command -v tmux").status, 0, "tmux is missing: run scripts/setup")
        directory = try Harness.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        server.kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func waitFor(_ text: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try server.waitFor(text, in: session, timeout: timeout, file: file, line: line)
    }

    private func keys(_ keys: String...) throws {
        for key in keys { try server.run(["send-keys", "-t", session, key]) }
    }

    func testVMeasuresThePlanAndShowsTheFigureEvalReports() throws {
        let model: URL, texts: URL
        do {
            (model, texts) = (try TestModels.folder(TestModels.miniLM), try TestModels.folder(TestModels.texts))
        } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
        let text = directory + "/sentences.txt", plan = directory + "/plan.json", cache = directory + "/cache"
        let lines = try String(contentsOf: texts.appendingPathComponent("sentences.txt"), encoding: .utf8).split(separator: "\n")
        try lines.prefix(12).joined(separator: "\n").write(toFile: text, atomically: true, encoding: .utf8)

        // A text that is not there: one sentence naming it, before the terminal is touched.
        let missing = try Harness.rankscope(["tui", model.path, "--text", directory + "/absent.txt"], cacheHome: cache)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stdout, "", "nothing drawn")
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains(directory + "/absent.txt"), missing.stderr)

        let command = "cd \(TmuxServer.quoted(directory)) && XDG_CACHE_HOME=\(TmuxServer.quoted(cache)) "
            + [Harness.binary, "tui", model.path, "--text", text].map(TmuxServer.quoted).joined(separator: " ")
            + #"; echo "EXIT=$?"; sleep 60"#
        try server.start(session, width: 80, height: 24, command: command)
        _ = try waitFor("All 37 spectra ready", timeout: 120)
        try keys("v")
        _ = try waitFor("The plan keeps every layer as stored")
        try keys("a")
        _ = try waitFor("Budget")
        try keys("9", "0", "%", "Enter")
        _ = try waitFor("layers changed")
        try keys("Escape", "w", "C-u")
        try server.run(["send-keys", "-t", session, "-l", plan])
        try keys("Enter")
        _ = try waitFor("Saved the plan to")
        try keys("v")
        var screen = try waitFor("Measuring the plan: rankscope eval over sentences.txt")
        XCTAssertTrue(screen.contains("Measured plans"), screen)
        screen = try waitFor("meas 0.", timeout: 180)
        let status = try XCTUnwrap(screen.split(separator: "\n").last { $0.hasPrefix("Measured ") }, screen)
        let shown = try XCTUnwrap(status.range(of: #"embedding cosine (0\.\d{3})"#, options: .regularExpression).map { String(status[$0].suffix(5)) },
                                  String(status))
        XCTAssertTrue(screen.contains("meas " + shown), screen)

        // The same plan through the command line: the same figure.
        let outcome = try Harness.rankscope(["eval", model.path, "--text", text, "--plan", plan, "--json"], cacheHome: cache)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(try Harness.json(outcome.stdout) as? [String: Any])
        let cosine = try XCTUnwrap((report["agreement"] as? [String: Any])?["mean_cosine"] as? Double)
        XCTAssertEqual(shown, String(format: "%.3f", cosine))
        XCTAssertLessThan(cosine, 0.999, "the plan changes the model")

        // The same plan again is not run again; on a tiny screen the view still says what it was.
        try keys("v")
        _ = try waitFor("This plan was measured already: embedding cosine " + shown)
        try server.resize(session, width: 40, height: 12)
        try keys("f")
        screen = try waitFor("meas " + shown)
        XCTAssertTrue(screen.contains("#1 "), screen)
        try keys("q")
        _ = try waitFor("EXIT=0")
    }
}
