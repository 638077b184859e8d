import Foundation
import XCTest

/// A monkey test: thousands of seeded random keys and window resizes (1×1 up to 300×100) sent
/// to the real explorer in tmux. Every few hundred keys it must still be alive and, once it
/// has caught up with the queued keys, repaint its title within 2 s of a 1×1 → 100×30 resize;
/// at the end it must quit with status 0 and give the terminal back.
///
/// Replay a failure with the seed it prints:
/// `MONKEY_SEED=1234 swift test --skip-build --filter ExplorerMonkeyTests` (`MONKEY_KEYS`
/// changes the number of keys, 3000 by default; `MONKEY_KEEP=1` leaves the tmux server running
/// after a failure, for `tmux -L <socket> attach`).
final class ExplorerMonkeyTests: XCTestCase {
    private let batchSize = 40
    private let batchesBetweenChecks = 12

    func testRandomKeysAndResizesNeitherCrashNorHangTheExplorer() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["MONKEY_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...999_999)
        let keyCount = environment["MONKEY_KEYS"].flatMap(Int.init) ?? 3000
        let replay = "monkey seed \(seed) (replay: MONKEY_SEED=\(seed) swift test --skip-build --filter ExplorerMonkeyTests)"
        print(replay)
        let pane = try ExplorerPane(run: "monkey-\(seed)")
        defer {
            if environment["MONKEY_KEEP"] == nil || testRun?.hasSucceeded == true { pane.close() } else {
                print("left running: tmux -L \(pane.server.socket) attach")
            }
        }
        let pid = try XCTUnwrap(pane.pid())

        var monkey = Monkey(seed: seed)
        var recent: [String] = []
        var sent = 0
        var batch = 0
        while sent < keyCount {
            let keys = monkey.keys(batchSize)
            recent = Array((recent + [keys.map { "[\($0)]" }.joined()]).suffix(3))
            let delivery = try pane.server.run(["send-keys", "-t", pane.target] + keys)
            XCTAssertEqual(delivery.status, 0, "\(replay): tmux refused the keys: \(delivery.stdout)")
            sent += keys.count
            batch += 1
            if let size = monkey.resize() {
                try pane.server.resize(pane.target, width: size.width, height: size.height)
            }
            let context = "\(replay), after \(sent) keys; the last ones were:\n" + recent.joined(separator: "\n")
            if batch % batchesBetweenChecks == 0 || sent >= keyCount,
               !(try isAliveAndRepaints(pane, pid: pid, context)) { return }
        }
        try quit(pane, replay)
        XCTAssertEqual(pane.exitStatus(timeout: 1), 0, "\(replay): the explorer did not quit cleanly:\n\(pane.shown)")
        try pane.assertTerminalRestored(replay)
    }

    /// Regression: sizes the explorer never saw (here 1×1 and back while it is stopped) used to
    /// leave lost cells unpainted, because curses only rewrote what it thought had changed.
    func testSizesTheExplorerNeverSawStillRepaintEverything() throws {
        let pane = try ExplorerPane(run: "unseen-sizes")
        defer { pane.close() }
        try pane.server.waitFor("spectra ready", in: pane.target)
        let pid = try XCTUnwrap(pane.pid())
        kill(pid, SIGSTOP)
        try pane.server.resize(pane.target, width: 1, height: 1)
        Thread.sleep(forTimeInterval: 0.2)
        try pane.server.resize(pane.target, width: 100, height: 30)
        Thread.sleep(forTimeInterval: 0.2)
        kill(pid, SIGCONT)
        XCTAssertTrue(try isAliveAndRepaints(pane, pid: pid, "after SIGSTOP, 1×1, 100×30, SIGCONT", resizeFirst: false))
    }

    /// The explorer still runs and, once it has caught up with queued keys (up to 30 s: a
    /// compression job started by the monkey may be competing for the CPU), repaints its title
    /// within 2 s of shrinking to 1×1 and growing to 100×30 (6 s in a sanitized build, which runs
    /// the explorer 2–3× slower: `scripts/sanitize`; one CI run caught a sanitized explorer
    /// mid-repaint at 2 s). Fails the test and returns false otherwise.
    private func isAliveAndRepaints(_ pane: ExplorerPane, pid: pid_t, _ context: String, resizeFirst: Bool = true) throws -> Bool {
        guard pane.isRunning, kill(pid, 0) == 0 else {
            XCTFail("\(context)\nthe explorer died (status \(pane.exitStatus(timeout: 1).map(String.init) ?? "unknown")):\n"
                    + pane.shown)
            return false
        }
        if resizeFirst {
            try pane.server.resize(pane.target, width: 100, height: 30)
            guard try showsTitle(pane, within: 30) else {
                XCTFail("\(context)\nno title at 100×30 within 30 s:\n\(pane.shown)")
                return false
            }
            try pane.server.resize(pane.target, width: 1, height: 1)
            Thread.sleep(forTimeInterval: 0.1)
            try pane.server.resize(pane.target, width: 100, height: 30)
        }
        let environment = ProcessInfo.processInfo.environment
        let limit: TimeInterval = environment["ASAN_OPTIONS"] != nil || environment["TSAN_OPTIONS"] != nil ? 6 : 2
        guard try showsTitle(pane, within: limit) else {
            XCTFail("\(context)\nno repaint within \(Int(limit)) s of 1×1 → 100×30:\n\(pane.shown)")
            return false
        }
        return true
    }

    /// Whether the first screen line becomes the title (`rankscope  <checkpoint>`) in time.
    private func showsTitle(_ pane: ExplorerPane, within seconds: TimeInterval) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if try pane.server.screen(pane.target).hasPrefix("rankscope  ") { return true }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        return false
    }

    /// Closes whatever prompt, panel or help is open, presses q and answers the quit dialog;
    /// allows for a compression job (which quitting cancels, waiting up to 10 s for it).
    ///
    /// Keys are spaced well beyond curses' escape delay, more so on each retry: a process starved
    /// of CPU (a loaded CI machine) reads an Escape and a `q` that arrived 0.1 s apart in one go,
    /// as Alt-q, and the dialog never opens.
    private func quit(_ pane: ExplorerPane, _ replay: String) throws {
        for attempt in 0..<4 where pane.isRunning {
            for key in ["Escape", "Escape", "q"] {
                try pane.server.run(["send-keys", "-t", pane.target, key])
                Thread.sleep(forTimeInterval: 0.3 * Double(attempt + 1))
            }
            let deadline = Date().addingTimeInterval(10)
            while pane.isRunning && Date() < deadline && !pane.shown.contains("Quit?") { Thread.sleep(forTimeInterval: 0.1) }
            if pane.shown.contains("Quit?") { try pane.server.run(["send-keys", "-t", pane.target, "y"]) }
            if pane.exitStatus(timeout: 15) != nil { return }
        }
        XCTAssertFalse(pane.isRunning, "\(replay): Escape, q and y did not quit:\n\(pane.shown)\n\(threadStacks(of: pane.pid()))")
    }

    /// Every thread's stack of the explorer process (gdb, when installed), so a hang reported by
    /// the monkey says where each thread waits; a short note otherwise.
    private func threadStacks(of pid: pid_t?) -> String {
        guard let pid else { return "(no pid recorded)" }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb"),
              let outcome = try? Harness.shell("/usr/bin/gdb -batch -p \(pid) -ex 'thread apply all bt 25' 2>&1 | grep -E '^(Thread|#)'")
        else { return "(gdb is not installed: no thread stacks)" }
        return "thread stacks of pid \(pid):\n" + outcome.stdout
    }
}

/// The seeded source of random keys (as `tmux send-keys` arguments) and window sizes.
private struct Monkey {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Printable characters, except `q` (it quits; the test quits at the end) and `;` (tmux
    /// reads a trailing `;` as a command separator). Includes wide and combining characters.
    private static let printable: [String] = (32...126).map { String(UnicodeScalar(UInt8($0))) }
        .filter { $0 != "q" && $0 != ";" } + ["é", "σ", "中", "🙂", "e\u{301}"]
    /// Named keys: arrows, paging, editing and function keys, Alt-combinations.
    private static let named = ["Up", "Down", "Left", "Right", "PageUp", "PageDown", "Home", "End", "Enter", "Escape",
                                "Tab", "BTab", "BSpace", "DC", "IC", "F1", "F5", "F12", "M-a", "M-j", "M-Enter"]
    /// Ctrl-A…Ctrl-Z except C (SIGINT), Q and S (flow control), Z (suspend).
    private static let control = "abdefghijklmnoprtuvwxy".map { "C-\($0)" }
    /// Regex fragments for the `/` filter, valid and not.
    private static let patterns = ["(", ")", "[a-", "a{2,", "*", "+?", "\\", "\\p{", "(?<n", "[[:alpha:]]", ".*", "^0 ",
                                   "attn|mlp", "down_proj$", "a;b", "((((((((", "[^]]", "x{99999}", "(?i)MLP", "é+", ""]
    /// What may follow `=` (type a rank).
    private static let ranks = ["12", "0", "-3", "25%", "150%", "e99", "e", "99999999999999999999", "abc", "1e3", ""]

    /// `count` keys: mostly single keys, some Ctrl-keys, and `/pattern` and `=rank` entries
    /// finished with Enter or Escape.
    mutating func keys(_ count: Int) -> [String] {
        var keys: [String] = []
        while keys.count < count {
            switch Int.random(in: 0..<100, using: &generator) {
            case 0..<50: keys.append(pick(Self.printable))
            case 50..<56: keys.append(String(Int.random(in: 0...9, using: &generator)))
            case 56..<82: keys.append(pick(Self.named))
            case 82..<92: keys.append(pick(Self.control))
            case 92..<96: keys += ["/", pick(Self.patterns), pick(["Enter", "Escape"])]
            default: keys += ["=", pick(Self.ranks), pick(["Enter", "Escape"])]
            }
        }
        return keys.filter { !$0.isEmpty }
    }

    /// A new window size for about one batch in three: 1×1 to 300×100, often tiny.
    mutating func resize() -> (width: Int, height: Int)? {
        guard Int.random(in: 0..<3, using: &generator) == 0 else { return nil }
        if Bool.random(using: &generator) {
            return (Int.random(in: 1...12, using: &generator), Int.random(in: 1...6, using: &generator))
        }
        return (Int.random(in: 1...300, using: &generator), Int.random(in: 1...100, using: &generator))
    }

    private mutating func pick(_ choices: [String]) -> String {
        choices[Int.random(in: 0..<choices.count, using: &generator)]
    }
}

/// A small, fully determined random number generator (SplitMix64), so a seed replays exactly.
private struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
