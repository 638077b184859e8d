#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT, SIGTERM or SIGHUP while curses owns the screen into a request to quit
/// (``requested``, read through `CursesBackend.terminationRequest`), and a second such signal
/// into an immediate restore and death by that signal.
///
/// The first signal only records itself: the frame loop sees it within one key timeout, gives
/// the terminal back through `restore()` (no frame can be half drawn over the shell then),
/// lets background work end, and the program then ends by the same signal, so its parent sees
/// 128 + its number. A second signal, when the loop is stuck or the user will not wait, restores
/// the terminal from the handler itself and ends the process at once.
///
/// Design (async-signal safety): a signal handler may not call `endwin`, allocate, or take
/// locks. Everything the second signal's handler needs — the saved `termios` and the reset
/// escape bytes — is prepared in plain C memory *before* the handlers are installed. The handler
/// then only calls async-signal-safe functions: `tcsetattr` (restore echo/canonical mode),
/// `write(2)` (reset attributes, show the cursor, leave the alternate screen, leave keypad mode),
/// `signal` (back to the default action) and `raise` (re-deliver the signal, so the process
/// dies with the usual status and its parent sees the signal).
enum TerminationSignals {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    nonisolated(unsafe) static var savedTermios: UnsafeMutablePointer<termios>?
    nonisolated(unsafe) static var resetBytes: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) static var resetCount = 0
    nonisolated(unsafe) static var installed = false
    /// The first handled signal received since ``install()``, 0 when none.
    nonisolated(unsafe) static var requested: sig_atomic_t = 0

    /// Saves the current terminal modes; call before `initscr`.
    static func saveTerminalModes() {
        if savedTermios == nil {
            savedTermios = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        }
        if tcgetattr(STDIN_FILENO, savedTermios!) != 0 {
            savedTermios!.deallocate()
            savedTermios = nil
        }
        if resetBytes == nil {
            let seq = Array("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\u{1B}[?1l\u{1B}>\r\n".utf8)
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: seq.count)
            p.initialize(from: seq, count: seq.count)
            resetCount = seq.count
            resetBytes = p
        }
    }

    /// Installs the handlers (after the state they read is ready).
    static func install() {
        guard !installed else { return }
        installed = true
        requested = 0
        for s in handled { _ = signal(s, terminationSignalHandler) }
    }

    /// Puts the default actions back (``requested`` stays as it was); called from
    /// `CursesBackend.restore()`.
    static func uninstall() {
        guard installed else { return }
        installed = false
        for s in handled { _ = signal(s, SIG_DFL) }
    }
}

/// The handler itself: async-signal-safe calls only (see `TerminationSignals`).
private func terminationSignalHandler(_ sig: Int32) {
    if TerminationSignals.requested == 0 {
        TerminationSignals.requested = sig
        return
    }
    if let t = TerminationSignals.savedTermios { _ = tcsetattr(STDIN_FILENO, TCSANOW, t) }
    if let bytes = TerminationSignals.resetBytes {
        _ = write(STDOUT_FILENO, bytes, TerminationSignals.resetCount)
    }
    _ = signal(sig, SIG_DFL)
    _ = raise(sig)
}
