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
