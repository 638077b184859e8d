import Foundation
import XCTest

/// Drives the real binary in a real terminal (tmux), as a person would: open the demo, move,
/// pick a rank, resize, quit through the confirmation, and check the terminal came back.
final class ExplorerTmuxTests: XCTestCase {
    private let server = TmuxServer()
    private let session = "explorer"
    private var directory = ""

    override func setUpWithError() throws {
        directory = try Harness.temporaryDirectory()
        let which = try Harness.shell("command -v tmux")
        XCTAssertEqual(which.status, 0, "tmux is missing: run scripts/setup")
    }

    override func tearDownWithError() throws {
        server.kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> Harness.Outcome {
        try server.run(arguments)
    }

    private func waitFor(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try server.waitFor(text, in: session, file: file, line: line)
    }

    /// Writes the demo, opens it in a `width`×`height` tmux session (which prints `EXIT=status`
    /// and the terminal's `icanon` flag when the explorer ends) and returns the demo's path.
    private func openDemo(width: Int, height: Int) throws -> String {
        let demo = directory + "/demo"
        let written = try Harness.rankscope(["demo", "--out", demo, "--write-only"], cacheHome: directory)
        XCTAssertEqual(written.status, 0, written.stderr)
        let command = "cd '\(directory)' && XDG_CACHE_HOME='\(directory)' '\(Harness.binary)' '\(demo)'; echo \"EXIT=$?\"; stty -a | grep -o -- '-\\?icanon' ; sleep 20"
        try tmux(["new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", command])
        return demo
    }

    func testDemoExplorerTunesARankAndQuitsCleanly() throws {
        let demo = try openDemo(width: 120, height: 40)

        var text = try waitFor("All 56 spectra ready")
        XCTAssertTrue(text.contains("0 mlp.down_proj"), text)
        XCTAssertTrue(text.contains("block 0 (7)"), text)
        let titleBefore = text.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        XCTAssertTrue(titleBefore.contains("(+0.00%)"), titleBefore)

        try tmux(["send-keys", "-t", session, "j", "j", "j", "e"])
        text = try waitFor("keeps 99% of the energy")
        XCTAssertTrue(text.contains("0 attn.k_proj"), text)
        XCTAssertTrue(text.contains("k=104") || text.contains("rank 104"), text)
        let titleAfter = text.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        XCTAssertNotEqual(titleAfter, titleBefore, "the model totals follow the rank")
        XCTAssertTrue(titleBefore.contains("err 0.00%") && !titleAfter.contains("err 0.00%"), "a truncation has error: \(titleAfter)")

        try tmux(["send-keys", "-t", session, "?"])
        text = try waitFor("Keys")
        XCTAssertTrue(text.contains("previous row"), text)
        try tmux(["send-keys", "-t", session, "Escape"])
        text = try waitFor("Layers")

        try tmux(["resize-window", "-t", session, "-x", "40", "-y", "12"])
        text = try waitFor("rank  error")
        XCTAssertFalse(text.contains("too small"), text)
        XCTAssertTrue(text.contains("0 attn.k_proj"), text)
        try tmux(["resize-window", "-t", session, "-x", "30", "-y", "8"])
        text = try waitFor("too small")
        try tmux(["resize-window", "-t", session, "-x", "120", "-y", "40"])
        text = try waitFor("Spectrum 0 attn.k_proj")

        try tmux(["send-keys", "-t", session, "q"])
        text = try waitFor("Quit?")
        try tmux(["send-keys", "-t", session, "Enter"])
        text = try waitFor("Quit cancelled")
        XCTAssertFalse(text.contains("EXIT="), "Enter on the default (Cancel) keeps the explorer open")
        try tmux(["send-keys", "-t", session, "w", "Enter"])
        text = try waitFor("Saved the plan")
        XCTAssertTrue(FileManager.default.fileExists(atPath: demo + "/rankscope-plan.json"), text)
        try tmux(["send-keys", "-t", session, "q"])
        text = try waitFor("EXIT=")
        text = try waitFor("icanon")  // the stty line comes just after EXIT=
        XCTAssertTrue(text.contains("EXIT=0"), "saved, so q quits without asking:\n\(text)")
        XCTAssertTrue(text.contains("icanon") && !text.contains("-icanon"), "the terminal is back in canonical mode:\n\(text)")
    }

    func testDemoViewsRenderAndACompressionJobCompletesFromTheUI() throws {
        let demo = try openDemo(width: 80, height: 24)
        var text = try waitFor("All 56 spectra ready")
        XCTAssertTrue(text.contains("Spectrum 0 mlp.down_proj"), text)

        try tmux(["send-keys", "-t", session, "2"])
        text = try waitFor("across depth")
        XCTAssertTrue(text.contains("block 0") && text.contains("block 7"), text)
        try tmux(["send-keys", "-t", session, "3"])
        text = try waitFor("Rank for 99% energy")
        XCTAssertTrue(text.contains("attn.q_proj"), text)
        try tmux(["send-keys", "-t", session, "4"])
        text = try waitFor("No layer is factorized yet")
        // Rank 99% energy on the first layer; the sparse view then compares one matrix.
        try tmux(["send-keys", "-t", session, "j", "e"])
        text = try waitFor("1 matrix")
        try tmux(["send-keys", "-t", session, "f"])
        text = try waitFor("the table back")
        XCTAssertFalse(text.contains("Layers "), "the view takes the whole body:\n\(text)")
        try tmux(["send-keys", "-t", session, "f", "Tab"])
        text = try waitFor("No compression job yet")

        try tmux(["send-keys", "-t", session, "c"])
        text = try waitFor("demo-compressed█")
        try tmux(["send-keys", "-t", session, "Enter"])
        text = try waitFor("Compressed 1 layer into")
        XCTAssertTrue(text.contains("done:"), text)
        let report = demo + "-compressed/rankscope-report.json"
        XCTAssertTrue(FileManager.default.fileExists(atPath: report), "the job wrote the checkpoint:\n\(text)")

        try tmux(["send-keys", "-t", session, "w", "Enter"])
        text = try waitFor("Saved the plan")
        try tmux(["send-keys", "-t", session, "q"])
        text = try waitFor("EXIT=")
        text = try waitFor("icanon")  // the stty line comes just after EXIT=
        XCTAssertTrue(text.contains("EXIT=0"), text)
        XCTAssertTrue(text.contains("icanon") && !text.contains("-icanon"), "the terminal is back in canonical mode:\n\(text)")
    }

    func testABadStartingPlanIsOneSentenceBeforeTheScreenIsTaken() throws {
        let model = directory + "/model.safetensors"
        // One 2×2 F32 matrix, written by hand: 8-byte header length, JSON header, data.
        let header = Array(#"{"model.layers.0.mlp.up_proj.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#.utf8)
        let bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
            + [Float(1), 0, 0, 1].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        try Data(bytes).write(to: URL(fileURLWithPath: model))
        let plan = directory + "/plan.json"
        let text = "{\n  \"format\": \"rankscope-plan\",\n  \"version\": 1,\n  \"overrides\": { \"no.such.weight\": { \"rank\": 4 } }\n}\n"
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let outcome = try Harness.rankscope(["tui", model, "--plan", plan], cacheHome: directory)
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(plan) && outcome.stderr.contains("no.such.weight"), outcome.stderr)
        XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
    }

    /// Issue 21, class 16: `TERM=dumb`, a terminal terminfo knows but that cannot move the
    /// cursor (`lpr`), and one it does not know are each one sentence and exit 1, not an
    /// unusable screen (nor ncurses' own exit message).
    func testATerminalCursesCannotDriveIsOneSentence() throws {
        let model = directory + "/model.safetensors"
        let header = Array(#"{"model.layers.0.mlp.up_proj.weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#.utf8)
        let bytes = withUnsafeBytes(of: UInt64(header.count).littleEndian, Array.init) + header
            + [Float(1), 0, 0, 1].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        try Data(bytes).write(to: URL(fileURLWithPath: model))
        for (term, says) in [("dumb", "TERM is 'dumb'"), ("lpr", "TERM is 'lpr'"), ("no-such-term", "terminfo does not know")] {
            let command = "TERM=\(term) \(TmuxServer.quoted(Harness.binary)) tui \(TmuxServer.quoted(model)); echo EXIT=$?; sleep 30"
            try server.start(term, width: 200, height: 20, command: command)
            let screen = try XCTUnwrap(try server.poll(term, for: "EXIT=", timeout: 30))
            XCTAssertTrue(screen.contains("EXIT=1"), screen)
            XCTAssertTrue(screen.contains(says), screen)
            XCTAssertFalse(screen.contains("Error opening terminal"), "our sentence, not ncurses' exit: \(screen)")
        }
    }

    /// Issue 21, class 16: pasting 16 kB into a prompt arrives as one burst of keys, drawn once,
    /// so the UI answers within a second or two instead of redrawing 16 000 times.
    func testPastingSixteenKilobytesIntoAPromptKeepsTheUIResponsive() throws {
        _ = try openDemo(width: 80, height: 24)
        _ = try waitFor("All 56 spectra ready")
        try tmux(["send-keys", "-t", session, "w", "C-u"])
        _ = try waitFor("save plan to: █")
        let pasted = String(repeating: "abcdefgh", count: 2_048) + "END"
        let file = directory + "/paste.txt"
        try pasted.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try tmux(["load-buffer", "-b", "paste", file]).status, 0)
        let started = Date()
        try tmux(["paste-buffer", "-b", "paste", "-t", session])
        _ = try server.waitFor("hEND█", in: session, timeout: 20)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertLessThan(seconds, 3, "16 kB pasted in \(seconds) s")
        print("16 kB paste shown after \(String(format: "%.2f", seconds)) s")
        try tmux(["send-keys", "-t", session, "Escape"])
        _ = try waitFor("Cancelled.")
        try tmux(["send-keys", "-t", session, "/"])
        _ = try waitFor("\n/█")
        try tmux(["paste-buffer", "-b", "paste", "-t", session])
        _ = try waitFor("hEND█")
        try tmux(["send-keys", "-t", session, "Enter"])
        _ = try waitFor("Not a valid regular expression: /abcdefgh")  // over BoundedRegex's 1000 scalars
        try tmux(["send-keys", "-t", session, "q"])
        let text = try waitFor("EXIT=")
        XCTAssertTrue(text.contains("EXIT=0"), text)
    }
}
