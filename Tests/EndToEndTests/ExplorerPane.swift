import Foundation
import XCTest

/// The real explorer on the demo checkpoint, in a pane of a private tmux server, wrapped in a
/// shell that records what a person would see afterwards: the explorer's pid, its exit status
/// (as the shell reports it: 128 + n after signal n) and `stty -a` before and after.
final class ExplorerPane {
    /// The tmux server; the explorer runs in its session ``target``.
    let server = TmuxServer()
    /// The session holding the explorer.
    let target = "explorer"
    private let directory: String

    /// A temporary folder with the demo checkpoint (`rankscope demo --write-only`) in `demo/`,
    /// written once per test process and removed when it exits.
    private static let shared: Result<(folder: String, demo: String), Error> = Result {
        let folder = try Harness.temporaryDirectory()
        atexit { if case .success(let shared) = ExplorerPane.shared { try? FileManager.default.removeItem(atPath: shared.folder) } }
        let written = try Harness.rankscope(["demo", "--out", folder + "/demo", "--write-only"], cacheHome: folder + "/cache")
        guard written.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: written.stderr]) }
        return (folder, folder + "/demo")
    }

    /// Starts the explorer on the shared demo checkpoint in a fresh folder named `run` (for the
    /// pid, status and `stty` files) and waits until it has drawn its title.
    convenience init(run: String, width: Int = 100, height: Int = 30, file: StaticString = #filePath, line: UInt = #line) throws {
        let shared = try Self.shared.get()
        let directory = shared.folder + "/" + run
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try self.init(checkpoint: shared.demo, directory: directory, width: width, height: height, file: file, line: line)
    }

    /// Starts `rankscope CHECKPOINT` (the explorer on `checkpoint`, with an empty spectrum
    /// cache, and unsaved plans kept in ``unsavedPlans``) in a `width`×`height` pane, the wrapper's files in the existing folder
    /// `directory`, and waits until it has drawn its title.
    init(checkpoint: String, directory: String, width: Int = 100, height: Int = 30,
         file: StaticString = #filePath, line: UInt = #line) throws {
        self.directory = directory
        let explorer = ["sh", "-c", #"echo $$ > "$0"; exec "$@""#, directory + "/pid",
                        "env", "XDG_CACHE_HOME=" + directory + "/cache", "XDG_STATE_HOME=" + directory + "/state", Harness.binary, checkpoint].map(TmuxServer.quoted)
        let after = TmuxServer.quoted(directory + "/after")
        // Run inside `directory`, so relative paths typed into the explorer's prompts (the monkey
        // types anything into the save and compress prompts) land there, not in the repository.
        let command = "cd \(TmuxServer.quoted(directory)) && stty -a > \(TmuxServer.quoted(directory + "/stty-before")); "
            + explorer.joined(separator: " ")
            + #"; status=$?; echo "EXIT=$status"; { echo "$status"; stty -a; } > \#(after).tmp && mv \#(after).tmp \#(after); sleep 600"#
        try server.start(target, width: width, height: height, command: command)
        try server.waitFor("rankscope  ", in: target, file: file, line: line)
    }

    /// The folder where a signal that ends the explorer leaves its unsaved plan (`$XDG_STATE_HOME/rankscope/unsaved-plans`).
    var unsavedPlans: String { directory + "/state/rankscope/unsaved-plans" }

    /// The explorer's process id, once the wrapper has written it (nil after 10 s).
    func pid() -> pid_t? {
        let deadline = Date().addingTimeInterval(10)
        repeat {
            if let text = try? String(contentsOfFile: directory + "/pid", encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return nil
    }

    /// The explorer's exit status as the shell saw it, once it has ended (nil if it is still
    /// running after `timeout` seconds).
    func exitStatus(timeout: TimeInterval) -> Int? {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let text = try? String(contentsOfFile: directory + "/after", encoding: .utf8) {
                return Int(text.prefix { $0 != "\n" })
            }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return nil
    }

    /// The pane's text now, for failure messages ("" if tmux cannot tell).
    var shown: String { (try? server.screen(target)) ?? "" }

    /// True while the explorer has not ended.
    var isRunning: Bool { (try? String(contentsOfFile: directory + "/after", encoding: .utf8)) == nil }

    /// Checks, after the explorer ended, that the terminal is as it was before: the alternate
    /// screen left, the cursor visible, cursor and keypad keys back in normal mode, and
    /// `stty -a` identical to before the explorer started (echo and canonical mode on).
    func assertTerminalRestored(_ context: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard !isRunning else { return XCTFail("\(context): the explorer is still running:\n\(shown)", file: file, line: line) }
        let modes = try server.display("#{alternate_on} #{cursor_flag} #{keypad_cursor_flag} #{keypad_flag}", in: target)
        XCTAssertEqual(modes, "0 1 0 0", "\(context): alternate screen, cursor visible, cursor keys, keypad should be off, on, off, off",
                       file: file, line: line)
        let before = try String(contentsOfFile: directory + "/stty-before", encoding: .utf8)
        let after = try String(contentsOfFile: directory + "/after", encoding: .utf8).drop { $0 != "\n" }.dropFirst()
        XCTAssertEqual(String(after), before, "\(context): stty -a differs from before the explorer started", file: file, line: line)
        let flags = Set(after.split { $0 == " " || $0 == ";" || $0 == "\n" })
        XCTAssertTrue(flags.contains("icanon") && flags.contains("echo"), "\(context): echo and canonical mode are off:\n\(after)",
                      file: file, line: line)
        XCTAssertTrue(shown.contains("EXIT="), "\(context): the shell's screen is back", file: file, line: line)
    }

    /// Ends the tmux server and everything in it.
    func close() {
        server.kill()
    }
}
