import Foundation
import XCTest

/// SIGTERM, SIGHUP and SIGINT sent to the running explorer give the terminal back (alternate
/// screen left, cursor shown, `stty` as before) and end it by that signal, so the shell
/// reports 128 + the signal's number.
final class SignalRestoreTests: XCTestCase {
    func testSIGTERMRestoresTheTerminal() throws {
        try assertSignalRestoresTheTerminal(SIGTERM, named: "SIGTERM")
    }

    func testSIGHUPRestoresTheTerminal() throws {
        try assertSignalRestoresTheTerminal(SIGHUP, named: "SIGHUP")
    }

    func testSIGINTRestoresTheTerminal() throws {
        try assertSignalRestoresTheTerminal(SIGINT, named: "SIGINT")
    }

    /// Ctrl-C (SIGINT, sent to the explorer alone: a Ctrl-C typed into the pane would also reach
    /// the wrapping shell, which gives up its script when its child dies of SIGINT) with an unsaved
    /// rank asks first; Esc keeps the explorer; a second Ctrl-C in the dialog ends it by SIGINT, the
    /// terminal restored, with the unsaved plan written and named.
    func testCtrlCWithUnsavedChangesAsksThenKeepsThePlan() throws {
        let pane = try ExplorerPane(run: "ctrl-c-unsaved")
        defer { pane.close() }
        let tmux = pane.server
        _ = try tmux.waitFor("spectra ready", in: pane.target)
        try tmux.run(["send-keys", "-t", pane.target, "j", "j", "j", "e"])
        _ = try tmux.waitFor("keeps 99% of the energy", in: pane.target)
        let pid = try XCTUnwrap(pane.pid(), "the wrapper never wrote the explorer's pid")
        XCTAssertEqual(kill(pid, SIGINT), 0)
        var text = try tmux.waitFor("y or Ctrl-C quits", in: pane.target)
        XCTAssertTrue(pane.isRunning, "a Ctrl-C with unsaved changes asks first:\n\(text)")
        XCTAssertTrue(text.contains("Discard unsaved changes?"), text)
        try tmux.run(["send-keys", "-t", pane.target, "Escape"])
        text = try tmux.waitFor("Quit cancelled", in: pane.target)
        XCTAssertEqual(kill(pid, SIGINT), 0)
        _ = try tmux.waitFor("y or Ctrl-C quits", in: pane.target)
        XCTAssertEqual(kill(pid, SIGINT), 0)
        let status = try XCTUnwrap(pane.exitStatus(timeout: 10), "the second Ctrl-C did not end the explorer:\n\(pane.shown)")
        XCTAssertEqual(status, 130)
        try pane.assertTerminalRestored("Ctrl-C twice")
        let plans = try FileManager.default.contentsOfDirectory(atPath: pane.unsavedPlans)
        XCTAssertEqual(plans.count, 1, "\(plans)")
        let path = pane.unsavedPlans + "/" + plans[0]
        XCTAssertTrue(pane.shown.contains("rankscope: the plan's unsaved changes are in"), pane.shown)
        let plan = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(plan.contains("k_proj") && plan.contains("\"rank\": 104"), plan)
    }

    /// Starts the explorer, waits until it has taken the screen (title drawn, alternate screen
    /// on), sends `signal` to it alone and checks the aftermath.
    private func assertSignalRestoresTheTerminal(_ signal: Int32, named name: String,
                                                 file: StaticString = #filePath, line: UInt = #line) throws {
        let pane = try ExplorerPane(run: name, file: file, line: line)
        defer { pane.close() }
        XCTAssertEqual(try pane.server.display("#{alternate_on}", in: pane.target), "1", "the explorer uses the alternate screen",
                       file: file, line: line)
        let pid = try XCTUnwrap(pane.pid(), "the wrapper never wrote the explorer's pid", file: file, line: line)
        XCTAssertEqual(kill(pid, signal), 0, "could not send \(name)", file: file, line: line)
        let status = try XCTUnwrap(pane.exitStatus(timeout: 10), "\(name) did not end the explorer:\n\(pane.shown)",
                                   file: file, line: line)
        XCTAssertEqual(status, 128 + Int(signal), "\(name) should end the explorer by the signal itself", file: file, line: line)
        try pane.assertTerminalRestored(name, file: file, line: line)
    }
}
