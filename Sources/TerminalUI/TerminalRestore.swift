#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts the terminal back (modes, cursor, main screen) from inside a signal handler that is
/// about to end the process — e.g. ``SafeTensors`` `MappedFileFault` on a bus error — while the
/// explorer owns the screen. Does nothing when curses is not active.
public enum TerminalRestore {
    /// Async-signal-safe: `tcsetattr` and `write(2)` of bytes prepared before curses started.
    public static func restoreFromSignalHandler() {
        guard TerminationSignals.installed else { return }
        if let t = TerminationSignals.savedTermios { _ = tcsetattr(STDIN_FILENO, TCSANOW, t) }
        if let bytes = TerminationSignals.resetBytes { _ = write(STDOUT_FILENO, bytes, TerminationSignals.resetCount) }
    }
}
