import Foundation
import XCTest

/// A private tmux server (`tmux -L <unique socket>`) for tests that drive the real binary in a
/// real terminal. Its own socket keeps it away from the user's tmux and from other tests;
/// ``kill()`` ends it with everything it started.
struct TmuxServer {
    /// The socket name passed to `tmux -L`.
    let socket = "rankscope-test-\(UUID().uuidString.prefix(8))"

    /// Runs `tmux -L socket arguments…` (through ``Harness/shell(_:)``, since tmux leaves a
    /// server process behind).
    @discardableResult
    func run(_ arguments: [String]) throws -> Harness.Outcome {
        try Harness.shell((["tmux", "-L", socket] + arguments).map(TmuxServer.quoted).joined(separator: " "))
    }

    /// `word` in single quotes for `/bin/sh`.
    static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Starts a detached session `name` of `width`×`height` running `command` under `/bin/sh`.
    func start(_ name: String, width: Int, height: Int, command: String) throws {
        let outcome = try run(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command])
        XCTAssertEqual(outcome.status, 0, "tmux new-session failed: \(outcome.stdout)")
    }

    /// The visible text of `target`'s pane.
    func screen(_ target: String) throws -> String {
        try run(["capture-pane", "-p", "-t", target]).stdout
    }

    /// A tmux format (`#{alternate_on}`, `#{pane_width}`…) evaluated for `target`.
    func display(_ format: String, in target: String) throws -> String {
        try run(["display-message", "-p", "-t", target, format]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sets the session's window to `width`×`height` cells.
    func resize(_ target: String, width: Int, height: Int) throws {
        try run(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls `target`'s screen every 0.1 s until it contains `text`, then until the frame has
    /// settled; nil after `timeout` seconds.
    ///
    /// Settling matters because a frame reaches tmux as a stream of bytes: under load a capture
    /// can show the first rows of a new frame (say, the header naming a new view) above rows of
    /// the old one. The screen is captured again every 0.05 s until two captures agree (at most
    /// 2 s), and the last capture still showing `text` is returned.
    func poll(_ target: String, for text: String, timeout: TimeInterval) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            var shown = try screen(target)
            if shown.contains(text) {
                let settleBy = Date().addingTimeInterval(2)
                while Date() < settleBy {
                    Thread.sleep(forTimeInterval: 0.05)
                    let again = try screen(target)
                    if again == shown || !again.contains(text) { break }
                    shown = again
                }
                return shown
            }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        return nil
    }

    /// Like ``poll(_:for:timeout:)`` but fails the test (showing the last screen) on timeout.
    @discardableResult
    func waitFor(_ text: String, in target: String, timeout: TimeInterval = 30,
                 file: StaticString = #filePath, line: UInt = #line) throws -> String {
        if let shown = try poll(target, for: text, timeout: timeout) { return shown }
        let last = try screen(target)
        XCTFail("screen never showed '\(text)':\n\(last)", file: file, line: line)
        return last
    }

    /// Ends the server and every process in its panes.
    func kill() {
        _ = try? run(["kill-server"])
    }
}
