import Foundation
import XCTest

/// Drives the real binary in a real terminal (tmux), as a person would: open the demo, move,
/// pick a rank, resize, quit through the confirmation, and check the terminal came back.
final class ExplorerTmuxTests: XCTestCase {
    private let session = "rankscope-e2e-\(UUID().uuidString.prefix(8))"
    private var directory = ""

    override func setUpWithError() throws {
        directory = try Harness.temporaryDirectory()
        let which = try Harness.shell("command -v tmux")
        XCTAssertEqual(which.status, 0, "tmux is missing: run scripts/setup")
    }

    override func tearDownWithError() throws {
        _ = try? tmux(["kill-session", "-t", session])
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> Harness.Outcome {
        try Harness.shell((["tmux"] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " "))
    }

    private func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", session]).stdout
    }

    /// Polls the screen until it contains `text` (or 30 s pass).
    private func waitFor(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(30)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("screen never showed '\(text)':\n\(last)", file: file, line: line)
        return last
    }

    func testDemoExplorerTunesARankAndQuitsCleanly() throws {
        let demo = directory + "/demo"
        let written = try Harness.rankscope(["demo", "--out", demo, "--write-only"], cacheHome: directory)
        XCTAssertEqual(written.status, 0, written.stderr)
        let command = "XDG_CACHE_HOME='\(directory)' '\(Harness.binary)' '\(demo)'; echo \"EXIT=$?\"; stty -a | grep -o -- '-\\?icanon' ; sleep 20"
        try tmux(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", command])

        var text = try waitFor("All 56 spectra ready")
        XCTAssertTrue(text.contains("0 mlp.down_proj"), text)
        XCTAssertTrue(text.contains("break-even"), text)

        try tmux(["send-keys", "-t", session, "j", "j", "j", "e"])
        text = try waitFor("keeps 99% of the energy")
        XCTAssertTrue(text.contains("0 attn.k_proj"), text)
        XCTAssertTrue(text.contains("k=104") || text.contains("rank 104"), text)

        try tmux(["resize-window", "-t", session, "-x", "30", "-y", "8"])
        text = try waitFor("too small")
        try tmux(["resize-window", "-t", session, "-x", "100", "-y", "30"])
        text = try waitFor("Layers")

        try tmux(["send-keys", "-t", session, "q"])
        text = try waitFor("Quit?")
        try tmux(["send-keys", "-t", session, "Enter"])
        text = try waitFor("Layers")
        XCTAssertFalse(text.contains("EXIT="), "Enter on the default (Cancel) keeps the explorer open")
        try tmux(["send-keys", "-t", session, "q", "y"])
        text = try waitFor("EXIT=")
        XCTAssertTrue(text.contains("EXIT=0"), text)
        XCTAssertTrue(text.contains("icanon") && !text.contains("-icanon"), "the terminal is back in canonical mode:\n\(text)")
    }
}
